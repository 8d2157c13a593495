"""Benchmark: a backlog list of N rows (default 100,000) uploaded and imported as a job.

Times the upload (the request that stores the file and queues the check), then the check and
the save, each run by a `manage.py db_worker` process, sampling the job's progress as the page
shows it. Needs PostgreSQL (a worker in another process):
`DATABASE_URL=postgres://... python bench/import_job.py 100000`.
"""

import datetime
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.import_residents import write_csv  # noqa: E402


def wait(job, label):
    began, samples = time.perf_counter(), []
    while True:
        job.refresh_from_db()
        samples.append((round(time.perf_counter() - began, 1), job.rows_read))
        if job.finished:
            break
        time.sleep(0.2)
    seconds = time.perf_counter() - began
    shown = sorted(set(samples))[:: max(1, len(samples) // 6)]
    print(f"{label}: {job.status} in {seconds:.1f} s, {job.rows_read:,} rows; progress {shown}")


def main(rows):
    from django.contrib.auth.models import Group, User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from campaigns.models import Campaign
    from regions.models import Desa
    from regions.services import regions_import
    from residents.models import ImportJob

    setup_test_environment()
    name = connection.settings_dict["NAME"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:"
        f"{database['PORT'] or 5432}/{database['NAME']}",
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--verbosity", "0"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        regions_import(province="53")
        Campaign.objects.create(
            slug="bench", name="Bench", kabupaten_id="53.03",
            start_date=datetime.date(2024, 1, 18), target_date=datetime.date(2024, 2, 7),
            election_date=datetime.date(2024, 2, 14),
        )  # fmt: skip
        user = User.objects.create(username="bench")
        user.groups.add(Group.objects.get(name="Operator"))
        desa = list(
            Desa.objects.filter(kecamatan__kabupaten="53.03").values_list("code", flat=True)
        )
        client = Client()
        client.force_login(user)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "backlog.csv"
            write_csv(path, rows, desa)
            content = path.read_bytes()
        began = time.perf_counter()
        response = client.post(
            reverse("import_residents", args=["bench"]),
            {"file": SimpleUploadedFile("backlog.csv", content)},
            HTTP_HOST="localhost", secure=True,
        )  # fmt: skip
        upload = time.perf_counter() - began
        print(
            f"upload of {rows:,} rows ({len(content) // 2**20} MB): {upload * 1000:.0f} ms, "
            f"status {response.status_code}"
        )
        check = ImportJob.objects.get()
        wait(check, "check (dry run)")
        client.post(response.url, HTTP_HOST="localhost", secure=True)
        wait(ImportJob.objects.get(dry_run=False), "save")
    finally:
        worker.terminate()
        worker.wait(30)
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.settings_dict["NAME"] = name


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
