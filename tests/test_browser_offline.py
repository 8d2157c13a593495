"""In a real Chromium at a phone's size: a report typed without a signal waits on the phone
and is sent once when the signal returns; refused on arrival, it says why; a session that
expired meanwhile asks to log in, then sends."""

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse

from campaigns.models import Campaign
from reports.models import DailyReport
from tests import test_browser as browser

page = browser.page  # the fixture: Debian's Chromium at a phone's size
expect = browser.playwright.expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


KEPT = """async (urls) => {
    const cache = await caches.open("pages");
    const kept = await Promise.all(urls.map((url) => cache.match(url, { ignoreVary: true })));
    return kept.every(Boolean);
}"""


def wait_until(page, script, arg=None, tries=100):
    """page.wait_for_function evaluates a string, which the Content-Security-Policy forbids."""
    for _ in range(tries):
        if page.evaluate(script, arg):
            return
        page.wait_for_timeout(100)
    raise AssertionError(script)


def log_in(page, url):
    page.fill("input[name=username]", "operator")
    page.fill("input[name=password]", "ektp-demo-2024")
    page.click("button.primary")
    page.wait_for_url(url)


@pytest.fixture
def report_page(live_server, page):  # noqa: F811
    """The operator's report form of the demo's first visit today, kept by the worker."""
    call_command("seed_demo", verbosity=0)
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, "**/visits/today/")
    page.wait_for_function(
        KEPT, arg=["/visits/today/", page.locator("a.card.tap").first.get_attribute("href")]
    )
    page.locator("a.card.tap").first.click()
    wait_until(page, "navigator.serviceWorker.controller !== null", tries=300)
    page.reload()  # as the worker serves it: kept for later
    return page


def send_offline(page, count, *, waiting=1):
    page.context.set_offline(True)
    page.fill("input[name=recorded_count]", str(count))
    page.click("form[data-outbox] button.primary")
    expect(page.locator("#outbox .waiting")).to_have_count(waiting)


def visit_of(page):
    return int(page.locator("#outbox").get_attribute("data-visit"))


def recorded(client_page, live_server, slug="ttu-2024"):
    response = client_page.request.get(f"{live_server.url}/campaigns/{slug}/progress.json")
    return response.json()["recorded"]


def test_a_report_sent_offline_waits_then_is_saved_once(live_server, report_page):
    page = report_page
    before = recorded(page, live_server)
    visit = visit_of(page)

    send_offline(page, 61)
    assert "Menunggu dikirim" in page.locator("#outbox").inner_text()
    page.goto(f"{live_server.url}/visits/today/")  # offline: as kept
    badge = page.locator(f"[data-outbox-visit='{visit}']")
    badge.wait_for()
    assert badge.inner_text() == "Menunggu dikirim"
    assert not DailyReport.objects.filter(visit_id=visit).exists()

    page.context.set_offline(False)  # the list sends it at once and shows itself anew
    assert "61" in page.locator(".message.success").inner_text()
    page.goto(f"{live_server.url}{reverse('visits:report', args=[visit])}")
    page.locator(".badge.done").wait_for()

    report = DailyReport.objects.get(visit_id=visit)
    assert (report.recorded_count, report.history.count()) == (61, 1)
    assert recorded(page, live_server) == before + 61
    assert page.locator("#outbox > *").count() == 0


def test_two_offline_edits_are_applied_in_the_order_they_were_made(live_server, report_page):
    page = report_page
    visit = visit_of(page)

    send_offline(page, 61)
    send_offline(page, 63, waiting=2)  # a correction, typed on the same kept form
    page.context.set_offline(False)  # the page sends both at once and shows itself anew
    assert "63" in page.locator(".message.success").inner_text()
    page.locator(".badge.done").wait_for()

    report = DailyReport.objects.get(visit_id=visit)
    assert [r.recorded_count for r in report.history.order_by("history_id")] == [61, 63]
    assert report.recorded_count == 63


