"""The province roll-up in a real Chromium: on a 360-pixel phone the table scrolls inside
its box and the page does not; at 1280 pixels the whole table fits."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests import test_browser as browser
from tests.reports.test_province_rollup import make_campaigns

page = browser.page  # the fixture: Debian's Chromium at a phone's size

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTHS = """() => {
    const box = document.querySelector(".table-wrap");
    return {
        page: document.documentElement.scrollWidth,
        box: box.clientWidth,
        table: box.scrollWidth,
    };
}"""


def test_the_roll_up_on_a_phone_and_on_a_desk(live_server, page):  # noqa: F811
    call_command("seed_demo", verbosity=0)  # its users, and TTU in the same province
    make_campaigns(0, 6)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "koordinator")
    page.fill("input[name=password]", "ektp-demo-2024")
    page.click("button.primary")
    page.wait_for_url("**/campaigns/**")
    page.goto(f"{live_server.url}{reverse('provinces:rollup', args=['53'])}?as_of=2024-01-23")

    assert page.locator(".province-table tbody tr").count() == 7
    phone = page.evaluate(WIDTHS)
    assert phone["page"] <= 360  # the page itself never scrolls sideways
    assert phone["table"] > phone["box"]  # the table scrolls inside its box
    # The regency's name stays in view while the numbers scroll.
    page.locator(".table-wrap").evaluate("box => { box.scrollLeft = 10000; }")
    name = page.locator(".province-table tbody td.name").first.bounding_box()
    assert name["x"] >= 0 and name["x"] < 40

    page.set_viewport_size({"width": 1280, "height": 800})
    page.locator(".table-wrap").evaluate("box => { box.scrollLeft = 0; }")
    desk = page.evaluate(WIDTHS)
    assert desk["page"] <= 1280 and desk["table"] <= desk["box"]  # no scrolling at all
