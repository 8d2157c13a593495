import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from campaigns.models import Campaign, OperatorScope, Visit
from tests.factories import (
    CampaignFactory,
    DesaFactory,
    DeviceFactory,
    DeviceStateFactory,
    KabupatenFactory,
    KecamatanFactory,
    VisitFactory,
)
from tests.utils import only_error

pytestmark = pytest.mark.django_db

D = datetime.date


def _new_campaign(**kwargs):
    """An unsaved campaign (18 Jan, target 7 Feb, extension 10 Feb) in a saved kabupaten."""
    return CampaignFactory.build(kabupaten=KabupatenFactory(), **kwargs)


def _new_visit(campaign=None, **kwargs):
    """An unsaved visit on the campaign's first day, by a working mobile set, in its kabupaten."""
    campaign = campaign or CampaignFactory()
    if "kecamatan" not in kwargs:
        kwargs["kecamatan"] = KecamatanFactory(kabupaten=campaign.kabupaten)
    if "device" not in kwargs:
        kwargs["device"] = DeviceFactory()
    kwargs.setdefault("date", campaign.start_date)
    return Visit(campaign=campaign, planned_count=100, **kwargs)


# Campaign


def test_a_campaign_with_the_2024_dates_is_valid():
    _new_campaign().full_clean()


def test_a_campaign_may_end_on_its_first_day_without_extension():
    _new_campaign(target_date=D(2024, 1, 18), extension_date=None).full_clean()


def test_extension_on_the_target_date_is_accepted():
    _new_campaign(extension_date=D(2024, 2, 7)).full_clean()


def test_target_before_start_is_refused():
    campaign = _new_campaign(target_date=D(2024, 1, 17), extension_date=None)

    error = only_error(campaign, "target_date")

    assert error.code == "target_before_start"
    with translation.override("en"):
        assert error.messages == ["The target date cannot be before the start date."]


def test_extension_before_target_is_refused():
    campaign = _new_campaign(extension_date=D(2024, 2, 6))

    error = only_error(campaign, "extension_date")

    assert error.code == "extension_before_target"
    with translation.override("en"):
        assert error.messages == ["The extension date cannot be before the target date."]


@pytest.mark.parametrize(
    ("dates", "name"),
    [
        ({"target_date": D(2204, 2, 7), "extension_date": None}, "target_date"),
        ({"extension_date": D(2204, 2, 10)}, "extension_date"),
        ({"election_date": D(2204, 2, 14)}, "election_date"),
    ],
)
def test_a_date_more_than_two_years_after_the_start_is_refused(dates, name):
    """A mistyped year (2204) would stretch the charts and schedules over centuries."""
    campaign = _new_campaign(**dates)

    with translation.override("en"):
        error = only_error(campaign, name)
        assert error.messages == [
            "This date is more than two years after the start date, 01/18/2024: check the year."
        ]
    assert error.code == "too_far_from_start"


def test_dates_up_to_two_years_after_the_start_are_accepted():
    campaign = _new_campaign(
        extension_date=None, target_date=D(2025, 1, 18), election_date=D(2026, 1, 18)
    )
    campaign.full_clean()
    campaign.election_date = D(2026, 1, 19)
    assert only_error(campaign, "election_date").code == "too_far_from_start"


def test_a_planned_count_above_what_a_set_records_in_a_day_is_refused():
    visit = _new_visit()
    visit.planned_count = 2001

    assert only_error(visit, "planned_count").code == "max_value"


def test_the_database_refuses_a_target_before_start():
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        CampaignFactory(target_date=D(2024, 1, 17), extension_date=None)
    assert "campaign_target_on_or_after_start" in str(exc.value)


def test_the_database_refuses_an_extension_before_target():
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        CampaignFactory(extension_date=D(2024, 2, 6))
    assert "campaign_extension_on_or_after_target" in str(exc.value)


def test_last_day_is_the_extension_date_or_else_the_target():
    assert CampaignFactory().last_day == D(2024, 2, 10)
    assert CampaignFactory(extension_date=None).last_day == D(2024, 2, 7)


def test_changing_a_deadline_is_kept_in_the_history():
    campaign = CampaignFactory(extension_date=None)
    campaign.extension_date = D(2024, 2, 10)
    campaign.save()

    assert campaign.history.count() == 2
    assert campaign.history.order_by("history_id").first().extension_date is None


