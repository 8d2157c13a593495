"""Counts within what the domain allows, ?as_of= within the campaign, and progress arithmetic
that no input, typed or stored, can make fail."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from hypothesis import example, given, settings
from hypothesis import strategies as st

from campaigns.models import Campaign, Visit
from reports import services
from reports.forecast import forecast_with_extra_sets
from reports.models import DailyReport
from reports.progress import (
    PROJECTION_HORIZON_DAYS,
    campaign_progress,
    projected_completion,
    status_sentence,
)
from residents.models import BacklogEntry
from tests.factories import (
    BacklogEntryFactory,
    CampaignFactory,
    DailyReportFactory,
    DeviceFactory,
    KabupatenFactory,
    KecamatanFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = timezone.localdate
# The most an integer column holds on PostgreSQL; SQLite sums such values without overflow.
INT_MAX = 2**31 - 1


def visit_on(campaign, days_ago):
    return VisitFactory(campaign=campaign, date=TODAY() - datetime.timedelta(days=days_ago))


def post(client, visit, **data):
    fields = {"recorded_count": "", "first_time_voters": "0", "failed_count": "0", "notes": ""}
    return client.post(reverse("visits:report", args=[visit.pk]), {**fields, **data})


def field_errors(response, field):
    return response.context["form"].errors.as_data().get(field, [])


def counts(recorded, notes=""):
    return {"recorded_count": recorded, "first_time_voters": 0, "failed_count": 0, "notes": notes}


# Counts as people type them (item 8) ------------------------------------------------------


def test_a_count_with_a_thousands_dot_is_read_as_thousands(client, operator_user, campaign):
    campaign.max_daily_per_set = 1500
    campaign.save()
    visit = visit_on(campaign, 0)
    client.force_login(operator_user)

    response = post(client, visit, recorded_count="1.000", first_time_voters="12")

    assert response.status_code == 302
    assert DailyReport.objects.get(visit=visit).recorded_count == 1000


@pytest.mark.parametrize("typed", ["٣", "３", "1_0", "+12", "1,5", "1.00", "1.0000", "1 0"])
def test_a_count_not_in_ascii_digits_is_refused_with_a_message(
    client, operator_user, campaign, typed
):
    visit = visit_on(campaign, 0)
    client.force_login(operator_user)

    response = post(client, visit, recorded_count=typed)

    assert response.status_code == 200
    [error] = field_errors(response, "recorded_count")
    assert error.code in {"invalid", "grouping"}
    assert escape(error.messages[0]) in response.content.decode()
    assert not DailyReport.objects.exists()


@pytest.mark.parametrize("typed", ["2001", "2147483647", "99999999999"])
def test_a_count_above_what_a_set_can_record_is_refused_even_confirmed(
    client, operator_user, campaign, typed
):
    visit = visit_on(campaign, 0)
    client.force_login(operator_user)

    response = post(client, visit, recorded_count=typed, confirm="on")

    assert [e.code for e in field_errors(response, "recorded_count")] == ["max_value"]
    assert not DailyReport.objects.exists()


@pytest.mark.parametrize("field", ["recorded_count", "first_time_voters", "failed_count"])
def test_the_model_refuses_a_count_above_what_a_set_can_record(operator_user, campaign, field):
    data = counts(2000) | {field: 2001}
    with pytest.raises(ValidationError) as excinfo:
        services.daily_report_save(
            visit=visit_on(campaign, 0), data=data, by=operator_user, confirmed=True
        )
    assert "max_value" in [e.code for e in excinfo.value.error_dict[field]]
    assert not DailyReport.objects.exists()


def test_without_a_campaign_maximum_a_count_far_above_a_sets_day_asks_to_confirm(
    operator_user, campaign
):
    visit = visit_on(campaign, 0)
    with pytest.raises(ValidationError) as excinfo:
        services.daily_report_save(visit=visit, data=counts(501), by=operator_user)
    assert excinfo.value.error_dict["recorded_count"][0].code == "needs_confirmation"

    report = services.daily_report_save(
        visit=visit, data=counts(501), by=operator_user, confirmed=True
    )
    assert report.needs_review and "500" in report.review_reason


def test_notes_over_1000_characters_are_refused_and_nothing_is_saved(
    client, operator_user, campaign
):
    visit = visit_on(campaign, 0)
    client.force_login(operator_user)

    response = post(client, visit, recorded_count="10", notes="x" * 1001)
    assert [e.code for e in field_errors(response, "notes")] == ["max_length"]
    assert not DailyReport.objects.exists()

    assert post(client, visit, recorded_count="10", notes="x" * 1000).status_code == 302


def test_the_model_refuses_long_notes_too(operator_user, campaign):
    with pytest.raises(ValidationError) as excinfo:
        services.daily_report_save(
            visit=visit_on(campaign, 0), data=counts(10, notes="x" * 1001), by=operator_user
        )
    assert [e.code for e in excinfo.value.error_dict["notes"]] == ["max_length"]


@pytest.mark.usefixtures("in_february_2024")
def test_the_admin_reads_counts_as_the_pages_do(client, admin_member):
    client.force_login(admin_member)
    visit = VisitFactory()
    url = reverse("admin:reports_dailyreport_add")
    data = {"visit": visit.pk, "recorded_count": "٣", "first_time_voters": 0, "failed_count": 0}

    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors.as_data()["recorded_count"][0].code == (
        "invalid"
    )

    response = client.post(url, data | {"recorded_count": "1.200", "failed_count": "1.000"})
    assert response.status_code == 302
    report = DailyReport.objects.get(visit=visit)
    assert (report.recorded_count, report.failed_count) == (1200, 1000)


def test_the_admin_refuses_a_planned_count_above_what_a_set_can_record(client, admin_member):
    client.force_login(admin_member)
    visit = VisitFactory(planned_count=80)
    url = reverse("admin:campaigns_visit_change", args=[visit.pk])
    page = client.get(url)
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if key in ("campaign", "date", "device", "kecamatan", "site_name")
    }
    data["date"] = visit.date.isoformat()

    response = client.post(url, data | {"planned_count": "2.001"})
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert [e.code for e in form.errors.as_data()["planned_count"]] == ["max_value"]

    response = client.post(url, data | {"planned_count": "1.500"})
    assert response.status_code == 302
    assert Visit.objects.get(pk=visit.pk).planned_count == 1500


# ?as_of= within the campaign (item 7) -------------------------------------------------------

PAGES = ["dashboard", "briefing", "kecamatan", "plan", "schedule"]


def url(name, campaign):
    return reverse(f"campaigns:{name}", args=[campaign.slug])


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01", "2023-01-16", "2025-02-11"])
@pytest.mark.parametrize("page", PAGES)
def test_an_as_of_far_from_the_campaign_shows_why_and_uses_today(
    client, koordinator_user, demo, page, as_of
):
    client.force_login(koordinator_user)

    response = client.get(url(page, demo), {"as_of": as_of})

    assert response.status_code == 200
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["as_of"]] == ["outside_campaign"]
    assert escape(form.errors["as_of"][0]) in response.content.decode()
    assert response.context["progress"].as_of == TODAY()


@pytest.mark.parametrize("as_of", [D(2023, 1, 17), D(2025, 2, 10)])
def test_an_as_of_up_to_a_year_around_the_campaign_is_shown(client, koordinator_user, demo, as_of):
    client.force_login(koordinator_user)
    for page in PAGES:
        response = client.get(url(page, demo), {"as_of": as_of.isoformat()})
        assert not response.context["form"].errors
        assert response.context["progress"].as_of == as_of


def test_the_message_names_the_days_allowed(client, koordinator_user, demo):
    client.force_login(koordinator_user)
    client.cookies["django_language"] = "en"
    response = client.get(url("dashboard", demo), {"as_of": "9999-12-31"})
    assert response.context["form"].errors["as_of"] == [
        "Choose a day from 17/01/2023 to 10/02/2025: up to a year around the campaign."
    ]


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01"])
def test_the_json_refuses_an_as_of_far_from_the_campaign(client, koordinator_user, demo, as_of):
    client.force_login(koordinator_user)
    response = client.get(url("progress_json", demo), {"as_of": as_of})
    assert response.status_code == 400
    assert response.json()["errors"]["as_of"][0]["code"] == "outside_campaign"


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_an_export_for_a_day_far_from_the_campaign_is_refused_with_why(
    client, koordinator_user, demo, export
):
    client.force_login(koordinator_user)
    client.cookies["django_language"] = "en"
    response = client.get(url("kecamatan", demo), {"as_of": "9999-12-31", "_export": export})
    assert response.status_code == 400
    assert "up to a year around the campaign" in response.content.decode()


# The arithmetic is total (item 7) ----------------------------------------------------------


def test_a_projection_beyond_ten_years_or_the_calendar_is_none_never_an_error():
    as_of = D(2024, 1, 23)
    horizon = datetime.timedelta(days=PROJECTION_HORIZON_DAYS)
    assert projected_completion(as_of, 10, 5) == D(2024, 1, 25)
    assert projected_completion(as_of, PROJECTION_HORIZON_DAYS * 5, 5) == as_of + horizon
    assert projected_completion(as_of, PROJECTION_HORIZON_DAYS * 5 + 1, 5) is None
    assert projected_completion(as_of, INT_MAX, 0.2) is None  # 29 million years: was a 500
    assert projected_completion(D(9999, 12, 30), 10, 1) is None
    assert projected_completion(as_of, 10, 0) is None
    assert projected_completion(as_of, 0, None) == as_of


def test_a_pace_too_slow_for_ten_years_reads_as_such_and_is_off_track():
    campaign = CampaignFactory()
    kecamatan = KecamatanFactory(kabupaten=campaign.kabupaten)
    BacklogEntryFactory(campaign=campaign, kecamatan=kecamatan, change=400_000)
    DailyReportFactory(
        visit=VisitFactory(campaign=campaign, kecamatan=kecamatan),
        recorded_count=1,
        first_time_voters=0,
    )

    progress = campaign_progress(campaign=campaign, as_of=D(2024, 1, 23))

    assert progress.projected_completion_date is None
    assert progress.average_daily_recorded == 1
    assert progress.status == "off_track"
    with translation.override("en"):
        sentence = status_sentence(progress)
    assert sentence.startswith(
        "At the current pace of 1 a day, recording would not be done within ten years."
    )
    assert "No reports yet" not in sentence


def _extreme_campaign(scenario):
    """Stored directly, past every form: the largest counts an integer column holds."""
    campaign = CampaignFactory(max_daily_per_set=INT_MAX)
    slow, busy = (KecamatanFactory(kabupaten=campaign.kabupaten) for _ in range(2))
    if scenario == "slow":  # a huge backlog, a pace of one a day: beyond any calendar
        BacklogEntryFactory(campaign=campaign, kecamatan=slow, change=INT_MAX)
        BacklogEntryFactory(
            campaign=campaign, kecamatan=slow, kind="first_time_voter", change=INT_MAX
        )
        reports = [(slow, D(2024, 1, 18), 1)]
    else:  # huge counts every day, far above the target
        BacklogEntryFactory(campaign=campaign, kecamatan=busy, change=INT_MAX)
        reports = [(busy, D(2024, 1, 18 + day), INT_MAX) for day in range(3)]
    for kecamatan, day, recorded in reports:
        visit = VisitFactory(
            campaign=campaign, kecamatan=kecamatan, date=day, planned_count=INT_MAX
        )
        DailyReportFactory(
            visit=visit, recorded_count=recorded, first_time_voters=recorded, failed_count=INT_MAX
        )
    VisitFactory(campaign=campaign, kecamatan=busy, date=D(2024, 1, 22))  # not reported
    return campaign, visit


@pytest.mark.parametrize("scenario", ["slow", "huge"])
def test_every_page_answers_with_extreme_stored_numbers(client, koordinator_user, scenario):
    campaign, visit = _extreme_campaign(scenario)
    client.force_login(koordinator_user)
    as_of = {"as_of": "2024-01-23"}
    pages = [
        (url("dashboard", campaign), as_of),
        (url("briefing", campaign), as_of),
        (url("progress_json", campaign), as_of),
        (url("kecamatan", campaign), as_of),
        (url("kecamatan", campaign), as_of | {"_export": "csv"}),
        (url("kecamatan", campaign), as_of | {"_export": "xlsx"}),
        (url("plan", campaign), as_of),
        (url("schedule", campaign), as_of),
        (url("dashboard", campaign), {}),  # today, long after the campaign
        (reverse("campaigns:list"), {}),
        (reverse("backlog:list", args=[campaign.slug]), {}),
        (reverse("visits:late"), {}),
        (reverse("visits:report", args=[visit.pk]), {}),
    ]
    for path, query in pages:
        assert client.get(path, query).status_code == 200, (path, query)


def test_the_admin_lists_answer_with_extreme_stored_numbers(client, admin_member):
    campaign, visit = _extreme_campaign("huge")
    client.force_login(admin_member)
    for name, obj in [
        ("reports_dailyreport", visit.report),
        ("residents_backlogentry", BacklogEntry.objects.filter(campaign=campaign).first()),
        ("campaigns_campaign", campaign),
        ("campaigns_visit", visit),
    ]:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:{name}_change", args=[obj.pk])).status_code == 200


# Whatever is stored, campaign_progress answers (a property) ---------------------------------

# Any value a column holds, with the edges and the campaign's own weeks drawn more often.
counts_stored = st.integers(0, 3) | st.just(INT_MAX) | st.integers(0, INT_MAX)
changes_stored = (
    st.integers(-3, 3) | st.sampled_from([-INT_MAX, INT_MAX]) | st.integers(-INT_MAX, INT_MAX)
)
dates_stored = (
    st.dates(D(2024, 1, 1), D(2024, 3, 31))
    | st.sampled_from([datetime.date.min, datetime.date.max])
    | st.dates()
)


@st.composite
def stored_campaigns(draw):
    start = draw(dates_stored)
    target = draw(st.dates(min_value=start))
    return {
        "campaign": {
            "start_date": start,
            "target_date": target,
            "extension_date": draw(st.none() | st.dates(min_value=target)),
            "election_date": draw(dates_stored),
        },
        "entries": draw(
            st.lists(st.tuples(st.integers(0, 1), dates_stored, changes_stored), max_size=4)
        ),
        "reports": draw(
            st.lists(
                st.tuples(st.integers(0, 1), dates_stored, counts_stored, counts_stored),
                max_size=4,
            )
        ),
        "as_of": draw(dates_stored),
    }


def _stored(**kwargs):
    """One stored campaign: the 2024 dates, a backlog of 200, one report of 1 on day one."""
    campaign = {
        "start_date": D(2024, 1, 18),
        "target_date": D(2024, 2, 7),
        "extension_date": None,
        "election_date": D(2024, 2, 14),
    }
    return {
        "campaign": campaign,
        "entries": [(0, D(2024, 1, 18), 200)],
        "reports": [(0, D(2024, 1, 18), 1, 0)],
        "as_of": D(2024, 1, 23),
    } | kwargs


def _kind(change):
    if change < 0:
        return BacklogEntry.Kind.DECEASED
    return BacklogEntry.Kind.FIRST_TIME_VOTER if change else BacklogEntry.Kind.BASELINE


def test_no_stored_count_or_date_makes_campaign_progress_raise():
    kabupaten = KabupatenFactory()
    kecamatan = [KecamatanFactory(kabupaten=kabupaten) for _ in range(2)]
    devices = [DeviceFactory() for _ in range(4)]  # one a report: a set has one visit a day

    @settings(max_examples=200, deadline=None, database=None)
    @given(stored=stored_campaigns())
    @example(stored=_stored(entries=[(0, D(2024, 1, 18), INT_MAX)]))  # beyond timedelta
    @example(stored=_stored(as_of=datetime.date.max))  # beyond the calendar
    def check(stored):
        with transaction.atomic():
            campaign = Campaign.objects.create(
                slug="stored", name="Stored", kabupaten=kabupaten, **stored["campaign"]
            )
            for place, day, change in stored["entries"]:
                BacklogEntry.objects.create(
                    campaign=campaign,
                    kecamatan=kecamatan[place],
                    date=day,
                    kind=_kind(change),
                    change=change,
                )
            for device, (place, day, recorded, failed) in zip(
                devices, stored["reports"], strict=False
            ):
                visit = Visit.objects.create(
                    campaign=campaign, device=device, kecamatan=kecamatan[place], date=day
                )
                DailyReport.objects.create(
                    visit=visit,
                    recorded_count=recorded,
                    first_time_voters=recorded // 2,
                    failed_count=failed,
                )

            progress = campaign_progress(campaign=campaign, as_of=stored["as_of"])
            status_sentence(progress)
            progress.as_json()
            forecast_with_extra_sets(progress, 1)
            assert progress.remaining >= 0
            transaction.set_rollback(True)

    check()
