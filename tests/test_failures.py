"""When things fail: error pages in Indonesian without a traceback, and a database away.

The database-away tests run the production server (gunicorn with gunicorn.conf.py, DEBUG
off) against a PostgreSQL address where nothing listens, or, on PostgreSQL, through a
relay that the test cuts and restores like a database restart.
"""

import datetime
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from reports import services
from reports.models import DailyReport
from tests.factories import CampaignFactory, VisitFactory

ROOT = Path(__file__).resolve().parent.parent
SESSION = "sessionid=" + "a" * 32  # any session cookie: the session is read from the database
TOKEN = "b" * 32  # a CSRF secret, sent as the cookie and as the form field
FAST = 2.0  # seconds within which a page answers while the database is away


def in_language(language, msgid):
    with translation.override(language):
        return translation.gettext(msgid)


def assert_error_page(response, status, msgid, language="id"):
    assert response.status_code == status
    text = response.content.decode()
    assert f'<html lang="{language}">' in text
    assert in_language(language, msgid) in text
    assert "Traceback" not in text and 'id="traceback"' not in text


# Error pages, DEBUG off ---------------------------------------------------------------


@pytest.fixture
def quiet_client(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.fixture
def visit(db):
    today = timezone.localdate()
    campaign = CampaignFactory(
        start_date=today - datetime.timedelta(days=5),
        target_date=today + datetime.timedelta(days=15),
        extension_date=None,
        election_date=today + datetime.timedelta(days=20),
    )
    return VisitFactory(campaign=campaign, date=today)


@pytest.mark.django_db
def test_404_is_indonesian_and_english_when_chosen(quiet_client, operator_user):
    quiet_client.force_login(operator_user)
    assert_error_page(quiet_client.get("/no-such-page/"), 404, "Page not found")

    quiet_client.cookies["django_language"] = "en"
    assert_error_page(quiet_client.get("/no-such-page/"), 404, "Page not found", "en")


@pytest.mark.django_db
def test_a_malformed_upload_gets_the_400_page_in_indonesian(quiet_client, operator_user, visit):
    quiet_client.force_login(operator_user)
    response = quiet_client.post(
        reverse("visits:report", args=[visit.pk]),
        data=b"--x\r\nbroken",
        content_type="multipart/form-data; boundary=",
    )
    assert_error_page(response, 400, "Bad request")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/visits/late/?campaign=%00",  # a slug looked up: PostgreSQL refused the NUL, a 500
        "/provinces/%00/",  # a code in the path
        "/campaigns/?provinsi=53%00",
        "/visits/today/?x%00=1",  # in a parameter's name too
    ],
)
def test_a_nul_byte_in_the_address_gets_the_400_page_not_a_server_error(
    quiet_client, koordinator_user, url
):
    quiet_client.force_login(koordinator_user)
    assert_error_page(quiet_client.get(url), 400, "Bad request")


def test_403_is_indonesian(quiet_client, koordinator_user, visit):
    quiet_client.force_login(koordinator_user)
    response = quiet_client.post(reverse("visits:report", args=[visit.pk]), {})
    assert_error_page(response, 403, "Not allowed")


@pytest.mark.django_db
def test_a_stale_form_403_is_indonesian(settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "siti", "password": "x"})
    assert_error_page(response, 403, "The form has expired")


@pytest.mark.django_db
def test_500_is_indonesian_without_traceback(quiet_client, monkeypatch):
    class Broken:
        def cursor(self):
            raise RuntimeError("a bug")

    monkeypatch.setattr("config.urls.connection", Broken())
    response = quiet_client.get(reverse("healthz"))
    assert_error_page(response, 500, "Something went wrong")
    assert "a bug" not in response.content.decode()


def test_a_missing_table_is_a_500_not_a_503(quiet_client, operator_user, visit, monkeypatch):
    """SQLite raises OperationalError for a bug too: only connection errors are a 503."""

    def missing_table(**kwargs):
        try:
            sqlite3.connect(":memory:").execute("SELECT * FROM reports_dailyreport")
        except sqlite3.OperationalError as exc:
            raise OperationalError(*exc.args) from exc

    monkeypatch.setattr(services, "daily_report_save", missing_table)
    quiet_client.force_login(operator_user)
    response = quiet_client.post(reverse("visits:report", args=[visit.pk]), _report())
    assert_error_page(response, 500, "Something went wrong")


def _report(**data):
    return {"recorded_count": "70", "first_time_voters": "5", "failed_count": "0"} | data