# Visit: dates and places


def test_a_visit_inside_the_campaign_is_valid():
    _new_visit().full_clean()


@pytest.mark.parametrize("day", [D(2024, 1, 17), D(2024, 2, 11)])
def test_a_visit_outside_the_campaign_is_refused(day):
    error = only_error(_new_visit(date=day), "date")

    assert error.code == "outside_campaign"


def test_outside_campaign_message_names_both_ends():
    with translation.override("en"):  # dates are formatted in the language of the request
        error = only_error(_new_visit(date=D(2024, 2, 11)), "date")
        assert error.messages == [
            "The date must be within the campaign, from 01/18/2024 to 02/10/2024."
        ]


def test_the_extension_date_itself_is_a_working_day():
    _new_visit(date=D(2024, 2, 10)).full_clean()


def test_without_extension_the_target_date_is_the_last_day():
    campaign = CampaignFactory(extension_date=None)

    _new_visit(campaign, date=D(2024, 2, 7)).full_clean()
    error = only_error(_new_visit(campaign, date=D(2024, 2, 8)), "date")
    assert error.code == "outside_campaign"


def test_a_kecamatan_of_another_kabupaten_is_refused():
    belu = KabupatenFactory(code="53.04", name="Kabupaten Belu")
    visit = _new_visit(kecamatan=KecamatanFactory(kabupaten=belu, name="Atambua"))

    error = only_error(visit, "kecamatan")

    assert error.code == "kecamatan_outside_campaign"
    with translation.override("en"):
        assert error.messages == ["Kecamatan Atambua is not in Kabupaten Timor Tengah Utara."]


def test_a_desa_of_the_visits_kecamatan_is_accepted():
    kecamatan = KecamatanFactory()
    _new_visit(kecamatan=kecamatan, desa=DesaFactory(kecamatan=kecamatan)).full_clean()


def test_a_desa_outside_the_kecamatan_is_refused():
    visit = _new_visit(desa=DesaFactory())  # a desa of another kecamatan in the same kabupaten

    error = only_error(visit, "desa")

    assert error.code == "desa_outside_kecamatan"


def test_a_closed_campaign_takes_no_visits():
    visit = _new_visit(CampaignFactory(status=Campaign.Status.CLOSED))

    error = only_error(visit, "campaign")

    assert error.code == "campaign_closed"


@pytest.mark.parametrize("status", [Campaign.Status.PLANNED, Campaign.Status.ACTIVE])
def test_planned_and_active_campaigns_take_visits(status):
    _new_visit(CampaignFactory(status=status)).full_clean()


def test_a_negative_planned_count_is_refused():
    visit = _new_visit()
    visit.planned_count = -1

    error = only_error(visit, "planned_count")

    assert error.code == "min_value"


def test_the_database_refuses_a_negative_planned_count():
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitFactory(planned_count=-1)


# Visit: the recording set


def test_a_set_cannot_be_in_two_places_on_one_day():
    first = VisitFactory()
    second = _new_visit(first.campaign, device=first.device, date=first.date)

    with translation.override("en"):
        error = only_error(second, "device")
        assert error.code == "device_double_booked"
        assert error.messages == [
            f"Set {first.device.code} is already scheduled in {first.kecamatan.name} on 01/18/2024."
        ]


def test_the_database_refuses_a_set_twice_on_one_day():
    first = VisitFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitFactory(campaign=first.campaign, device=first.device, date=first.date)


def test_a_saved_visit_does_not_clash_with_itself():
    visit = VisitFactory()
    visit.site_name = "Balai Desa Oelolok"
    visit.full_clean()


def test_the_same_set_on_different_days_is_fine():
    first = VisitFactory()
    _new_visit(first.campaign, device=first.device, date=D(2024, 1, 19)).full_clean()


def test_two_sets_at_the_same_place_on_the_same_day_are_fine():
    first = VisitFactory()
    _new_visit(first.campaign, kecamatan=first.kecamatan, date=first.date).full_clean()


def test_a_stationary_set_cannot_leave_its_home_office():
    device = DeviceFactory(mode="stationary", home_office="Kantor Dinas Dukcapil TTU")

    with translation.override("en"):
        error = only_error(_new_visit(device=device), "device")
        assert error.code == "device_stationary"
        assert error.messages == [
            f"Set {device.code} is stationary on 01/18/2024: "
            "it can only work at Kantor Dinas Dukcapil TTU."
        ]


