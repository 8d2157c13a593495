"""`make backup` and `make restore` (README.md, "Backups"): a dump restored into a fresh
database gives the same progress.json."""

import datetime
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from residents import services
from residents.models import Resident
from tests.factories import (
    BacklogEntryFactory,
    CampaignFactory,
    DailyReportFactory,
    DesaFactory,
    KecamatanFactory,
    ResidentFactory,
    VisitFactory,
)

BASE_DIR = Path(settings.BASE_DIR)
DAY = datetime.timedelta(days=1)
pytestmark = [
    # pg_dump reads over its own connection: the data must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="pg_dump and pg_restore need PostgreSQL"
    ),
]


def database_url(name):
    """A libpq URL for database `name` on the test database's server, as its user."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(name, safe='')}"


def make(*args, database):
    assert shutil.which("make") and shutil.which("pg_dump"), "make and pg_dump are needed"
    env = os.environ | {"DATABASE_URL": database_url(database)}
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


# What progress.json answers (reports.progress_views.progress_json), computed on another database.
PROGRESS = """
import json, sys
from django.core.serializers.json import DjangoJSONEncoder
from campaigns.models import Campaign
from reports.progress import campaign_progress
import datetime
campaign = Campaign.objects.get(slug=sys.argv[-2])
day = datetime.date.fromisoformat(sys.argv[-1])
print(json.dumps(campaign_progress(campaign=campaign, as_of=day).as_json(), cls=DjangoJSONEncoder))
"""


def progress_in(database, slug, day):
    env = os.environ | {"DATABASE_URL": database_url(database), "DEBUG": "True"}
    result = subprocess.run(
        [sys.executable, "-c", _script(), slug, day.isoformat()],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _script():
    return (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
        "django.setup()\n" + PROGRESS
    )


def test_a_backup_restored_into_a_fresh_database_gives_the_same_progress(
    client, admin_member, tmp_path
):
    today = timezone.localdate()
    campaign = CampaignFactory(
        slug="ttu",
        start_date=today - 10 * DAY,
        target_date=today + 10 * DAY,
        extension_date=None,
        election_date=today + 20 * DAY,
    )
    kecamatan = KecamatanFactory(kabupaten=campaign.kabupaten, name="Kota Kefamenanu")
    desa = DesaFactory(kecamatan=kecamatan)
    BacklogEntryFactory(campaign=campaign, kecamatan=kecamatan, change=120)
    for days_ago, count in [(3, 40), (2, 35), (1, 0)]:
        visit = VisitFactory(
            campaign=campaign,
            date=today - days_ago * DAY,
            kecamatan=kecamatan,
            desa=desa,
        )
        DailyReportFactory(visit=visit, recorded_count=count, first_time_voters=0)
    VisitFactory(campaign=campaign, date=today - 4 * DAY, kecamatan=kecamatan)
    resident = ResidentFactory(campaign=campaign, desa=desa, name="Yohanes Kolo")
    services.resident_set_status(
        resident=resident, status=Resident.Status.DECEASED, by=admin_member, note="Meninggal"
    )
    client.force_login(admin_member)
    url = reverse("campaigns:progress_json", args=["ttu"])
    before = client.get(url, {"as_of": today.isoformat()}).json()
    assert before["target"] == 119 and before["recorded"] == 75 and before["missing_reports"]

    test_database = connection.settings_dict["NAME"]
    backup_dir = tmp_path / "backups"
    dump = Path(make("backup", f"BACKUP_DIR={backup_dir}", database=test_database).strip())
    assert dump.parent == backup_dir and dump.stat().st_size > 0
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600  # it holds NIKs

    fresh = f"{test_database}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        cursor.execute(f'CREATE DATABASE "{fresh}"')
    try:
        make("restore", f"FILE={dump}", database=fresh)
        assert progress_in(fresh, "ttu", today) == before
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