def test_a_report_sent_as_the_database_goes_away_saves_nothing(
    quiet_client, operator_user, visit, monkeypatch
):
    """The report is written, then the connection drops: the request's transaction is
    rolled back and the operator is asked to send it again."""
    save = services.daily_report_save

    def save_then_lose_the_connection(**kwargs):
        save(**kwargs)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "daily_report_save", save_then_lose_the_connection)
    quiet_client.force_login(operator_user)

    response = quiet_client.post(reverse("visits:report", args=[visit.pk]), _report())

    assert_error_page(
        response, 503, "What you sent has not been saved. Go back and send it again in a minute."
    )
    assert response["Retry-After"]
    assert not DailyReport.objects.exists()


@pytest.mark.django_db
def test_healthz_names_the_database_when_it_cannot_connect(client, monkeypatch):
    """A real connection attempt, to a port where nothing listens."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    unreachable = DatabaseWrapper(
        {**connection.settings_dict, "HOST": "127.0.0.1", "PORT": closed_port(), "NAME": "x"}
        | {"ENGINE": "django.db.backends.postgresql", "USER": "x", "OPTIONS": {}}
    )
    monkeypatch.setattr("config.urls.connection", unreachable)
    started = time.monotonic()
    response = client.get(reverse("healthz"))
    assert time.monotonic() - started < FAST
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


# The production server with the database away ---------------------------------------


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free, and closed once the probe is


def start_server(database_url):
    port = closed_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")}
    env |= {
        "DEBUG": "False",
        "SECRET_KEY": "x7#kq!" * 10,
        "SECURE_SSL_REDIRECT": "False",
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "tests.server_settings",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "config.wsgi"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server, base
        except OSError:
            time.sleep(0.1)
    server.kill()
    pytest.fail("gunicorn did not start")


def fetch(url, data=None, cookies=SESSION):
    request = urllib.request.Request(url, data=data, headers={"Cookie": cookies})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    return status, headers, body.decode(), time.monotonic() - started


@pytest.fixture(scope="module")
def server_without_database():
    server, base = start_server(f"postgres://ektp@127.0.0.1:{closed_port()}/ektp")
    yield base
    server.terminate()
    server.wait(10)


def test_healthz_answers_503_naming_the_database(server_without_database):
    status, headers, body, took = fetch(server_without_database + "/healthz", cookies="")
    assert (status, body) == (503, '{"status": "error", "database": "unreachable"}')
    assert took < FAST


@pytest.mark.parametrize(("cookie", "language"), [("", "id"), ("; django_language=en", "en")])
def test_a_page_answers_503_in_the_chosen_language_fast(server_without_database, cookie, language):
    fetch(server_without_database + "/campaigns/")  # the worker has loaded the app
    status, headers, body, took = fetch(
        server_without_database + "/campaigns/", cookies=SESSION + cookie
    )
    assert status == 503 and took < FAST
    assert f'<html lang="{language}">' in body
    assert in_language(language, "The database cannot be reached") in body
    assert "Traceback" not in body
    assert headers["Retry-After"] == "30"
    assert "no-store" in headers["Cache-Control"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]


def test_a_report_sent_while_the_database_is_away_is_refused(server_without_database):
    data = f"csrfmiddlewaretoken={TOKEN}&recorded_count=70&first_time_voters=5".encode()
    status, headers, body, took = fetch(
        server_without_database + "/visits/1/report/", data, f"{SESSION}; csrftoken={TOKEN}"
    )
    assert status == 503 and took < FAST
    assert (
        in_language(
            "id", "What you sent has not been saved. Go back and send it again in a minute."
        )
        in body
    )


class Relay:
    """A TCP relay to PostgreSQL that can be cut (every connection dropped, as when the
    server restarts) and taken down (new connections closed at once)."""

    def __init__(self, host, port):
        self.target = (host, port)
        self.up = True
        self.pairs = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.pairs.append((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        for pair in self.pairs:
            for end in pair:
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        self.pairs.clear()

    def close(self):
        self.cut()
        self.listener.close()


@pytest.mark.django_db
def test_after_the_database_returns_the_next_request_works():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...)")
    db = connection.settings_dict
    relay = Relay(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    server, base = start_server(f"postgres://{user}@127.0.0.1:{relay.port}/postgres")
    healthz = base + "/healthz"
    try:
        assert fetch(healthz, cookies="")[0] == 200  # a connection is open and kept

        relay.cut()  # the database restarts: the kept connection is dead
        assert fetch(healthz, cookies="")[0] == 200  # CONN_HEALTH_CHECKS: a new one

        relay.up = False
        relay.cut()
        status, _, body, took = fetch(healthz, cookies="")
        assert (status, took < FAST) == (503, True)

        relay.up = True
        assert fetch(healthz, cookies="")[0] == 200
    finally:
        server.terminate()
        server.wait(10)
        relay.close()
