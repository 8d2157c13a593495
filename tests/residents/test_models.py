import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from residents.models import BacklogEntry
from tests.factories import (
    BacklogEntryFactory,
    CampaignFactory,
    KabupatenFactory,
    KecamatanFactory,
)
from tests.utils import only_error

pytestmark = pytest.mark.django_db

D = datetime.date
Kind = BacklogEntry.Kind


@pytest.fixture
def baseline():
    """200 unrecorded in one kecamatan on the campaign's first day, 18 Jan 2024."""
    return BacklogEntryFactory(change=200)


def _entry(baseline, **kwargs):
    """An unsaved entry of the baseline's campaign and kecamatan, dated 20 Jan."""
    kwargs.setdefault("date", D(2024, 1, 20))
    return BacklogEntry(campaign=baseline.campaign, kecamatan=baseline.kecamatan, **kwargs)


# The sign matches the kind


@pytest.mark.parametrize(
    ("kind", "change"),
    [
        (Kind.BASELINE, 0),
        (Kind.BASELINE, 5312),
        (Kind.DECEASED, -3),
        (Kind.MOVED_OUT, -1),
        (Kind.DUPLICATE, -2),
        (Kind.FIRST_TIME_VOTER, 12),
    ],
)
def test_entries_with_the_right_sign_are_accepted(baseline, kind, change):
    _entry(baseline, kind=kind, change=change).full_clean()


@pytest.mark.parametrize("kind", BacklogEntry.REMOVALS)
@pytest.mark.parametrize("change", [0, 5])
def test_removals_must_be_negative(baseline, kind, change):
    error = only_error(_entry(baseline, kind=kind, change=change), "change")

    assert error.code == "wrong_sign"


def test_wrong_sign_message_shows_the_number_to_enter(baseline):
    with translation.override("en"):  # the kind's label is put in when clean() runs
        error = only_error(_entry(baseline, kind=Kind.DECEASED, change=4), "change")
        assert error.messages == ["Deceased lowers the backlog: enter a negative number, e.g. -4."]


@pytest.mark.parametrize("change", [0, -7])
def test_first_time_voters_must_be_positive(baseline, change):
    error = only_error(_entry(baseline, kind=Kind.FIRST_TIME_VOTER, change=change), "change")

    assert error.code == "wrong_sign"
    with translation.override("en"):
        assert error.messages == [
            "New first-time voters raise the backlog: enter a number above 0."
        ]


def test_a_baseline_cannot_be_negative():
    campaign = CampaignFactory()
    entry = BacklogEntry(
        campaign=campaign,
        kecamatan=KecamatanFactory(kabupaten=campaign.kabupaten),
        date=D(2024, 1, 18),
        kind=Kind.BASELINE,
        change=-1,
    )

    error = only_error(entry, "change")

    assert error.code == "wrong_sign"


@pytest.mark.parametrize(
    ("kind", "change"),
    [
        (Kind.BASELINE, -1),
        (Kind.FIRST_TIME_VOTER, 0),
        (Kind.FIRST_TIME_VOTER, -1),
        (Kind.DECEASED, 0),
        (Kind.MOVED_OUT, 1),
        (Kind.DUPLICATE, 1),
    ],
)
def test_the_database_refuses_the_wrong_sign(kind, change):
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        BacklogEntryFactory(kind=kind, change=change)
    assert "backlogentry_sign_matches_kind" in str(exc.value)


# Place and date


def test_a_kecamatan_outside_the_campaign_is_refused():
    campaign = CampaignFactory()
    belu = KabupatenFactory(code="53.04", name="Kabupaten Belu")
    entry = BacklogEntry(
        campaign=campaign,
        kecamatan=KecamatanFactory(kabupaten=belu),
        date=D(2024, 1, 18),
        kind=Kind.BASELINE,
        change=100,
    )

    error = only_error(entry, "kecamatan")

    assert error.code == "kecamatan_outside_campaign"


def test_an_entry_after_the_campaigns_last_day_is_refused(baseline):
    entry = _entry(baseline, kind=Kind.FIRST_TIME_VOTER, change=3, date=D(2024, 2, 11))

    with translation.override("en"):
        error = only_error(entry, "date")
        assert error.code == "after_campaign"
        assert error.messages == ["The date cannot be after the campaign's last day, 02/10/2024."]


def test_an_entry_on_the_last_day_is_accepted(baseline):
    _entry(baseline, kind=Kind.DECEASED, change=-1, date=D(2024, 2, 10)).full_clean()


def test_without_extension_the_last_day_is_the_target():
    baseline = BacklogEntryFactory(campaign=CampaignFactory(extension_date=None))

    _entry(baseline, kind=Kind.DECEASED, change=-1, date=D(2024, 2, 7)).full_clean()
    error = only_error(_entry(baseline, kind=Kind.DECEASED, change=-1, date=D(2024, 2, 8)), "date")
    assert error.code == "after_campaign"


def test_a_baseline_before_the_start_is_accepted():
    campaign = CampaignFactory()
    BacklogEntry(
        campaign=campaign,
        kecamatan=KecamatanFactory(kabupaten=campaign.kabupaten),
        date=D(2024, 1, 2),
        kind=Kind.BASELINE,
        change=100,
    ).full_clean()


# The balance never goes below zero


def test_a_removal_below_zero_is_refused(baseline):
    BacklogEntryFactory(
        campaign=baseline.campaign, kecamatan=baseline.kecamatan, kind=Kind.DECEASED, change=-50
    )
    entry = _entry(baseline, kind=Kind.MOVED_OUT, change=-151)

    error = only_error(entry, "change")

    assert error.code == "below_zero"
    with translation.override("en"):
        assert error.messages == [
            f"The backlog of {baseline.kecamatan.name} is 150; it cannot be lowered by 151."
        ]


