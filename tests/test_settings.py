"""Production settings: check --deploy is clean, and a missing SECRET_KEY stops start-up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "x7#kq!" * 10,
    "ALLOWED_HOSTS": "ektp.dukcapil.example.go.id",
    "CSRF_TRUSTED_ORIGINS": "https://ektp.dukcapil.example.go.id",
}


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_start_up_without_secret_key_stops_with_a_clear_message():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_local_time_is_wita_and_formats_are_indonesian(settings):
    import datetime

    from django.utils import formats, translation

    assert settings.TIME_ZONE == "Asia/Makassar"
    with translation.override("id"):
        assert formats.date_format(datetime.date(2024, 1, 23), "SHORT_DATE_FORMAT") == "23/01/2024"
        assert formats.localize(5312, use_l10n=True) == "5.312"
        assert formats.sanitize_separators("5.312") == "5312"


@pytest.mark.django_db
def test_healthz_answers_without_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_pages_need_a_login(client):
    response = client.get(reverse("campaigns:list"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("database_url", "mode"),
    [("sqlite:///db.sqlite3", "IMMEDIATE"), ("postgres://u@127.0.0.1:5432/ektp", None)],
)
def test_sqlite_transactions_take_the_write_lock_at_begin(database_url, mode):
    """A ledger write checks the balance, then saves. SQLite ignores select_for_update
    (residents.models.lock_ledger), so there two such transactions must not interleave."""
    show = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default'].get('OPTIONS', {}).get('transaction_mode'))"
    )
    result = manage("shell", "--no-imports", "-c", show, DEBUG="True", DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(mode)
