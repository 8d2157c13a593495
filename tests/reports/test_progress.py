"""DOMAIN.md §4: the numbers, the worked example to the last digit, and the edge cases."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from reports.progress import campaign_progress, status_sentence
from tests.factories import (
    BacklogEntryFactory,
    CampaignFactory,
    DailyReportFactory,
    DeviceFactory,
    KecamatanFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
REVIEW_DAY = D(2024, 1, 23)


def progress_json(client, campaign, as_of):
    url = reverse("campaigns:progress_json", args=[campaign.slug])
    return client.get(url, {"as_of": as_of.isoformat()})


def test_the_worked_example_through_the_json(client, koordinator_user, demo):
    client.force_login(koordinator_user)
    data = progress_json(client, demo, REVIEW_DAY).json()

    assert {
        k: data[k]
        for k in data
        if k not in ("kecamatan", "missing_reports", "last_report_at", "name")
    } == {
        "campaign": "ttu-2024",
        "start_date": "2024-01-18",
        "target_date": "2024-02-07",
        "extension_date": "2024-02-10",
        "election_date": "2024-02-14",
        "as_of": "2024-01-23",
        "target": 5312,
        "recorded": 750,
        "remaining": 4562,
        "percent_recorded": 14.12,
        "average_daily_recorded": 150.0,
        "per_device_daily_rate": 75.0,
        "days_left_to_target": 15,
        "days_left_to_extension": 18,
        "required_daily_rate": 304.13,
        "required_daily_rate_extension": 253.44,
        "projected_completion_date": "2024-02-23",
        # Five days of 150 each: no spread, so the range is the projection itself.
        "projected_completion_earliest": "2024-02-23",
        "projected_completion_latest": "2024-02-23",
        "devices_needed": 5,
        "devices_needed_extension": 4,
        "status": "off_track",
    }
    assert data["missing_reports"] == []  # 23 January's visits are today's, not late
    assert len(data["kecamatan"]) == 24
    assert sum(k["target"] for k in data["kecamatan"]) == 5312
    kefamenanu = next(k for k in data["kecamatan"] if k["name"] == "Kota Kefamenanu")
    assert kefamenanu == {
        "code": "53.03.05",
        "name": "Kota Kefamenanu",
        "target": 475,
        "recorded": 300,
        "remaining": 175,
        "last_visit": "2024-01-22",
        "next_visit": None,
        "coverage_gap": True,
    }
    miomaffo = next(k for k in data["kecamatan"] if k["name"] == "Miomaffo Barat")
    assert (miomaffo["last_visit"], miomaffo["next_visit"]) == ("2024-01-23", None)
    assert not miomaffo["coverage_gap"]  # visited today, not reported yet
    assert progress_json(client, demo, D(2024, 1, 24)).json()["kecamatan"][1]["coverage_gap"]


def test_the_worked_example_on_the_dashboard(client, koordinator_user, demo):
    client.force_login(koordinator_user)
    url = reverse("campaigns:dashboard", args=[demo.slug])
    page = client.get(url, {"as_of": "2024-01-23"}).content.decode()

    for shown in [
        "5.312",
        "750",
        "4.562",
        "14,12%",
        "304,13",
        "253,44",
        "150,00",
        "75,00",
        "23/02/2024",
    ]:
        assert shown in page, shown
    client.cookies["django_language"] = "en"
    page = client.get(url, {"as_of": "2024-01-23"}).content.decode()
    assert (
        "At the current pace of 150 a day, recording ends on 02/23/2024, after the election "
        "on 02/14/2024. To finish by 02/07/2024, 304 a day would be needed (5 sets in all)."
    ) in page


def test_the_status_sentence_in_indonesian(demo):
    progress = campaign_progress(campaign=demo, as_of=REVIEW_DAY)
    with translation.override("id"):
        assert status_sentence(progress) == (
            "Dengan laju saat ini 150 per hari, perekaman selesai pada 23/02/2024, "
            "sesudah Pemilu 14/02/2024. Agar selesai pada 07/02/2024, dibutuhkan "
            "304 per hari (seluruhnya 5 alat)."
        )


def test_the_day_after_the_review_counts_its_missing_reports(demo):
    progress = campaign_progress(campaign=demo, as_of=D(2024, 1, 24))
    assert [(m.date, m.kecamatan) for m in progress.missing_reports] == [
        (REVIEW_DAY, "Miomaffo Barat"),
        (REVIEW_DAY, "Miomaffo Barat"),
    ]


def small_campaign(**kwargs):
    campaign = CampaignFactory(**kwargs)
    kecamatan = KecamatanFactory(kabupaten=campaign.kabupaten)
    BacklogEntryFactory(campaign=campaign, kecamatan=kecamatan, change=1000)
    return campaign, kecamatan


def report(campaign, kecamatan, day, count, device=None):
    visit = VisitFactory(
        campaign=campaign, kecamatan=kecamatan, date=day, device=device or DeviceFactory()
    )
    return DailyReportFactory(visit=visit, recorded_count=count, first_time_voters=0)


def test_no_reports_yet():
    campaign, _ = small_campaign()
    p = campaign_progress(campaign=campaign, as_of=D(2024, 1, 18))
    assert (p.recorded, p.remaining, p.percent_recorded) == (0, 1000, 0.0)
    assert p.average_daily_recorded is None and p.per_device_daily_rate is None
    assert p.projected_completion_date is None and p.devices_needed is None
    assert p.required_daily_rate == round(1000 / 20, 2)
    assert p.status == "off_track"
    with translation.override("en"):
        assert "No reports yet" in status_sentence(p)


def test_the_pace_is_the_last_five_dates_with_reports():
    campaign, kecamatan = small_campaign()
    for day, count in [(18, 10), (19, 100), (20, 100), (22, 100), (23, 100), (24, 100)]:
        report(campaign, kecamatan, D(2024, 1, day), count)
    report(campaign, kecamatan, D(2024, 1, 24), 50)  # a second set that day

    p = campaign_progress(campaign=campaign, as_of=D(2024, 1, 24))

    # 19, 20, 22, 23, 24 Jan (the 21st had no report): 550 over 5 dates, 6 reported visits.
    assert p.average_daily_recorded == 110.0
    assert p.per_device_daily_rate == round(550 / 6, 2)
    # A report dated after as_of does not count.
    report(campaign, kecamatan, D(2024, 1, 25), 999)
    assert campaign_progress(campaign=campaign, as_of=D(2024, 1, 24)).recorded == 560


def test_the_target_date_passed():
    campaign, kecamatan = small_campaign()
    report(campaign, kecamatan, D(2024, 1, 18), 100)
    p = campaign_progress(campaign=campaign, as_of=D(2024, 2, 8))
    assert p.days_left_to_target == 0 and p.required_daily_rate is None
    assert p.days_left_to_extension == 2
    assert p.required_daily_rate_extension == 450.0
    assert p.devices_needed is None
    with translation.override("en"):
        assert "has passed with 900 still unrecorded" in status_sentence(p)


def test_no_extension_date():
    campaign, kecamatan = small_campaign(extension_date=None)
    report(campaign, kecamatan, D(2024, 1, 18), 40)
    p = campaign_progress(campaign=campaign, as_of=D(2024, 1, 18))
    assert p.days_left_to_extension is None and p.required_daily_rate_extension is None
    assert p.status == "off_track"  # 960 at 40 a day: 24 days, past 7 Feb


def test_on_track_and_needs_extension():
    campaign, kecamatan = small_campaign()
    report(campaign, kecamatan, D(2024, 1, 18), 50)
    # 950 left at 50 a day: 19 days, 6 Feb, before the target date.
    assert campaign_progress(campaign=campaign, as_of=D(2024, 1, 18)).status == "on_track"
    BacklogEntryFactory(campaign=campaign, kecamatan=kecamatan, kind="first_time_voter", change=100)
    # 1,050 left: 21 days, 8 Feb: after the target, before the extension (10 Feb).
    p = campaign_progress(campaign=campaign, as_of=D(2024, 1, 18))
    assert (p.projected_completion_date, p.status) == (D(2024, 2, 8), "needs_extension")


def test_the_target_reached():
    campaign, kecamatan = small_campaign()
    report(campaign, kecamatan, D(2024, 1, 18), 1000)
    p = campaign_progress(campaign=campaign, as_of=D(2024, 1, 18))
    assert (p.remaining, p.percent_recorded, p.status) == (0, 100.0, "done")
    assert p.projected_completion_date == D(2024, 1, 18)
    with translation.override("en"):
        assert status_sentence(p).startswith("Recording is complete")


def test_a_ledger_entry_lowering_the_target_below_what_is_recorded():
    campaign, kecamatan = small_campaign()
    report(campaign, kecamatan, D(2024, 1, 18), 900)
    BacklogEntryFactory(
        campaign=campaign, kecamatan=kecamatan, date=D(2024, 1, 20), kind="deceased", change=-50
    )
    BacklogEntryFactory(
        campaign=campaign, kecamatan=kecamatan, date=D(2024, 1, 20), kind="duplicate", change=-60
    )
    before = campaign_progress(campaign=campaign, as_of=D(2024, 1, 19))
    after = campaign_progress(campaign=campaign, as_of=D(2024, 1, 20))
    assert (before.target, before.remaining) == (1000, 100)
    assert (after.target, after.remaining, after.status) == (890, 0, "done")
    assert after.percent_recorded == round(900 / 890 * 100, 2)


def test_a_kecamatan_with_no_visit_is_a_coverage_gap():
    campaign, visited = small_campaign()
    unvisited = KecamatanFactory(kabupaten=campaign.kabupaten)
    BacklogEntryFactory(campaign=campaign, kecamatan=unvisited, change=30)
    VisitFactory(campaign=campaign, kecamatan=visited, date=D(2024, 1, 25))
    rows = {k.code: k for k in campaign_progress(campaign=campaign, as_of=D(2024, 1, 20)).kecamatan}
    assert rows[unvisited.code].coverage_gap
    assert (rows[unvisited.code].last_visit, rows[unvisited.code].next_visit) == (None, None)
    assert not rows[visited.code].coverage_gap
    assert rows[visited.code].next_visit == D(2024, 1, 25)


def test_a_bad_as_of_is_refused_by_the_json(client, koordinator_user):
    campaign, _ = small_campaign()
    client.force_login(koordinator_user)
    response = client.get(
        reverse("campaigns:progress_json", args=[campaign.slug]), {"as_of": "23/01/2024"}
    )
    assert response.status_code == 400
    assert response.json()["errors"]["as_of"][0]["code"] == "invalid"


def grow(campaign, kecamatan, n):
    """n more kecamatan, each with a baseline, visits and reports."""
    for i in range(n):
        other = KecamatanFactory(kabupaten=campaign.kabupaten)
        BacklogEntryFactory(campaign=campaign, kecamatan=other, change=100)
        report(campaign, other, D(2024, 1, 18 + i % 5), 10)
        VisitFactory(campaign=campaign, kecamatan=other, date=D(2024, 1, 28))
        VisitFactory(campaign=campaign, kecamatan=kecamatan, date=D(2024, 1, 19 + i % 5))


@pytest.mark.parametrize(
    "name", ["campaigns:dashboard", "campaigns:progress_json", "campaigns:briefing"]
)
def test_pages_run_the_same_queries_for_a_campaign_ten_times_larger(client, koordinator_user, name):
    campaign, kecamatan = small_campaign()
    report(campaign, kecamatan, D(2024, 1, 18), 10)
    grow(campaign, kecamatan, 2)
    client.force_login(koordinator_user)
    url = reverse(name, args=[campaign.slug])
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"as_of": "2024-01-30"})
    grow(campaign, kecamatan, 20)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url, {"as_of": "2024-01-30"})
    assert response.status_code == 200
    assert len(large) == len(small)