def test_a_stationary_set_works_at_its_home_kecamatan():
    device = DeviceFactory(mode="stationary")
    _new_visit(device=device, kecamatan=device.home_kecamatan).full_clean()


def test_a_set_under_repair_cannot_go_out():
    device = DeviceFactory()
    DeviceStateFactory(device=device, valid_from=D(2024, 1, 20), condition="under_repair")

    error = only_error(_new_visit(device=device, date=D(2024, 1, 22)), "device")

    assert error.code == "device_not_working"


def test_a_retired_set_cannot_go_out():
    device = DeviceFactory(condition="retired")

    error = only_error(_new_visit(device=device), "device")

    assert error.code == "device_not_working"


def test_a_repair_only_counts_from_its_date_until_the_set_works_again():
    device = DeviceFactory()  # mobile and working from 1 Jan
    DeviceStateFactory(device=device, valid_from=D(2024, 1, 20), condition="under_repair")
    DeviceStateFactory(device=device, valid_from=D(2024, 1, 25), condition="working")
    campaign = CampaignFactory()

    _new_visit(campaign, device=device, date=D(2024, 1, 19)).full_clean()
    for day in (D(2024, 1, 20), D(2024, 1, 24)):
        error = only_error(_new_visit(campaign, device=device, date=day), "device")
        assert error.code == "device_not_working"
    _new_visit(campaign, device=device, date=D(2024, 1, 25)).full_clean()
    _new_visit(campaign, device=device, date=D(2024, 2, 10)).full_clean()


def test_a_set_without_a_state_on_that_date_is_not_in_service():
    device = DeviceFactory(state_from=D(2024, 1, 20))

    error = only_error(_new_visit(device=device, date=D(2024, 1, 19)), "device")

    assert error.code == "device_not_in_service"
    _new_visit(device=device, date=D(2024, 1, 20)).full_clean()


def test_a_set_with_no_history_at_all_is_not_in_service():
    device = DeviceFactory(state=None)

    error = only_error(_new_visit(device=device), "device")

    assert error.code == "device_not_in_service"


# Visit.objects.visible_to


@pytest.fixture
def two_places():
    """One visit in kecamatan A, one in kecamatan B."""
    campaign = CampaignFactory()
    in_a = VisitFactory(campaign=campaign)
    in_b = VisitFactory(campaign=campaign)
    return in_a, in_b


def test_an_operator_limited_to_a_kecamatan_sees_only_its_visits(operator_user, two_places):
    in_a, in_b = two_places
    scope = OperatorScope.objects.create(user=operator_user)
    scope.kecamatan.set([in_a.kecamatan])

    assert list(Visit.objects.visible_to(operator_user)) == [in_a]


def test_an_operator_limited_to_several_kecamatan_sees_them_all(operator_user, two_places):
    in_a, in_b = two_places
    VisitFactory(campaign=in_a.campaign)  # a third kecamatan, outside the scope
    scope = OperatorScope.objects.create(user=operator_user)
    scope.kecamatan.set([in_a.kecamatan, in_b.kecamatan])

    assert set(Visit.objects.visible_to(operator_user)) == {in_a, in_b}


def test_an_operator_without_a_scope_sees_every_visit(operator_user, two_places):
    assert set(Visit.objects.visible_to(operator_user)) == set(two_places)


def test_an_empty_scope_does_not_limit(operator_user, two_places):
    OperatorScope.objects.create(user=operator_user)

    assert set(Visit.objects.visible_to(operator_user)) == set(two_places)


def test_another_users_scope_does_not_limit(operator_user, koordinator_user, two_places):
    in_a, _ = two_places
    OperatorScope.objects.create(user=operator_user).kecamatan.set([in_a.kecamatan])

    assert set(Visit.objects.visible_to(koordinator_user)) == set(two_places)


def test_visible_to_keeps_other_filters(operator_user, two_places):
    in_a, in_b = two_places
    VisitFactory(campaign=in_a.campaign, kecamatan=in_a.kecamatan, date=D(2024, 1, 19))
    OperatorScope.objects.create(user=operator_user).kecamatan.set([in_a.kecamatan])

    visible = Visit.objects.filter(date=D(2024, 1, 18)).visible_to(operator_user)

    assert list(visible) == [in_a]