def test_online_the_page_shows_itself_saved_without_loading_again(live_server, report_page):
    """A submission costs the send alone: the page takes the new version from the answer, so
    the correction typed next is not mistaken for a colleague's conflicting edit."""
    page = report_page
    visit = visit_of(page)
    page.evaluate("() => { window.stayed = true; }")  # gone if the page loads again

    page.fill("input[name=recorded_count]", "61")
    page.click("form[data-outbox] button.primary")
    expect(page.locator("#report-state")).to_have_text("Sudah dilaporkan: 61 direkam")
    assert page.evaluate("() => window.stayed === true")
    assert page.locator("input[name=version]").input_value() == "1"

    page.fill("input[name=recorded_count]", "62")
    page.click("form[data-outbox] button.primary")
    expect(page.locator("#report-state")).to_have_text("Sudah dilaporkan: 62 direkam")
    assert page.evaluate("() => window.stayed === true")
    report = DailyReport.objects.get(visit_id=visit)
    assert (report.recorded_count, report.version) == (62, 2)

    page.context.set_offline(True)  # the copy kept for offline use shows the same
    page.reload()
    expect(page.locator("#report-state")).to_have_text("Sudah dilaporkan: 62 direkam")
    assert page.locator("input[name=recorded_count]").input_value() == "62"
    assert page.locator("input[name=version]").input_value() == "2"


def test_a_report_refused_on_arrival_stays_with_its_reason(live_server, report_page):
    page = report_page
    visit = visit_of(page)

    send_offline(page, 61)
    Campaign.objects.filter(slug="ttu-2024").update(status=Campaign.Status.CLOSED)
    page.context.set_offline(False)  # the page sends it at once
    refused = page.locator("#outbox .refused")
    refused.wait_for()

    assert "Tidak diterima" in refused.inner_text()
    assert "sudah ditutup" in refused.inner_text()
    assert not DailyReport.objects.filter(visit_id=visit).exists()


def test_a_session_that_expired_offline_asks_to_log_in_then_sends(live_server, report_page):
    page = report_page
    visit = visit_of(page)

    send_offline(page, 61)
    Session.objects.all().delete()
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    waiting = page.locator("#outbox .login")
    waiting.wait_for()
    assert "masuk lagi" in waiting.inner_text()
    assert not DailyReport.objects.filter(visit_id=visit).exists()

    waiting.locator("a").click()
    log_in(page, f"**{reverse('visits:report', args=[visit])}")
    page.locator(".badge.done").wait_for()

    assert DailyReport.objects.get(visit_id=visit).recorded_count == 61


def test_with_the_page_closed_background_sync_sends_what_waits(live_server, report_page):
    """The operator typed the report offline and closed the app: the page asked for a
    Background Sync, and when the browser fires it (here through DevTools, as headless
    Chromium does not on its own), the worker sends what waits."""
    page = report_page
    visit = visit_of(page)
    send_offline(page, 61)
    context = page.context
    tags = "() => navigator.serviceWorker.ready.then((r) => r.sync.getTags())"
    assert page.evaluate(tags) == ["outbox"]
    keeper = context.new_page()  # no page of the site is open: none of them sends it
    page.close()

    context.set_offline(False)
    devtools = context.new_cdp_session(keeper)
    registrations = []
    devtools.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: registrations.extend(e["registrations"]),
    )
    devtools.send("ServiceWorker.enable")
    for _ in range(100):  # DevTools tells the registrations as events, soon after
        if any(not r["isDeleted"] for r in registrations):
            break
        keeper.wait_for_timeout(100)
    [registration] = [r for r in registrations if not r["isDeleted"]]
    devtools.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": live_server.url,
            "registrationId": registration["registrationId"],
            "tag": "outbox",
            "lastChance": False,
        },
    )
    for _ in range(100):
        if DailyReport.objects.filter(visit_id=visit).exists():
            break
        keeper.wait_for_timeout(100)
    report = DailyReport.objects.get(visit_id=visit)
    assert (report.recorded_count, report.history.count()) == (61, 1)
