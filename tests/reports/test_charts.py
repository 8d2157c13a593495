"""The dashboard's charts: plain SVG drawn on the server, with the right numbers in them."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

from reports import charts
from reports.progress import campaign_progress
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
# Charts are read in Indonesian, the default; test_english_dates_and_labels checks English.
REVIEW_DAY = D(2024, 1, 23)
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def review(demo):
    return campaign_progress(campaign=demo, as_of=REVIEW_DAY)


def parse(svg):
    """The chart as XML: it must parse, be plain SVG that scales, and say what it shows."""
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg"
    assert root.get("width") == "100%" and root.get("viewBox").startswith("0 0 ")
    assert root.get("role") == "img" and root.get("aria-labelledby")
    assert root[0].tag == f"{SVG}title" and root[0].text.strip()
    assert list(root.iter(f"{SVG}script")) == [] and "<script" not in str(svg)
    assert "<foreignObject" not in str(svg) and "href" not in str(svg)  # nothing to fetch
    return root


def titles(root, tag):
    """The tooltip of each element `tag`: what a pointer or a screen reader gets."""
    return [el.find(f"{SVG}title").text for el in root.iter(f"{SVG}{tag}") if len(el)]


def texts(root):
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def test_the_cumulative_chart_of_the_review_day(review):
    data = charts.cumulative_data(review)
    assert data.recorded[0] == (D(2024, 1, 18), 150)
    assert data.recorded[-1] == (REVIEW_DAY, 750)  # no report yet for the 23rd: carried over
    assert data.target == 5312
    # At 150 a day from 750 on the 23rd, the target is reached on 23 February.
    assert data.projection == [(REVIEW_DAY, 750), (D(2024, 2, 23), 5312)]
    assert data.needed == [(REVIEW_DAY, 750), (D(2024, 2, 7), 5312)]
    assert [day for day, *_ in data.deadlines] == [D(2024, 2, 7), D(2024, 2, 10), D(2024, 2, 14)]
    assert (data.start, data.end) == (D(2024, 1, 18), D(2024, 2, 23))

    root = parse(charts.cumulative_chart(review))
    assert titles(root, "circle")[-1] == "22/01/2024: total 750 direkam"
    assert "750" in texts(root) and "23/02" in texts(root)
    assert "Target 5.312" in texts(root)
    assert any(t.endswith("07/02") for t in texts(root))
    assert any(t.endswith("10/02") for t in texts(root))
    dashed = [el for el in root.iter(f"{SVG}polyline") if el.get("stroke-dasharray") == "6 4"]
    assert len(dashed) == 1  # the projection


def test_the_daily_chart_of_the_review_day(review, django_assert_num_queries):
    with django_assert_num_queries(1):
        data = charts.daily_data(review)
    assert data.devices == ["TTU-01", "TTU-02"]
    assert data.dates == [D(2024, 1, day) for day in range(18, 24)]
    assert data.counts[(D(2024, 1, 18), "TTU-01")] == 75
    assert data.counts[(D(2024, 1, 18), "TTU-02")] == 75
    assert [data.total(day) for day in data.dates] == [150] * 5 + [0]

    root = parse(charts.daily_chart(review))
    bars = titles(root, "rect")
    assert "TTU-01, 18/01/2024: 75" in bars and "TTU-02, 18/01/2024: 75" in bars
    assert len(bars) == 10  # two sets on five days; nothing on the 23rd yet
    assert {"TTU-01", "TTU-02", "18/01", "23/01", "Dibutuhkan per hari: 304"} <= set(texts(root))


def test_the_remaining_chart_lists_every_kecamatan_largest_first(review):
    rows = charts.remaining_data(review)
    assert len(rows) == 24
    assert [k.remaining for k in rows] == sorted((k.remaining for k in rows), reverse=True)

    root = parse(charts.remaining_chart(review))
    bars = titles(root, "rect")
    assert len(bars) == 24
    assert bars[0].startswith("Insana: sisa 425 dari 425")
    kefamenanu = next(t for t in bars if t.startswith("Kota Kefamenanu"))
    assert kefamenanu.startswith("Kota Kefamenanu: sisa 175 dari 475")
    assert "Belum ada kunjungan terjadwal sebelum tanggal target" in kefamenanu  # a gap
    assert "175" in texts(root)


def test_english_dates_and_labels(review):
    with translation.override("en"):
        root = parse(charts.daily_chart(review))
    assert "TTU-01, 01/18/2024: 75" in titles(root, "rect")
    assert "01/18" in texts(root)


def svgs(page):
    """The charts of a page (not the map, class "chart map", nor its legend's swatches)."""
    return re.findall(r'<svg\b[^>]*class="chart".*?</svg>', page, flags=re.S)


def test_the_dashboard_and_the_briefing_show_the_charts(client, koordinator_user, demo):
    client.force_login(koordinator_user)
    dashboard = client.get(
        reverse("campaigns:dashboard", args=[demo.slug]), {"as_of": "2024-01-23"}
    ).content.decode()
    shown = [parse(svg)[0].text for svg in svgs(dashboard)]
    assert shown == [
        "Jumlah direkam dibandingkan target",
        "Direkam per hari per alat",
        "Sisa per kecamatan",
    ]
    assert "<script" not in dashboard
    assert reverse("campaigns:briefing", args=[demo.slug]) + "?as_of=2024-01-23" in dashboard

    response = client.get(reverse("campaigns:briefing", args=[demo.slug]), {"as_of": "2024-01-23"})
    briefing = response.content.decode()
    assert [parse(svg)[0].text for svg in svgs(briefing)] == ["Jumlah direkam dibandingkan target"]
    assert "<script" not in briefing
    for shown in ["23/01/2024", "5.312", "4.562", "14,12%", "304,13", "23/02/2024", "Biboki Anleu"]:
        assert shown in briefing, shown
    assert len(re.findall(r"<tr[ >]", briefing)) == 1 + 24 + 1  # head, kecamatan, total
    assert 'media="print"' in briefing


def small_campaign(**kwargs):
    campaign = CampaignFactory(**kwargs)
    kecamatan = KecamatanFactory(kabupaten=campaign.kabupaten, name="Noemuti & <Timur>")
    BacklogEntryFactory(campaign=campaign, kecamatan=kecamatan, change=1000)
    return campaign, kecamatan


def report(campaign, kecamatan, day, count):
    visit = VisitFactory(campaign=campaign, kecamatan=kecamatan, date=day, device=DeviceFactory())
    return DailyReportFactory(visit=visit, recorded_count=count, first_time_voters=0)


def all_charts(campaign, as_of):
    progress = campaign_progress(campaign=campaign, as_of=as_of)
    drawn = charts.dashboard_charts(progress)
    drawn["briefing"] = charts.cumulative_chart(progress, width=640, height=230)
    return progress, {name: parse(svg) for name, svg in drawn.items()}


def test_no_reports_yet():
    campaign, _ = small_campaign()
    progress, drawn = all_charts(campaign, D(2024, 1, 20))
    data = charts.cumulative_data(progress)
    assert data.recorded[-1] == (D(2024, 1, 20), 0) and data.projection == []
    assert data.needed  # what it would take is still drawn
    assert "Belum ada laporan." in texts(drawn["daily"])
    assert titles(drawn["daily"], "rect") == []


def test_before_the_start():
    campaign, _ = small_campaign()
    progress, _ = all_charts(campaign, D(2024, 1, 10))
    assert charts.cumulative_data(progress).recorded == []
    assert charts.daily_data(progress).dates == []


def test_the_target_reached():
    campaign, kecamatan = small_campaign()
    report(campaign, kecamatan, D(2024, 1, 18), 600)
    report(campaign, kecamatan, D(2024, 1, 19), 400)
    progress, drawn = all_charts(campaign, D(2024, 1, 20))
    data = charts.cumulative_data(progress)
    assert data.recorded[-1] == (D(2024, 1, 20), 1000)
    assert (data.projection, data.needed, data.projected_end) == ([], [], None)
    assert charts.daily_data(progress).required is None
    # The name goes through escaped (the sets' home kecamatan are listed too, with nothing).
    assert "Noemuti & <Timur>: sisa 0 dari 1.000" in titles(drawn["remaining"], "rect")


def test_no_extension_date():
    campaign, kecamatan = small_campaign(extension_date=None)
    report(campaign, kecamatan, D(2024, 1, 18), 40)
    progress, drawn = all_charts(campaign, D(2024, 1, 18))
    data = charts.cumulative_data(progress)
    assert [day for day, *_ in data.deadlines] == [D(2024, 2, 7), D(2024, 2, 14)]
    # 960 at 40 a day: 24 days, 11 February, drawn in full.
    assert data.projection[-1] == (D(2024, 2, 11), 1000)


def test_a_projection_far_past_the_election_stops_two_weeks_after_it():
    campaign, kecamatan = small_campaign()
    report(campaign, kecamatan, D(2024, 1, 18), 10)
    progress, drawn = all_charts(campaign, D(2024, 1, 18))
    assert progress.projected_completion_date == D(2024, 4, 26)
    data = charts.cumulative_data(progress)
    assert data.end == D(2024, 2, 28)
    assert data.projection == [(D(2024, 1, 18), 10), (D(2024, 2, 28), 10 + 10 * 41)]
    assert "→ 26/04" in texts(drawn["cumulative"])


def test_long_after_the_campaign():
    campaign, kecamatan = small_campaign()
    report(campaign, kecamatan, D(2024, 1, 18), 100)
    progress, _ = all_charts(campaign, D(2026, 1, 1))
    data = charts.cumulative_data(progress)
    assert data.end == D(2024, 2, 28) and data.recorded[-1] == (D(2024, 2, 28), 100)
    assert data.projection == []  # as_of is past the axis
    assert charts.daily_data(progress).dates[-1] == D(2024, 2, 10)  # the extension date
