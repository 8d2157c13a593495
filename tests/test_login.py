import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def login(client, username, password, address):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_login_page_is_indonesian_with_english_selectable(client):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert 'lang="id"' in page.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert 'lang="en"' in client.get(reverse("login")).content.decode()


def test_operator_logs_in_and_lands_on_todays_visits(client, operator_user):
    response = login(client, "operator", "ektp-test-2024", "10.1.1.1")
    assert response.status_code == 302
    assert client.get(response.url).url == reverse("visits:today")


def test_repeated_failures_lock_that_username_from_that_address_only(client, settings):
    UserFactory(username="siti")
    UserFactory(username="budi")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "siti", "wrong", "10.1.1.1")

    locked = login(client, "siti", "ektp-test-2024", "10.1.1.1")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session

    # A colleague behind the same office address still logs in, and so does siti elsewhere.
    assert login(client, "budi", "ektp-test-2024", "10.1.1.1").status_code == 302
    client.logout()
    assert login(client, "siti", "ektp-test-2024", "10.9.9.9").status_code == 302


def settings_behind_the_proxy():
    """The settings that settings.py makes of AXES_IPWARE_PROXY_COUNT=1 (README.md)."""
    names = ["AXES_IPWARE_PROXY_COUNT", "AXES_IPWARE_META_PRECEDENCE_ORDER", "IPWARE_STRICT"]
    show = f"from django.conf import settings; print({{n: getattr(settings, n) for n in {names}}})"
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", show],
        cwd=Path(__file__).resolve().parent.parent,
        env={**env, "DEBUG": "True", "AXES_IPWARE_PROXY_COUNT": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip())


def login_through_the_proxy(client, username, password, forwarded_for):
    """The proxy connects from 127.0.0.1 and appends the address it sees to the header."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_the_proxy_failures_lock_only_the_clients_own_address(client, settings):
    for name, value in settings_behind_the_proxy().items():
        setattr(settings, name, value)
    UserFactory(username="siti")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_through_the_proxy(client, "siti", "wrong", "36.85.1.1")

    assert login_through_the_proxy(client, "siti", "ektp-test-2024", "36.85.1.1").status_code == 429
    # An address the client wrote into the header itself changes nothing.
    spoofed = login_through_the_proxy(client, "siti", "ektp-test-2024", "36.85.9.9, 36.85.1.1")
    assert spoofed.status_code == 429
    # From another address behind the same proxy, siti still logs in.
    assert login_through_the_proxy(client, "siti", "ektp-test-2024", "36.85.2.2").status_code == 302


def test_without_the_setting_the_proxy_is_one_address_for_everyone(client, settings):
    """Why AXES_IPWARE_PROXY_COUNT must be set behind the proxy."""
    UserFactory(username="siti")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_through_the_proxy(client, "siti", "wrong", "36.85.1.1")

    assert login_through_the_proxy(client, "siti", "ektp-test-2024", "36.85.2.2").status_code == 429
