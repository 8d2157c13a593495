"""In a real Chromium: an operator reports on a phone; an admin schedules a visit."""

import datetime
import os
import shutil

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from campaigns.models import Campaign, Visit
from reports.models import DailyReport

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MISSING = "Debian's chromium is not installed (apt-get install chromium); .ci/run installs it"
if shutil.which(CHROMIUM) is None:
    if os.environ.get("REQUIRE_BROWSER_TESTS"):
        pytest.fail(MISSING, pytrace=False)
    pytest.skip(MISSING, allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def page(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test
    # makes between browser steps are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
        yield page
        browser.close()
        # Connections the test opened while Playwright ran are not the ones pytest-django
        # closes before dropping the test database.
        connections.close_all()


def test_operator_reports_todays_visit_on_a_phone(live_server, page):
    call_command("seed_demo", verbosity=0)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "operator")
    page.fill("input[name=password]", "ektp-demo-2024")
    page.click("button.primary")

    page.wait_for_url("**/visits/today/")
    cards = page.locator("a.card.tap")
    assert cards.count() == 2
    assert "Miomaffo Barat" in cards.first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll

    cards.first.click()
    page.fill("input[name=recorded_count]", "75")
    page.fill("input[name=first_time_voters]", "8")
    page.click("button.primary")

    assert "75" in page.locator(".message").inner_text()
    assert page.locator(".badge.done").count() == 1
    report = DailyReport.objects.get(visit__date=timezone.localdate())
    assert (report.recorded_count, report.first_time_voters) == (75, 8)
    assert report.created_by.username == "operator"

    page.goto(f"{live_server.url}/visits/today/")
    assert page.locator(".badge.done").count() == 1
    assert "75" in page.locator(".badge.done").inner_text()


def choose(page, field, text):
    """Pick `text` in the admin's autocomplete box for `field` (select2)."""
    page.click(f"#id_{field} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text)
    page.click(f".select2-results__option:has-text('{text}')")


def test_admin_schedules_a_visit_in_the_admin(live_server, page):
    call_command("seed_demo", verbosity=0)
    campaign = Campaign.objects.get(slug="ttu-2024")
    day = campaign.target_date + datetime.timedelta(days=1)  # free for every set
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "ektp-demo-2024")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/campaigns/visit/add/")
    choose(page, "campaign", "Timor Tengah Utara")
    page.fill("#id_date", day.strftime("%d/%m/%Y"))
    choose(page, "device", "TTU-01")
    choose(page, "kecamatan", "Musi")
    page.fill("#id_site_name", "Balai Desa")
    page.fill("#id_planned_count", "120")
    page.click("input[name=_save]")

    page.locator(".messagelist .success").wait_for()
    assert "TTU-01" in page.locator(".messagelist .success").inner_text()
    visit = Visit.objects.get(date=day)
    assert (visit.device.code, visit.kecamatan.name, visit.planned_count) == ("TTU-01", "Musi", 120)
