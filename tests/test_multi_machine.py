"""More than one machine: two web servers and a worker, each with a folder of its own (no
shared disk), against one PostgreSQL and one S3-compatible object storage (moto's server, on
this machine). A report and an import go through, the import's pages read on either server.

README.md ("More than one machine") says what each machine is given; this is that setup.
"""

import datetime
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from reports.models import DailyReport
from residents.models import ImportJob, Resident
from tests.factories import UserFactory, VisitFactory
from tests.residents.conftest import campaign, kefamenanu_utara  # noqa: F401 (fixtures)
from tests.residents.test_import_jobs import csv_of
from tests.test_failures import closed_port

ROOT = Path(__file__).resolve().parent.parent
BUCKET = "ektp-imports"
pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="several processes need a database they can all reach (PostgreSQL)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("kefamenanu_utara"),
]


@pytest.fixture
def object_storage():
    """An S3-compatible endpoint on this machine, with the uploads' bucket."""
    boto3 = pytest.importorskip("boto3")
    from moto.server import ThreadedMotoServer

    port = closed_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    keys = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **keys)
    s3.create_bucket(Bucket=BUCKET)
    yield endpoint, s3
    server.stop()


def machine_env(endpoint, folder):
    """What each machine is given: the one database, the shared storage, a folder of its own."""
    database = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG",)}
    return env | {
        "DEBUG": "False",
        "SECRET_KEY": "shared-secret-of-every-machine-" * 2,
        "SECURE_SSL_REDIRECT": "False",
        "DJANGO_SETTINGS_MODULE": "tests.server_settings",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "IMPORT_DIR": str(folder),
        "IMPORT_STORAGE": json.dumps(
            {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "endpoint_url": endpoint,
                    "access_key": "test",
                    "secret_key": "test",
                    "region_name": "us-east-1",
                },
            }
        ),
    }


def start(command, env):
    return subprocess.Popen(
        [sys.executable, *command], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def web_server(env):
    port = closed_port()
    process = start(
        ["-m", "gunicorn", "-c", "gunicorn.conf.py", "config.wsgi", "--workers", "1",
         "--bind", f"127.0.0.1:{port}"],
        env,
    )  # fmt: skip
    return process, f"http://127.0.0.1:{port}"


class Browser:
    """Cookies kept by hand: they are Secure (production settings), and the test speaks HTTP."""

    def __init__(self):
        import requests

        self.http, self.cookies = requests, {}

    def call(self, method, url, **kwargs):
        for _ in range(100):
            try:
                response = self.http.request(
                    method, url, cookies=self.cookies, allow_redirects=False, timeout=30, **kwargs
                )
                break
            except self.http.ConnectionError:  # still starting
                time.sleep(0.1)
        self.cookies |= response.cookies.get_dict()
        return response

    def token(self, url):
        page = self.call("GET", url).text
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]

    def post(self, url, data, **kwargs):
        return self.call(
            "POST", url, data=data | {"csrfmiddlewaretoken": self.token(url)}, **kwargs
        )


def wait_for(check, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("not in time")


def test_two_web_servers_and_a_worker_without_a_shared_disk(
    campaign,  # noqa: F811
    object_storage,
    tmp_path,
    settings,
):
    endpoint, s3 = object_storage
    from django.contrib.auth.models import Group

    # Hashed as the servers hash (the tests' own settings use a faster hasher).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = UserFactory(username="siti", password="ektp-uji-2024")

    user.groups.add(Group.objects.get(name="Operator"))
    today = timezone.localdate()
    # Running today: a campaign past its last day (the factory's is in 2024) takes no report.
    Campaign.objects.filter(pk=campaign.pk).update(
        start_date=today - datetime.timedelta(days=10),
        target_date=today + datetime.timedelta(days=10),
        extension_date=None,
        election_date=today + datetime.timedelta(days=17),
    )
    visit = VisitFactory(campaign=campaign, date=today, kecamatan_id="53.03.05")
    processes = []
    try:
        (web_a, a), (web_b, b) = (
            web_server(machine_env(endpoint, tmp_path / name)) for name in ("a", "b")
        )
        worker = start(
            ["manage.py", "db_worker", "--no-reload", "--interval", "0.2"],
            machine_env(endpoint, tmp_path / "worker"),
        )
        processes = [web_a, web_b, worker]
        browser = Browser()
        login = browser.post(
            f"{a}{reverse('login')}", {"username": "siti", "password": "ektp-uji-2024"}
        )
        assert login.status_code == 302, login.text[:500]

        # The list uploaded on A, its job read on B: the session and the file are shared.
        upload = browser.post(
            f"{a}{reverse('import_residents', args=['ttu'])}",
            {},
            files={"file": ("daftar.csv", csv_of(500), "text/csv")},
        )
        assert upload.status_code == 302, upload.text[:500]
        job_url = f"{b}{upload.headers['Location']}"
        wait_for(lambda: ImportJob.objects.filter(status="done").exists())
        assert "500" in browser.call("GET", job_url).text
        assert browser.post(job_url, {}).status_code == 302
        wait_for(lambda: ImportJob.objects.filter(dry_run=False, status="done").exists())
        assert Resident.objects.filter(campaign=campaign).count() == 500
        # The upload is gone from the shared storage; no machine kept a copy in its folder.
        assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0
        assert [p for p in tmp_path.rglob("*") if p.is_file()] == []

        # A report sent to B, after the session began on A.
        report = browser.post(
            f"{b}{reverse('visits:report', args=[visit.pk])}",
            {"recorded_count": "64", "first_time_voters": "3", "failed_count": "0", "notes": ""},
        )
        assert report.status_code == 302, report.text[:500]
        assert DailyReport.objects.get(visit=visit).recorded_count == 64
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(10)
