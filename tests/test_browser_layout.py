"""In a real Chromium: the briefing prints on one A4 page, for TTU's 24 kecamatan and for 51 like
Kabupaten Yahukimo; the kecamatan table fits 1280 px with its state column; the dashboard's
first screen at 1280x800 holds the sets needed, the next places and the map."""

import re

import pytest
from django.core.management import call_command

from tests import test_browser as browser
from tests.long_campaign import campaign_of_51_kecamatan

page = browser.page  # the fixture: Debian's Chromium at a phone's size

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def log_in(page, live_server, size=(1280, 800)):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "koordinator")
    page.fill("input[name=password]", "ektp-demo-2024")
    page.click("button.primary")
    page.wait_for_selector("form[data-logout]")


def pages_of(pdf: bytes) -> int:
    """The page objects of a PDF as Chromium writes it (uncompressed object dictionaries)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.parametrize("made_up", [False, True], ids=["demo-24", "yahukimo-51"])
def test_the_briefing_prints_on_one_a4_page(live_server, page, made_up):  # noqa: F811
    call_command("seed_demo", verbosity=0)
    slug = campaign_of_51_kecamatan().slug if made_up else "ttu-2024"
    log_in(page, live_server)
    page.goto(f"{live_server.url}/campaigns/{slug}/briefing/")
    rows = page.locator(".briefing-table tbody tr")
    assert rows.count() == (51 if made_up else 24)
    assert page.locator(".briefing svg.map").count() == 1

    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and pages_of(pdf) == 1
    assert pages_of(page.pdf(format="A4", scale=2)) > 1  # the count does see a second page


def test_the_kecamatan_table_fits_1280_pixels(live_server, page):  # noqa: F811
    call_command("seed_demo", verbosity=0)
    campaign_of_51_kecamatan()  # with longer names
    log_in(page, live_server)
    for slug in ("ttu-2024", "yahukimo-uji"):
        page.goto(f"{live_server.url}/campaigns/{slug}/kecamatan/")
        sizes = page.evaluate(
            """() => {
                const box = document.querySelector('.table-wrap');
                const table = box.querySelector('table');
                return {table: table.scrollWidth, box: box.clientWidth, scroll: box.scrollWidth};
            }"""
        )
        assert sizes["table"] <= sizes["box"] and sizes["scroll"] <= sizes["box"], (slug, sizes)
        state = page.locator(".kecamatan-table thead th").last
        assert state.inner_text().strip() == "Keadaan"
        assert state.is_visible()
        box = state.bounding_box()
        assert box["x"] + box["width"] <= 1280
        assert page.locator(".kecamatan-table tbody td:last-child .badge").first.is_visible()


def test_the_first_screen_answers_the_three_questions(live_server, page):  # noqa: F811
    call_command("seed_demo", verbosity=0)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/campaigns/ttu-2024/")
    for selector in (".sentence", ".sets-needed", ".next-places"):
        box = page.locator(selector).bounding_box()
        assert box["y"] + box["height"] <= 800, selector  # in view without scrolling
    assert (
        "3 alat lagi, selain 2 yang bekerja hari ini" in page.locator(".sets-needed").inner_text()
    )
    assert page.locator(".next-places li").count() == 5
    map_box = page.locator("svg.map").bounding_box()
    assert map_box["y"] + map_box["height"] * 0.75 <= 800  # most of the map in view

    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    numbers = page.locator(".sets-needed").bounding_box()
    map_box = page.locator("svg.map").bounding_box()
    assert map_box["y"] > numbers["y"] and map_box["width"] > 300  # full width, below