def test_a_removal_down_to_exactly_zero_is_accepted(baseline):
    _entry(baseline, kind=Kind.DUPLICATE, change=-200).full_clean()


def test_other_kecamatan_and_campaigns_do_not_count(baseline):
    BacklogEntryFactory(campaign=baseline.campaign, change=1000)  # another kecamatan
    BacklogEntryFactory(kecamatan=baseline.kecamatan, change=1000)  # another campaign

    error = only_error(_entry(baseline, kind=Kind.DECEASED, change=-201), "change")

    assert error.code == "below_zero"


def test_editing_a_removal_does_not_count_it_twice(baseline):
    removal = BacklogEntryFactory(
        campaign=baseline.campaign, kecamatan=baseline.kecamatan, kind=Kind.DECEASED, change=-150
    )
    removal.change = -200
    removal.full_clean()


def test_a_removal_cannot_use_first_time_voters_added_later(baseline):
    """On 20 Jan the backlog is 200: 50 voters added on 30 Jan cannot cover a removal of 220."""
    BacklogEntryFactory(
        campaign=baseline.campaign,
        kecamatan=baseline.kecamatan,
        date=D(2024, 1, 30),
        kind=Kind.FIRST_TIME_VOTER,
        change=50,
    )

    error = only_error(_entry(baseline, kind=Kind.DECEASED, change=-220), "change")

    assert error.code == "below_zero"
    assert error.params["balance"] == 200


def test_a_removal_cannot_come_before_the_baseline():
    baseline = BacklogEntryFactory(date=D(2024, 1, 20), change=200)

    entry = _entry(baseline, kind=Kind.DECEASED, change=-1, date=D(2024, 1, 19))

    assert only_error(entry, "change").code == "below_zero"


def test_a_backdated_removal_cannot_push_later_balances_below_zero(baseline):
    """200 on 18 Jan, 150 moved out on 25 Jan: 60 more removed on 20 Jan leaves -10 on the 25th."""
    BacklogEntryFactory(
        campaign=baseline.campaign,
        kecamatan=baseline.kecamatan,
        date=D(2024, 1, 25),
        kind=Kind.MOVED_OUT,
        change=-150,
    )

    error = only_error(_entry(baseline, kind=Kind.DUPLICATE, change=-60), "change")

    assert error.code == "below_zero"
    assert error.params["balance"] == 50
    _entry(baseline, kind=Kind.DUPLICATE, change=-50).full_clean()


def test_a_removal_without_a_date_gets_a_date_error(baseline):
    entry = _entry(baseline, kind=Kind.DECEASED, change=-1, date=None)

    assert only_error(entry, "date").code == "null"


# The target on a date is the ledger's sum up to it


def test_up_to_sums_only_entries_dated_on_or_before_the_day(baseline):
    same = {"campaign": baseline.campaign, "kecamatan": baseline.kecamatan}
    BacklogEntryFactory(**same, date=D(2024, 1, 20), kind=Kind.DECEASED, change=-10)
    BacklogEntryFactory(**same, date=D(2024, 1, 25), kind=Kind.FIRST_TIME_VOTER, change=5)
    BacklogEntryFactory(**same, date=D(2024, 1, 25), kind=Kind.MOVED_OUT, change=-2)
    BacklogEntryFactory(campaign=baseline.campaign, change=1000)  # another kecamatan
    ledger = BacklogEntry.objects.filter(**same)

    assert ledger.up_to(D(2024, 1, 17)).total() == 0
    assert ledger.up_to(D(2024, 1, 18)).total() == 200
    assert ledger.up_to(D(2024, 1, 19)).total() == 200
    assert ledger.up_to(D(2024, 1, 20)).total() == 190
    assert ledger.up_to(D(2024, 1, 25)).total() == 193
    assert ledger.up_to(D(2024, 2, 10)).total() == 193
    whole_campaign = BacklogEntry.objects.filter(campaign=baseline.campaign)
    assert whole_campaign.up_to(D(2024, 1, 25)).total() == 1193


def test_an_empty_ledger_totals_zero():
    assert BacklogEntry.objects.none().total() == 0
    assert BacklogEntry.objects.up_to(D(2024, 1, 18)).total() == 0


def test_every_change_to_an_entry_is_kept(baseline):
    baseline.change = 5312
    baseline.note = "Corrected from the Dukcapil export"
    baseline.save()

    assert baseline.history.count() == 2
    assert baseline.history.order_by("history_id").first().change == 200


def test_lowering_a_baseline_that_removals_rely_on_is_refused(baseline):
    """200 on 18 Jan, 150 deceased on 25 Jan: the baseline cannot become 100."""
    BacklogEntryFactory(
        campaign=baseline.campaign,
        kecamatan=baseline.kecamatan,
        date=D(2024, 1, 25),
        kind=Kind.DECEASED,
        change=-150,
    )
    baseline.change = 100

    with translation.override("en"):  # the date is formatted when clean() runs
        error = only_error(baseline, "change")
        assert error.code == "below_zero"
        assert error.messages == [
            f"With this change the backlog of {baseline.kecamatan.name} would fall below zero "
            "on 01/25/2024: later removals count on it."
        ]
    baseline.change = 150
    baseline.full_clean()


def test_moving_a_baseline_after_a_removal_is_refused(baseline):
    BacklogEntryFactory(
        campaign=baseline.campaign,
        kecamatan=baseline.kecamatan,
        date=D(2024, 1, 20),
        kind=Kind.DUPLICATE,
        change=-10,
    )
    baseline.date = D(2024, 1, 21)

    assert only_error(baseline, "change").code == "below_zero"
