"""Marking residents: each change writes its ledger entry, so target and list agree."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from residents import services
from residents.models import BacklogEntry, Resident
from tests.factories import BacklogEntryFactory, CampaignFactory, ResidentFactory, VisitFactory
from tests.utils import assert_ledger_agrees

pytestmark = pytest.mark.django_db
S = Resident.Status


@pytest.fixture
def campaign():
    today = timezone.localdate()
    return CampaignFactory(
        start_date=today - datetime.timedelta(days=5),
        target_date=today + datetime.timedelta(days=10),
        extension_date=None,
        election_date=today + datetime.timedelta(days=20),
    )


@pytest.fixture
def residents(campaign):
    """Three residents of one desa, with the baseline an import would have written."""
    people = ResidentFactory.create_batch(3, campaign=campaign)
    desa = people[0].desa
    Resident.objects.filter(pk__in=[p.pk for p in people]).update(desa=desa)
    BacklogEntryFactory(
        campaign=campaign, kecamatan=desa.kecamatan, date=campaign.start_date, change=3
    )
    return list(Resident.objects.filter(campaign=campaign))


def test_marking_deceased_writes_a_minus_one_entry(operator_user, campaign, residents):
    services.resident_set_status(resident=residents[0], status=S.DECEASED, by=operator_user)

    entry = BacklogEntry.objects.get(kind="deceased")
    assert (entry.change, entry.date, entry.created_by) == (-1, timezone.localdate(), operator_user)
    assert Resident.objects.get(pk=residents[0].pk).status_date == timezone.localdate()
    assert_ledger_agrees(campaign)


def test_undoing_a_removal_writes_a_correction(operator_user, campaign, residents):
    services.resident_set_status(resident=residents[0], status=S.MOVED_OUT, by=operator_user)
    services.resident_set_status(
        resident=residents[0], status=S.UNRECORDED, by=operator_user, note="Masih tinggal di desa"
    )
    assert list(BacklogEntry.objects.exclude(kind="baseline").values_list("kind", "change")) == [
        ("moved_out", -1),
        ("correction", 1),
    ]
    resident = Resident.objects.get(pk=residents[0].pk)
    assert (resident.status, resident.status_date) == (S.UNRECORDED, None)
    assert resident.history.first().history_change_reason == "Masih tinggal di desa"
    assert_ledger_agrees(campaign)


def test_recording_links_the_visit_and_leaves_the_ledger_alone(operator_user, campaign, residents):
    visit = VisitFactory(campaign=campaign, date=timezone.localdate())
    services.resident_set_status(
        resident=residents[1], status=S.RECORDED, by=operator_user, visit=visit
    )
    resident = Resident.objects.get(pk=residents[1].pk)
    assert (resident.status, resident.recorded_visit) == (S.RECORDED, visit)
    assert BacklogEntry.objects.count() == 1
    assert_ledger_agrees(campaign)

    services.resident_set_status(resident=resident, status=S.UNRECORDED, by=operator_user)
    assert Resident.objects.get(pk=resident.pk).recorded_visit is None
    assert_ledger_agrees(campaign)


@pytest.mark.parametrize(
    ("first", "then", "code"),
    [
        (S.DECEASED, S.DUPLICATE, "not_in_backlog"),
        (S.DECEASED, S.DECEASED, "unchanged"),
        (None, S.UNRECORDED, "unchanged"),
        (None, S.RECORDED, "visit_required"),
    ],
)
def test_refused_changes_say_why_and_write_nothing(
    operator_user, campaign, residents, first, then, code
):
    resident = residents[0]
    if first:
        services.resident_set_status(resident=resident, status=first, by=operator_user)
    entries = BacklogEntry.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        services.resident_set_status(resident=resident, status=then, by=operator_user)
    assert excinfo.value.code == code
    assert BacklogEntry.objects.count() == entries
    assert_ledger_agrees(campaign)


def test_a_future_visit_or_another_campaigns_visit_is_refused(operator_user, campaign, residents):
    tomorrow = VisitFactory(
        campaign=campaign, date=timezone.localdate() + datetime.timedelta(days=1)
    )
    elsewhere = VisitFactory()
    for visit, code in [(tomorrow, "future_visit"), (elsewhere, "visit_required")]:
        with pytest.raises(ValidationError) as excinfo:
            services.resident_set_status(
                resident=residents[0], status=S.RECORDED, by=operator_user, visit=visit
            )
        assert excinfo.value.code == code


def test_a_closed_campaign_refuses_operators(operator_user, campaign, residents):
    campaign.status = "closed"
    campaign.save()
    with pytest.raises(ValidationError) as excinfo:
        services.resident_set_status(resident=residents[0], status=S.DECEASED, by=operator_user)
    assert excinfo.value.code == "campaign_closed"


def test_a_nik_is_text_with_sixteen_digits_in_the_database(campaign):
    from django.db import IntegrityError, transaction

    papua = ResidentFactory(campaign=campaign, nik="9171015708450001")
    assert Resident.objects.get(pk=papua.pk).nik == "9171015708450001"
    for bad in ["53030501019000", "5.30305E+15"]:
        with pytest.raises(IntegrityError), transaction.atomic():
            ResidentFactory(campaign=campaign, nik=bad)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResidentFactory(campaign=campaign, nik="9171015708450001")  # unique in the campaign


def test_a_ledger_note_never_carries_a_full_nik(operator_user, campaign, residents):
    """Koordinators read ledger notes on the backlog page."""
    services.resident_set_status(resident=residents[0], status=S.DUPLICATE, by=operator_user)
    note = BacklogEntry.objects.get(kind="duplicate").note
    assert residents[0].name in note
    assert residents[0].nik not in note and residents[0].nik[-4:] in note
