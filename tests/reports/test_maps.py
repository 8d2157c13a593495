"""The map of a campaign's kabupaten and of a province: plain SVG drawn on the server, one shape
per region that has a boundary, each with its name and numbers, and the day's visits."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Campaign
from regions.models import Shape
from reports import maps
from reports.progress import campaign_progress
from tests.factories import VisitFactory

pytestmark = pytest.mark.django_db
D = datetime.date
REVIEW_DAY = D(2024, 1, 23)  # day 6 of the demo: Miomaffo Barat today, two places tomorrow
SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    """The map as XML: plain SVG that scales, says what it shows, and fetches nothing."""
    text = str(svg)
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    assert root.get("width") == "100%" and root.get("viewBox").startswith("0 0 ")
    assert root.get("role") == "img" and root.get("aria-labelledby")
    assert root[0].tag == f"{SVG}title" and root[0].text.strip()
    assert root[1].tag == f"{SVG}desc" and root[1].text.strip()
    assert "<script" not in text and " style=" not in text  # the CSP allows neither
    assert "http" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    return root


def shapes(root):
    """{code: (title, path element)} of the regions drawn."""
    return {
        el.get("data-code"): (el.find(f"{SVG}title").text, el) for el in root.iter(f"{SVG}path")
    }


@pytest.fixture
def review(demo):
    campaign = Campaign.objects.select_related("kabupaten").get(pk=demo.pk)
    return campaign, campaign_progress(campaign=campaign, as_of=REVIEW_DAY)


def test_one_shape_per_kecamatan_with_its_name_and_numbers(review):
    campaign, progress = review
    result = maps.kabupaten_map(campaign, progress)
    root = parse(result.svg)

    drawn = shapes(root)
    assert len(drawn) == 24 == result.shown and result.left_off == []
    assert set(drawn) == {k.code for k in progress.kecamatan}
    title, path = drawn["53.03.05"]
    # Kota Kefamenanu: 300 of 475 recorded by the 23rd, 175 left, 63.2 percent, no next visit.
    assert title.startswith("Kota Kefamenanu: 300 direkam, 175 sisa dari 475 (63,2% terekam)")
    assert "Belum ada kunjungan terjadwal sebelum tanggal target" in title
    assert re.fullmatch(r"(M[\d. ]+L[\d. ]+Z ?)+", path.get("d"))
    # Five steps of 20 percent: 63 percent is the fourth; a gap is hatched over it in red.
    assert path.get("fill").startswith("url(#") and path.get("stroke") == maps.RED
    pattern = root.find(f".//{SVG}pattern[@id='{path.get('fill')[5:-1]}']")
    assert pattern.find(f"{SVG}rect").get("fill") == maps.STEPS[3]
    tengah_title, tengah = drawn["53.03.11"]  # Miomaffo Tengah: visited later
    assert tengah.get("fill") == maps.STEPS[0] and tengah.get("stroke") != maps.RED
    assert "0 direkam" in tengah_title and "Belum ada kunjungan" not in tengah_title


def test_coverage_gaps_are_the_progress_own(review):
    campaign, progress = review
    root = parse(maps.kabupaten_map(campaign, progress).svg)
    marked = {code for code, (_, el) in shapes(root).items() if el.get("stroke") == maps.RED}
    assert marked == {k.code for k in progress.kecamatan if k.coverage_gap}
    assert "53.03.05" in marked and "53.03.02" not in marked  # Miomaffo Barat: visited today


def test_todays_and_tomorrows_visits_are_points(review):
    campaign, progress = review
    root = parse(maps.kabupaten_map(campaign, progress).svg)
    points = {el.get("data-day"): [] for el in root.iter(f"{SVG}circle") if el.get("data-day")}
    for el in root.iter(f"{SVG}circle"):
        if el.get("data-day"):
            points[el.get("data-day")].append(el.find(f"{SVG}title").text)
    # Both sets in Miomaffo Barat today, at two desa: two dots, each naming its set and place.
    assert len(points["today"]) == 2
    assert all(t.startswith("Hari ini: TTU-0") and "(Miomaffo Barat)" in t for t in points["today"])
    assert len(points["tomorrow"]) == 2
    assert all(t.startswith("Besok: TTU-0") for t in points["tomorrow"])


def test_a_visit_without_a_desa_is_drawn_at_its_kecamatan(review):
    campaign, progress = review
    visit = campaign.visits.filter(date=REVIEW_DAY).first()
    visit.desa, visit.site_name = None, ""
    visit.save()
    root = parse(maps.kabupaten_map(campaign, progress).svg)
    titles = [
        el.find(f"{SVG}title").text
        for el in root.iter(f"{SVG}circle")
        if el.get("data-day") == "today"
    ]
    assert f"Hari ini: {visit.device.code} (Miomaffo Barat)" in titles


def test_kecamatan_without_a_shape_are_left_off_and_counted(review, client, koordinator_user):
    campaign, progress = review
    Shape.objects.filter(code__in=["53.03.01", "53.03.24"]).delete()
    result = maps.kabupaten_map(campaign, progress)
    root = parse(result.svg)
    assert len(shapes(root)) == 22 == result.shown
    assert result.left_off == ["Miomaffo Timur", "Biboki Feotleu"]

    client.force_login(koordinator_user)
    for page in ("dashboard", "briefing"):
        response = client.get(
            reverse(f"campaigns:{page}", args=[campaign.slug]), {"as_of": "2024-01-23"}
        )
        assert "2 kecamatan tanpa batas wilayah tidak digambar di peta" in response.text
        assert "Miomaffo Timur, Biboki Feotleu" in response.text


def test_no_shape_at_all_is_no_map(review, client, koordinator_user):
    campaign, progress = review
    Shape.objects.all().delete()
    result = maps.kabupaten_map(campaign, progress)
    assert str(result.svg) == "" and result.shown == 0 and len(result.left_off) == 24
    client.force_login(koordinator_user)
    response = client.get(reverse("campaigns:dashboard", args=[campaign.slug]))
    assert response.status_code == 200
    assert "Tidak ada kecamatan kampanye ini yang memiliki batas wilayah" in response.text


def test_the_map_is_small(review):
    """Measured: about 15 kB for TTU's 24 kecamatan (526 boundary points)."""
    campaign, progress = review
    size = len(str(maps.kabupaten_map(campaign, progress).svg).encode())
    assert 5_000 < size < 20_000


