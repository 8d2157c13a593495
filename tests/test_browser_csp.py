"""In a real Chromium: the pages and the admin work under the Content-Security-Policy.

Chromium reports every script, style or style="" attribute that the policy blocks as a
console error; none may appear.
"""

import pytest
from django.core.management import call_command

from tests import test_browser as browser

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
page = browser.page  # the fixture: Debian's Chromium at a phone's size

# A history page of django-simple-history has one style="" attribute (a paginator's top
# border): blocked, it only leaves that border drawn. Not worth a copy of its template.
KNOWN = ["/history/"]


def log_in(page, base, username, login_path):
    page.goto(f"{base}{login_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "ektp-demo-2024")
    page.click("button.primary, input[type=submit]")
    page.wait_for_load_state()


def test_no_page_breaks_the_policy(live_server, page):
    call_command("seed_demo", verbosity=0)
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append((page.url, message.text))
            if "Content Security Policy" in message.text
            else None
        ),
    )
    base = live_server.url

    log_in(page, base, "operator", "/accounts/login/")
    for path in ["/visits/today/", "/campaigns/ttu-2024/", "/campaigns/ttu-2024/briefing/"]:
        assert page.goto(f"{base}{path}").status == 200
        assert page.locator("svg.chart").count() or path != "/campaigns/ttu-2024/"
    page.context.clear_cookies()

    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, base, "admin", "/admin/login/")
    for path in ["/admin/", "/admin/campaigns/visit/", "/admin/reports/dailyreport/"]:
        assert page.goto(f"{base}{path}").status == 200
    page.goto(f"{base}/admin/campaigns/visit/add/")
    browser.choose(page, "campaign", "Timor Tengah Utara")  # select2's script and styles
    page.click(".datetimeshortcuts a, .date-icon")  # the calendar widget
    page.wait_for_timeout(200)

    assert [(url, text) for url, text in blocked if not any(k in url for k in KNOWN)] == []
