"""The kecamatan table and its exports, plan against actual, and the week's schedule."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from reports.forecast import forecast_with_extra_sets
from reports.plan import campaign_plan
from reports.progress import campaign_progress
from reports.schedule import campaign_schedule
from tests.factories import (
    BacklogEntryFactory,
    CampaignFactory,
    DailyReportFactory,
    DeviceFactory,
    DeviceStateFactory,
    KecamatanFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
REVIEW_DAY = D(2024, 1, 23)
AS_OF = {"as_of": "2024-01-23"}
# In the demo on 23 January, most remaining first: visited, and no visit from the 23rd on.
# (Miomaffo Barat is visited on the 23rd itself: not a gap.)
DEMO_GAPS = [
    ("Kota Kefamenanu", 175),
    ("Biboki Anleu", 137),
    ("Biboki Moenleu", 100),
    ("Noemuti Timur", 50),
]


@pytest.fixture
def koordinator(client, koordinator_user):
    client.force_login(koordinator_user)
    client.cookies["django_language"] = "en"  # headers and labels as their msgids
    return client


def url(name, campaign):
    return reverse(f"campaigns:{name}", args=[campaign.slug])


def json_rows(client, campaign, as_of=AS_OF):
    data = client.get(url("progress_json", campaign), as_of).json()
    return {row["code"]: row for row in data["kecamatan"]}


def table_rows(client, campaign, **params):
    response = client.get(url("kecamatan", campaign), AS_OF | params)
    assert response.status_code == 200
    return list(response.context["table"].data)


def names(rows):
    return [row.name for row in rows]


def state_of(json_row):
    if json_row["remaining"] == 0:
        return "done"
    return "gap" if json_row["coverage_gap"] else "scheduled"


# The kecamatan table ------------------------------------------------------------------------


def test_the_table_shows_the_24_kecamatan_with_the_numbers_of_the_json(koordinator, demo):
    expected = json_rows(koordinator, demo)
    response = koordinator.get(url("kecamatan", demo), AS_OF)
    rows = list(response.context["table"].data)

    assert len(rows) == 24 == len(expected)
    for row in rows:
        want = expected[row.code]
        assert (
            row.name,
            row.target,
            row.recorded,
            row.remaining,
            row.last_visit and row.last_visit.isoformat(),
            row.next_visit and row.next_visit.isoformat(),
            row.state,
        ) == (
            want["name"],
            want["target"],
            want["recorded"],
            want["remaining"],
            want["last_visit"],
            want["next_visit"],
            state_of(want),
        )
    page = response.content.decode()
    assert "Kota Kefamenanu" in page and "Coverage gap" in page
    assert "22/01/2024" not in page  # English dates here; the numbers are formatted:
    assert "01/22/2024" in page and "5,312" in page and "4,562" in page and "63.16" in page


def test_the_table_in_indonesian_formats_numbers_and_dates(client, koordinator_user, demo):
    client.force_login(koordinator_user)
    page = client.get(url("kecamatan", demo), AS_OF).content.decode()
    for shown in ["5.312", "4.562", "63,16", "22/01/2024"]:
        assert shown in page, shown


def test_the_csv_export_has_the_numbers_of_the_json_row_by_row(koordinator, demo):
    expected = json_rows(koordinator, demo)
    response = koordinator.get(url("kecamatan", demo), AS_OF | {"_export": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="ttu-2024-kecamatan-2024-01-23.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8 with it
    # An English interface: commas and decimal points.
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == [
        "Code",
        "Kecamatan",
        "Target",
        "Recorded",
        "Remaining",
        "% recorded",
        "Last visit",
        "Next visit",
        "State",
    ]
    assert len(rows) == 24
    labels = {"gap": "Coverage gap", "scheduled": "Scheduled", "done": "Done"}
    for code, name, target, recorded, remaining, percent, last, next_, state in rows:
        want = expected[code]
        assert (name, int(target), int(recorded), int(remaining)) == (
            want["name"],
            want["target"],
            want["recorded"],
            want["remaining"],
        )
        # Dates ISO (as in the JSON), empty when there is none.
        assert (last or None, next_ or None) == (want["last_visit"], want["next_visit"])
        assert float(percent) == round(want["recorded"] / want["target"] * 100, 2)
        assert state == labels[state_of(want)]
    # The same order as the page.
    assert [row[1] for row in rows] == names(table_rows(koordinator, demo))


def test_the_xlsx_export_has_the_same_numbers(koordinator, demo):
    expected = json_rows(koordinator, demo)
    response = koordinator.get(url("kecamatan", demo), AS_OF | {"_export": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="ttu-2024-kecamatan-2024-01-23.xlsx"'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[:5] == ("Code", "Kecamatan", "Target", "Recorded", "Remaining")
    assert len(rows) == 24
    for code, name, target, recorded, remaining, percent, last, next_, _state in rows:
        want = expected[code]
        assert (name, target, recorded, remaining) == (
            want["name"],
            want["target"],
            want["recorded"],
            want["remaining"],
        )
        assert percent == round(want["recorded"] / want["target"] * 100, 2)
        # Real date cells, not text.
        assert (last and last.date().isoformat(), next_ and next_.date().isoformat()) == (
            want["last_visit"],
            want["next_visit"],
        )


def test_only_csv_and_xlsx_are_offered(koordinator, demo):
    response = koordinator.get(url("kecamatan", demo), AS_OF | {"_export": "yaml"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")


def test_an_export_for_a_bad_day_is_refused(koordinator, demo):
    # 23/01/2024 is read (dd/mm/yyyy, as typed in the page's box); 31 February is not a day.
    response = koordinator.get(url("kecamatan", demo), {"as_of": "31/02/2024", "_export": "csv"})
    assert response.status_code == 400


def test_the_default_order_puts_the_largest_coverage_gaps_first(koordinator, demo):
    rows = table_rows(koordinator, demo)

    assert [(row.name, row.remaining) for row in rows[:4]] == DEMO_GAPS
    # Then the scheduled ones, the longest wait first: Miomaffo Barat, visited today and
    # not again, then the furthest next visit; Insana, visited tomorrow, comes last.
    scheduled = rows[4:]
    assert {row.state for row in scheduled} == {"scheduled"}
    assert (scheduled[0].name, scheduled[0].next_visit) == ("Miomaffo Barat", None)
    next_visits = [row.next_visit for row in scheduled[1:]]
    assert next_visits == sorted(next_visits, reverse=True)
    assert (scheduled[-1].name, scheduled[-1].next_visit) == ("Insana", D(2024, 1, 24))


def test_the_state_filter_on_the_demo(koordinator, demo):
    assert [(r.name, r.remaining) for r in table_rows(koordinator, demo, state="gap")] == DEMO_GAPS
    scheduled = table_rows(koordinator, demo, state="scheduled")
    assert len(scheduled) == 20 and {r.state for r in scheduled} == {"scheduled"}
    assert table_rows(koordinator, demo, state="done") == []
    assert len(table_rows(koordinator, demo, state="")) == 24


@pytest.fixture
def three_states():
    """One kecamatan in each state on 23 January, a gap whose next visit is too late, and
    one visited on the 23rd itself, not reported yet: covered, so scheduled."""
    campaign = CampaignFactory()
    done, scheduled, gap, late, today = (
        KecamatanFactory(kabupaten=campaign.kabupaten) for _ in "12345"
    )
    for kecamatan in (done, scheduled, gap, late, today):
        BacklogEntryFactory(campaign=campaign, kecamatan=kecamatan, change=100)
    device = DeviceFactory(home_kecamatan=done)  # no other kecamatan (a set's home is one)
    DailyReportFactory(
        visit=VisitFactory(campaign=campaign, kecamatan=done, date=D(2024, 1, 20), device=device),
        recorded_count=100,
    )
    # On the target date; and one in the extension, too late.
    VisitFactory(campaign=campaign, kecamatan=scheduled, date=D(2024, 2, 7), device=device)
    VisitFactory(campaign=campaign, kecamatan=late, date=D(2024, 2, 9), device=device)
    VisitFactory(campaign=campaign, kecamatan=today, date=REVIEW_DAY, device=device)
    return campaign, {
        "done": done,
        "scheduled": scheduled,
        "gap": gap,
        "late": late,
        "today": today,
    }


@pytest.mark.parametrize(
    ("state", "expected"),
    [("done", ["done"]), ("scheduled", ["scheduled", "today"]), ("gap", ["gap", "late"])],
)
def test_the_state_filter(koordinator, three_states, state, expected):
    campaign, kecamatan = three_states
    rows = table_rows(koordinator, campaign, state=state)
    assert sorted(names(rows)) == sorted(kecamatan[key].name for key in expected)
    json = json_rows(koordinator, campaign)
    assert all(state_of(json[row.code]) == state for row in rows)


def test_an_unknown_state_shows_every_row_and_the_error(koordinator, three_states):
    campaign, _ = three_states
    response = koordinator.get(url("kecamatan", campaign), AS_OF | {"state": "lost"})
    assert len(response.context["table"].data) == 5
    assert response.context["filter"].errors["state"]


def test_the_default_order_with_every_state(koordinator, three_states):
    campaign, kecamatan = three_states
    # Gaps (none scheduled at all before one scheduled too late), then scheduled (nothing
    # after today before a visit on the target date), done last.
    assert names(table_rows(koordinator, campaign)) == [
        kecamatan[key].name for key in ["gap", "late", "today", "scheduled", "done"]
    ]


def test_sorting_by_a_column(koordinator, demo):
    remaining = [r.remaining for r in table_rows(koordinator, demo, sort="-remaining")]
    assert remaining == sorted(remaining, reverse=True) and remaining[0] == 425
    by_name = names(table_rows(koordinator, demo, sort="name"))
    assert by_name == sorted(by_name)
    # Kecamatan with no next visit come first in ascending order, then the dates.
    next_visits = [r.next_visit for r in table_rows(koordinator, demo, sort="next_visit")]
    assert next_visits[:5] == [None] * 5
    assert next_visits[5:] == sorted(next_visits[5:])
    states = [r.state for r in table_rows(koordinator, demo, sort="-state")]
    assert states == ["scheduled"] * 20 + ["gap"] * 4


def test_sorting_keeps_the_filter_and_the_export_follows_both(koordinator, demo):
    params = AS_OF | {"state": "gap", "sort": "remaining"}
    assert [r.remaining for r in table_rows(koordinator, demo, **params)] == [50, 100, 137, 175]
    response = koordinator.get(url("kecamatan", demo), params | {"_export": "csv"})
    _, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [int(row[4]) for row in rows] == [50, 100, 137, 175]


def excel_id_number(cell):
    """A cell as Indonesian Excel reads a number: a point groups thousands, a comma is the
    decimal mark."""
    return float(cell.replace(".", "").replace(",", "."))


def test_the_csv_in_indonesian_opens_in_columns_in_indonesian_excel(client, koordinator_user, demo):
    """Indonesian Excel splits a line on semicolons and reads 14,12 as fourteen point twelve."""
    client.force_login(koordinator_user)
    client.cookies["django_language"] = "id"
    expected = json_rows(client, demo)
    response = client.get(url("kecamatan", demo), AS_OF | {"_export": "csv"})

    text = response.content.decode("utf-8-sig")
    header, *lines = [line.split(";") for line in text.splitlines()]
    assert header[:5] == ["Kode", "Kecamatan", "Target", "Direkam", "Sisa"]
    assert len(lines) == 24 and {len(line) for line in lines} == {len(header)}
    for code, name, target, recorded, remaining, percent, last, *_ in lines:
        want = expected[code]
        assert name == want["name"]
        assert [excel_id_number(n) for n in (target, recorded, remaining)] == [
            want["target"],
            want["recorded"],
            want["remaining"],
        ]
        assert excel_id_number(percent) == round(want["recorded"] / want["target"] * 100, 2)
        assert (last or None) == want["last_visit"]  # ISO dates: Excel reads them anywhere
    fractions = [line[5] for line in lines if "," in line[5]]
    assert fractions and all("." not in cell for cell in fractions)


def test_the_dashboard_links_to_the_three_pages(koordinator, demo):
    page = koordinator.get(url("dashboard", demo), AS_OF).content.decode()
    for name in ["kecamatan", "plan", "schedule"]:
        assert f'{url(name, demo)}?as_of=2024-01-23"' in page


# Plan against actual ------------------------------------------------------------------------


def test_plan_per_set_and_per_visit_in_the_demo(koordinator, demo):
    response = koordinator.get(url("plan", demo), AS_OF)
    plan = response.context["plan"]

    devices = {d.code: d for d in plan.devices}
    assert set(devices) == {"TTU-01", "TTU-02", "TTU-03"}
    for code in ["TTU-01", "TTU-02"]:
        d = devices[code]
        assert (d.days_used, d.recorded, d.average_per_day) == (5, 375, 75.0)
        assert (d.visits, d.working_days, d.idle_days) == (6, 6, 0)
    # The stationary set worked every day, at the office, and recorded nothing for the campaign.
    stationary = devices["TTU-03"]
    assert (stationary.days_used, stationary.recorded, stationary.average_per_day) == (0, 0, None)
    assert (stationary.idle_days, stationary.mode) == (6, "Stationary")

    assert len(plan.visits) == 12  # two sets, 18 to 23 January
    assert plan.visits[0].date == REVIEW_DAY and plan.visits[0].recorded is None
    assert (plan.planned_total, plan.recorded_total, plan.unreported) == (1200, 750, 2)
    page = response.content.decode()
    assert page.count('class="badge late">not reported') == 2
    assert "Miomaffo Barat" in page and "Kantor Desa" in page


def test_the_forecast_with_one_more_set_in_the_demo(koordinator, demo):
    plan = koordinator.get(url("plan", demo), AS_OF).context["plan"]

    # Now: 150 a day, 4,562 left: 31 days, 23 February, off track (as the dashboard says).
    assert (plan.current.daily_rate, plan.current.projected_completion_date) == (
        150.0,
        D(2024, 2, 23),
    )
    # One more set at 75 a day: 225 a day, ceil(4,562 / 225) = 21 days after 23 January:
    # 13 February. After the extension (10 February): still off track, a day before the election.
    more = plan.one_more_set
    assert (more.daily_rate, more.projected_completion_date, more.status) == (
        225.0,
        D(2024, 2, 13),
        "off_track",
    )
    page = koordinator.get(url("plan", demo), AS_OF).content.decode()
    assert "02/13/2024" in page and "225.00" in page and "Off track" in page


def test_the_forecast_follows_the_progress_rules(demo):
    progress = campaign_progress(campaign=demo, as_of=REVIEW_DAY)
    same = forecast_with_extra_sets(progress, 0)
    assert (same.projected_completion_date, same.status) == (
        progress.projected_completion_date,
        progress.status,
    )
    # The dashboard says 5 sets are needed: with 4 (300 a day, 16 days) it takes the extension,
    # with 5 (375 a day, 13 days) it ends before the target date.
    four, five = forecast_with_extra_sets(progress, 2), forecast_with_extra_sets(progress, 3)
    assert (four.projected_completion_date, four.status) == (D(2024, 2, 8), "needs_extension")
    assert (five.projected_completion_date, five.status) == (D(2024, 2, 5), "on_track")


def small_campaign(backlog=1000):
    campaign = CampaignFactory()
    kecamatan = KecamatanFactory(kabupaten=campaign.kabupaten)
    BacklogEntryFactory(campaign=campaign, kecamatan=kecamatan, change=backlog)
    return campaign, kecamatan


def report(campaign, kecamatan, day, count, device=None):
    visit = VisitFactory(
        campaign=campaign, kecamatan=kecamatan, date=day, device=device or DeviceFactory()
    )
    return DailyReportFactory(visit=visit, recorded_count=count, first_time_voters=0)


def test_one_more_set_can_bring_the_campaign_on_track():
    campaign, kecamatan = small_campaign()
    report(campaign, kecamatan, D(2024, 1, 18), 30)
    progress = campaign_progress(campaign=campaign, as_of=D(2024, 1, 18))
    # 970 left at 30 a day: 33 days, 20 February; at 60 a day: 17 days, 4 February.
    assert progress.status == "off_track"
    more = forecast_with_extra_sets(progress)
    assert (more.daily_rate, more.projected_completion_date, more.status) == (
        60.0,
        D(2024, 2, 4),
        "on_track",
    )


def test_the_forecast_without_reports_or_when_done():
    campaign, kecamatan = small_campaign()
    progress = campaign_progress(campaign=campaign, as_of=D(2024, 1, 18))
    nothing = forecast_with_extra_sets(progress)
    assert (nothing.daily_rate, nothing.projected_completion_date, nothing.status) == (
        None,
        None,
        "off_track",
    )
    report(campaign, kecamatan, D(2024, 1, 18), 1000)
    done = forecast_with_extra_sets(campaign_progress(campaign=campaign, as_of=D(2024, 1, 18)))
    assert (done.projected_completion_date, done.status) == (D(2024, 1, 18), "done")


def test_idle_days_count_only_the_days_a_set_was_working():
    campaign, kecamatan = small_campaign()
    device = DeviceFactory(home_kecamatan=kecamatan)  # working from 1 January
    DeviceStateFactory(device=device, valid_from=D(2024, 1, 20), condition="under_repair")
    DeviceStateFactory(device=device, valid_from=D(2024, 1, 22), condition="working")
    report(campaign, kecamatan, D(2024, 1, 18), 70, device=device)
    VisitFactory(campaign=campaign, kecamatan=kecamatan, date=D(2024, 1, 19), device=device)

    plan_ = plan_for(campaign, D(2024, 1, 23))

    (use,) = [d for d in plan_.devices if d.code == device.code]
    # 18–23 January: working on the 18th, 19th, 22nd and 23rd; visits on the 18th and 19th.
    assert (use.visits, use.days_used, use.recorded) == (2, 1, 70)
    assert (use.working_days, use.idle_days) == (4, 2)


def test_idle_days_stop_at_the_campaigns_last_day():
    campaign, kecamatan = small_campaign()
    device = DeviceFactory(home_kecamatan=kecamatan)
    report(campaign, kecamatan, D(2024, 1, 18), 70, device=device)

    plan_ = plan_for(campaign, D(2024, 3, 1))

    (use,) = [d for d in plan_.devices if d.code == device.code]
    # 18 January to the extension date, 10 February: 24 days, one with a visit.
    assert (plan_.until, use.working_days, use.idle_days) == (D(2024, 2, 10), 24, 23)


def plan_for(campaign, as_of):
    return campaign_plan(progress=campaign_progress(campaign=campaign, as_of=as_of))


# The schedule --------------------------------------------------------------------------------


def test_the_schedule_of_the_seven_days_after_the_review(koordinator, demo):
    response = koordinator.get(url("schedule", demo), AS_OF)
    schedule = response.context["schedule"]

    assert schedule.days == [D(2024, 1, 24) + datetime.timedelta(days=i) for i in range(7)]
    rows = {row.device: row for row in schedule.rows}
    assert set(rows) == {"TTU-01", "TTU-02", "TTU-03"}
    for code in ["TTU-01", "TTU-02"]:
        assert all(cell.visit and cell.visit.device.code == code for cell in rows[code].cells)
    assert [c.visit.kecamatan.name for c in rows["TTU-01"].cells[:2]] == ["Insana", "Noemuti"]
    assert not any(cell.visit or cell.note for cell in rows["TTU-03"].cells)  # free, working
    assert [day.free for day in schedule.by_day] == [["TTU-03"]] * 7
    assert [(k.name, k.remaining) for k in schedule.gaps] == DEMO_GAPS

    page = response.content.decode()
    assert "Insana" in page and "Bitauni" in page and "Kantor Kelurahan Bitauni" in page
    assert "Coverage gaps" in page
    for name, _ in DEMO_GAPS:
        assert name in page


def test_the_schedule_shows_a_set_under_repair():
    campaign, kecamatan = small_campaign()
    device = DeviceFactory(home_kecamatan=kecamatan)
    DeviceStateFactory(device=device, valid_from=D(2024, 1, 25), condition="under_repair")
    VisitFactory(campaign=campaign, kecamatan=kecamatan, date=D(2024, 1, 24), device=device)

    schedule = campaign_schedule(progress=campaign_progress(campaign=campaign, as_of=REVIEW_DAY))

    (row,) = [r for r in schedule.rows if r.device == device.code]
    assert row.cells[0].visit is not None
    with translation.override("en"):
        assert [str(cell.note) for cell in row.cells[1:]] == ["Under repair"] * 6
    assert device.code not in schedule.by_day[1].free
    assert schedule.gaps == []  # its one kecamatan has a visit on the 24th


# Who may see them, and how many queries --------------------------------------------------------


@pytest.mark.parametrize("name", ["kecamatan", "plan", "schedule"])
def test_koordinator_sees_the_pages_and_anonymous_is_sent_to_log_in(client, koordinator_user, name):
    campaign, _ = small_campaign()
    response = client.get(url(name, campaign))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(koordinator_user)
    assert client.get(url(name, campaign)).status_code == 200


def test_anonymous_gets_no_export(client):
    campaign, _ = small_campaign()
    response = client.get(url("kecamatan", campaign), {"_export": "csv"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def grow(campaign, kecamatan, n):
    """n more kecamatan, each with a baseline, visits, reports and its own set."""
    for i in range(n):
        other = KecamatanFactory(kabupaten=campaign.kabupaten)
        BacklogEntryFactory(campaign=campaign, kecamatan=other, change=100)
        device = DeviceFactory(home_kecamatan=other)
        DeviceStateFactory(device=device, valid_from=D(2024, 1, 20 + i % 3), condition="working")
        report(campaign, other, D(2024, 1, 18 + i % 5), 10, device=device)
        VisitFactory(campaign=campaign, kecamatan=other, date=D(2024, 1, 28), device=device)
        VisitFactory(campaign=campaign, kecamatan=kecamatan, date=D(2024, 1, 19 + i % 5))


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("kecamatan", {}),
        ("kecamatan", {"state": "gap", "sort": "-remaining"}),
        ("kecamatan", {"_export": "csv"}),
        ("kecamatan", {"_export": "xlsx"}),
        ("plan", {}),
        ("schedule", {}),
    ],
)
def test_pages_run_the_same_queries_for_a_campaign_ten_times_larger(
    client, koordinator_user, name, params
):
    campaign, kecamatan = small_campaign()
    report(campaign, kecamatan, D(2024, 1, 18), 10)
    grow(campaign, kecamatan, 2)
    client.force_login(koordinator_user)
    params = {"as_of": "2024-01-25"} | params  # the schedule's week holds the visits of the 28th
    with CaptureQueriesContext(connection) as small:
        client.get(url(name, campaign), params)
    grow(campaign, kecamatan, 20)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url(name, campaign), params)
    assert response.status_code == 200
    assert len(large) == len(small)