def test_the_query_count_is_fixed(review):
    campaign, progress = review
    with CaptureQueriesContext(connection) as few:
        maps.kabupaten_map(campaign, progress)
    # More visits tomorrow, at other kecamatan and sets: still the same two queries.
    for kecamatan in campaign.kabupaten.kecamatan.all()[:6]:
        VisitFactory(
            campaign=campaign, date=REVIEW_DAY + datetime.timedelta(days=1), kecamatan=kecamatan
        )
    with CaptureQueriesContext(connection) as more:
        result = maps.kabupaten_map(campaign, progress)
    assert len(few) == len(more) == 2
    root = parse(result.svg)
    assert sum(1 for el in root.iter(f"{SVG}circle") if el.get("data-day") == "tomorrow") >= 7


def test_the_legend_names_the_steps_and_the_marks(review):
    campaign, progress = review
    legend = str(maps.kabupaten_map(campaign, progress).legend)
    for label in ("0–20%", "20–40%", "40–60%", "60–80%", "80–100%", "Belum terjadwal"):
        assert label in legend
    assert "Kunjungan hari ini" in legend and "Kunjungan besok" in legend
    assert " style=" not in legend


def test_the_province_map_has_one_shape_per_kabupaten(demo):
    with CaptureQueriesContext(connection) as queries:
        result = maps.province_map(
            "53", {"53.03": maps.STEPS[2]}, {"53.03": "Timor Tengah Utara: 14% terekam"}
        )
    assert len(queries) == 2
    root = parse(result.svg)
    drawn = shapes(root)
    assert len(drawn) == 22 == result.shown and result.left_off == []
    title, ttu = drawn["53.03"]
    assert title == "Timor Tengah Utara: 14% terekam" and ttu.get("fill") == maps.STEPS[2]
    kupang_title, kupang = drawn["53.01"]
    assert kupang_title == "Kabupaten Kupang" and kupang.get("fill") == maps.NO_BACKLOG
