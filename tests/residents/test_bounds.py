"""The ledger's bounds: counts read strictly, a hard limit, confirmation and a flag for an
implausible addition, dates near the campaign, notes of a sane length; and a resident's page
answers every refused status with a message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from residents import services
from residents.models import BacklogEntry
from tests.factories import (
    BacklogEntryFactory,
    KecamatanFactory,
    ResidentFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def operator(client, operator_user):
    client.force_login(operator_user)
    return client


def url(campaign):
    return reverse("backlog:list", args=[campaign.slug])


def entry(kecamatan, **data):
    return {
        "kecamatan": kecamatan.code,
        "date": "2024-01-24",
        "kind": "first_time_voter",
        "count": "12",
        "note": "Daftar pemilih pemula dari desa",
        **data,
    }


def errors(response, field):
    return [e.code for e in response.context["form"].errors.as_data().get(field, [])]


# Counts as people type them --------------------------------------------------------------


@pytest.mark.usefixtures("in_february_2024")
def test_a_count_with_a_thousands_dot_is_read_as_thousands(operator, campaign, kecamatan):
    BacklogEntryFactory(campaign=campaign, kecamatan=kecamatan, change=4700)  # 5.000 in all

    response = operator.post(url(campaign), entry(kecamatan, kind="deceased", count="1.000"))

    assert response.status_code == 302
    assert BacklogEntry.objects.get(kind="deceased").change == -1000


@pytest.mark.parametrize("typed", ["٣", "３", "1_0", "+12", "1,5", "1.00", "1.0000", "1 0"])
def test_a_count_not_in_ascii_digits_is_refused_with_a_message(
    operator, campaign, kecamatan, typed
):
    response = operator.post(url(campaign), entry(kecamatan, count=typed))

    assert response.status_code == 200
    [error] = response.context["form"].errors.as_data()["count"]
    assert error.code in {"invalid", "grouping"}
    assert escape(error.messages[0]) in response.content.decode()
    assert not BacklogEntry.objects.filter(kind="first_time_voter").exists()


# A hard limit, and a confirmation below it ------------------------------------------------


@pytest.mark.parametrize("typed", ["2147483647", "500.001", "99999999999"])
def test_an_entry_larger_than_any_kecamatan_is_refused_even_confirmed(
    operator, campaign, kecamatan, typed
):
    response = operator.post(url(campaign), entry(kecamatan, count=typed, confirm="on"))

    assert errors(response, "count") == ["max_value"]
    assert BacklogEntry.objects.count() == 1


@pytest.mark.parametrize(("change", "code"), [(500_001, "max_value"), (-500_001, "min_value")])
def test_the_model_refuses_a_change_larger_than_any_kecamatan(campaign, kecamatan, change, code):
    entry = BacklogEntry(
        campaign=campaign, kecamatan=kecamatan, date=D(2024, 1, 18), kind="baseline", change=change
    )
    with pytest.raises(ValidationError) as excinfo:
        entry.full_clean()
    assert code in [e.code for e in excinfo.value.error_dict["change"]]


@pytest.mark.usefixtures("in_february_2024")
def test_an_addition_above_the_whole_backlog_asks_to_confirm_then_is_flagged(
    operator, campaign, kecamatan
):
    response = operator.post(url(campaign), entry(kecamatan, count="600"))

    assert response.status_code == 200
    assert errors(response, "count") == ["needs_confirmation"]
    assert response.context["form"].needs_confirmation()
    assert b'name="confirm"' in response.content
    assert BacklogEntry.objects.count() == 1

    response = operator.post(url(campaign), entry(kecamatan, count="600", confirm="on"))
    assert response.status_code == 302
    saved = BacklogEntry.objects.get(kind="first_time_voter")
    assert saved.change == 600 and saved.needs_review
    assert "600" in saved.review_reason and "300" in saved.review_reason

    page = operator.get(url(campaign)).content.decode()
    assert escape(saved.review_reason) in page


def test_the_confirmation_box_shows_only_when_asked(operator, campaign, kecamatan):
    assert b'name="confirm"' not in operator.get(url(campaign)).content
    response = operator.post(url(campaign), entry(kecamatan, count="0"))
    assert b'name="confirm"' not in response.content


@pytest.mark.usefixtures("in_february_2024")
@pytest.mark.parametrize(
    ("backlog", "added"),
    [
        (300, 500),  # above the backlog, but a few hundred is plausible
        (1000, 600),  # more than a few hundred, within the backlog's size
    ],
)
def test_a_plausible_addition_is_saved_without_asking(campaign, operator_user, backlog, added):
    kecamatan = KecamatanFactory(kabupaten=campaign.kabupaten)
    BacklogEntryFactory(campaign=campaign, kecamatan=kecamatan, change=backlog)

    saved = services.backlog_entry_create(
        campaign=campaign,
        kecamatan=kecamatan,
        date=D(2024, 1, 24),
        kind="first_time_voter",
        count=added,
        note="-",
        by=operator_user,
    )

    assert not saved.needs_review and saved.review_reason == ""


def test_the_admin_flags_an_implausible_addition_and_filters_by_it(
    client, admin_member, campaign, kecamatan
):
    client.force_login(admin_member)
    data = {
        "campaign": campaign.pk,
        "kecamatan": kecamatan.pk,
        "date": "2024-01-20",
        "kind": "first_time_voter",
        "change": "1.500",
        "note": "",
    }

    response = client.post(reverse("admin:residents_backlogentry_add"), data)

    assert response.status_code == 302
    flagged = BacklogEntry.objects.get(kind="first_time_voter")
    assert (flagged.change, flagged.needs_review) == (1500, True)
    changelist = reverse("admin:residents_backlogentry_changelist")
    listed = client.get(changelist, {"needs_review__exact": "1"}).context["cl"].result_list
    assert list(listed) == [flagged]


# Dates near the campaign, notes of a sane length -------------------------------------------


@pytest.mark.usefixtures("in_february_2024")
def test_an_entry_dated_long_before_the_campaign_is_refused(operator, campaign, kecamatan):
    response = operator.post(url(campaign), entry(kecamatan, date="0001-01-01"))

    assert errors(response, "date") == ["before_campaign"]
    assert BacklogEntry.objects.count() == 1


def test_entries_reach_back_a_year_before_the_start(campaign, kecamatan):
    def dated(day):
        return BacklogEntry(
            campaign=campaign, kecamatan=kecamatan, date=day, kind="baseline", change=10
        )

    dated(D(2023, 1, 17)).full_clean()  # the start, 18 Jan 2024, less 366 days
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        dated(D(2023, 1, 16)).full_clean()
        [error] = excinfo.value.error_dict["date"]
        assert error.code == "before_campaign"
        assert error.messages == [
            "The date cannot be before 01/17/2023: entries go back at most a year before the "
            "campaign's start, 01/18/2024."
        ]


@pytest.mark.usefixtures("in_february_2024")
def test_a_note_over_1000_characters_is_refused_and_nothing_is_saved(operator, campaign, kecamatan):
    response = operator.post(url(campaign), entry(kecamatan, note="x" * 1001))

    assert errors(response, "note") == ["max_length"]
    assert BacklogEntry.objects.count() == 1
    assert operator.post(url(campaign), entry(kecamatan, note="x" * 1000)).status_code == 302


def test_the_model_refuses_a_long_note_too(campaign, kecamatan):
    entry = BacklogEntry(
        campaign=campaign,
        kecamatan=kecamatan,
        date=D(2024, 1, 20),
        kind="first_time_voter",
        change=1,
        note="x" * 1001,
    )
    with pytest.raises(ValidationError) as excinfo:
        entry.full_clean()
    assert [e.code for e in excinfo.value.error_dict["note"]] == ["max_length"]


# A resident's status ---------------------------------------------------------------------


@pytest.mark.parametrize("status", [{"status": "zombie"}, {"status": ""}, {}])
def test_a_status_the_page_does_not_offer_is_refused_with_a_message(client, operator_user, status):
    resident = ResidentFactory()
    client.force_login(operator_user)
    client.cookies["django_language"] = "en"

    response = client.post(reverse("residents:detail", args=[resident.pk]), status)

    assert response.status_code == 200
    assert escape("Change the status with one of this page's buttons.") in (
        response.content.decode()
    )
    resident.refresh_from_db()
    assert resident.status == "unrecorded"
