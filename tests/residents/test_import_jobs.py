"""The import as a background job: stopped half way it saves nothing and says so; the files
it leaves are removed; end to end on PostgreSQL with a real worker process."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from residents import import_jobs, importer
from residents.models import ImportJob, Resident

# Every test here uploads residents of Kefamenanu Utara (tests/residents/conftest.py).
pytestmark = pytest.mark.usefixtures("kefamenanu_utara")
HEADER = "NIK;Nama Lengkap;JK;Tgl Lahir;Desa\n"


def csv_of(rows):
    """`rows` valid residents of Kefamenanu Utara: men born on days of 1990, serials 1..9999."""
    lines = [HEADER]
    for n in range(rows):
        day = datetime.date(1990, 1, 1) + datetime.timedelta(days=n // 9999)
        serial = n % 9999 + 1
        lines.append(
            f"530305{day:%d%m%y}{serial:04d};Warga {n};L;{day:%d/%m/%Y};Kefamenanu Utara\n"
        )
    return "".join(lines).encode()


def stored():
    try:
        return storages["imports"].listdir("")[1]
    except FileNotFoundError:
        return []


def start(campaign, user, content, name="daftar.csv"):
    return import_jobs.import_job_create(
        campaign=campaign, user=user, upload=SimpleUploadedFile(name, content)
    )


@pytest.mark.django_db
def test_a_job_stopped_half_way_saves_nothing_and_says_so(campaign, operator_user, monkeypatch):
    job = start(campaign, operator_user, csv_of(12_000))
    job = ImportJob.objects.get(pk=job.pk)
    job.dry_run = False  # a save, which would keep its rows
    job.save()
    monkeypatch.setattr(importer, "BATCH_SIZE", 1000)
    calls = []

    def stop(self, result):  # the worker is stopped (SIGTERM twice) after a few batches
        calls.append(result.accepted)
        if result.accepted >= 5000:
            raise SystemExit(1)

    monkeypatch.setattr(import_jobs._Progress, "__call__", stop)

    with pytest.raises(SystemExit):
        import_jobs.run_import_job.call(str(job.pk))

    job.refresh_from_db()
    assert max(calls) >= 5000  # rows were written before the stop
    assert not Resident.objects.exists()  # and rolled back with it
    assert job.status == ImportJob.Status.FAILED
    assert "tidak ada yang disimpan" in job.error and "dihentikan" in job.error
    assert job.file_name == "" and stored() == []


@pytest.mark.django_db
def test_the_clean_up_gives_up_a_job_whose_worker_died_and_removes_its_file(
    campaign, operator_user
):
    job = start(campaign, operator_user, csv_of(3))
    long_ago = timezone.now() - datetime.timedelta(minutes=11)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, started_at=long_ago, heartbeat_at=long_ago
    )
    alive = start(campaign, operator_user, csv_of(3))
    ImportJob.objects.filter(pk=alive.pk).update(
        status=ImportJob.Status.RUNNING, started_at=long_ago, heartbeat_at=timezone.now()
    )

    counts = import_jobs.import_jobs_clean_up()

    job.refresh_from_db()
    assert counts["abandoned"] == 1
    assert job.status == ImportJob.Status.FAILED and "tidak ada yang disimpan" in job.error
    assert job.file_name == ""
    assert stored() == [alive.file_name]  # the job still giving signs of life keeps its file
    assert ImportJob.objects.get(pk=alive.pk).status == ImportJob.Status.RUNNING


@pytest.mark.django_db
def test_the_clean_up_removes_old_checks_refused_rows_and_orphans(campaign, operator_user):
    store = storages["imports"]
    old = start(campaign, operator_user, csv_of(3))
    refused = store.save("old-refused.csv", ContentFile(b"x"))
    day_ago = timezone.now() - datetime.timedelta(hours=25)
    ImportJob.objects.filter(pk=old.pk).update(
        status=ImportJob.Status.DONE,
        finished_at=day_ago,
        refused_file=refused,
        result={"rows": 2, "refused": 1, "problems": [{"value": "5303051203900001"}]},
    )
    recent = start(campaign, operator_user, csv_of(3))
    ImportJob.objects.filter(pk=recent.pk).update(
        status=ImportJob.Status.DONE, finished_at=timezone.now()
    )
    orphan = store.save("orphan.csv", ContentFile(b"x"))
    fresh_orphan = store.save("fresh.csv", ContentFile(b"x"))  # its job may not be committed
    os.utime(store.path(orphan), (day_ago.timestamp(), day_ago.timestamp()))

    import_jobs.import_jobs_clean_up()

    assert sorted(stored()) == sorted([recent.file_name, fresh_orphan])
    old.refresh_from_db()
    assert (old.file_name, old.refused_file) == ("", "")
    assert old.result == {"rows": 2, "refused": 1, "problems": [], "problems_removed": True}


@pytest.mark.django_db
def test_a_list_with_too_many_rows_is_refused_by_name_and_saves_nothing(
    campaign, operator_user, settings, django_capture_on_commit_callbacks
):
    settings.RESIDENT_IMPORT_MAX_ROWS = 100
    with django_capture_on_commit_callbacks(execute=True):
        job = start(campaign, operator_user, csv_of(101), name="besar.csv")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.REFUSED
    assert "besar.csv" in job.error and "100" in job.error
    assert stored() == [] and not Resident.objects.exists()


@pytest.mark.django_db
def test_the_clean_up_command(campaign, operator_user, capsys):
    from django.core.management import call_command

    call_command("import_cleanup")
    assert "0 tugas impor dihentikan, 0 berkas dihapus." in capsys.readouterr().out


def _worker(tmp_path):
    """`manage.py db_worker` as its own process, on the test database."""
    database = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "True",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "IMPORT_DIR": str(tmp_path / "imports"),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
         "--interval", "0.1", "--verbosity", "0"],
        cwd=Path(django_settings.BASE_DIR), env=env,
    )  # fmt: skip


postgresql_only = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="a worker process needs a database that another process can reach (PostgreSQL)",
)


def _wait(job, until, seconds=60):
    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        job.refresh_from_db()
        seen.append(job.rows_read)
        if until(job):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"job {job.status}, rows {job.rows_read}")


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_end_to_end_on_postgresql_upload_progress_result_and_a_kill(
    client, campaign, operator_user, settings, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(operator_user)
    rows = 60_000
    began = time.monotonic()
    response = client.post(
        reverse("import_residents", args=["ttu"]),
        {"file": SimpleUploadedFile("daftar.csv", csv_of(rows))},
    )
    upload_seconds = time.monotonic() - began
    job = ImportJob.objects.get()
    assert response.status_code == 302 and upload_seconds < 2
    assert job.status == ImportJob.Status.QUEUED and job.task_id
    assert "Menunggu pekerja" in client.get(response.url).text

    worker = _worker(tmp_path)
    try:
        seen = _wait(job, lambda j: j.finished)
        assert any(0 < n < rows for n in seen), seen  # progress while it ran
        assert (job.status, job.rows_read, job.accepted, job.refused) == ("done", rows, rows, 0)
        assert f"{rows:,}".replace(",", ".") in client.get(response.url).text
        assert not Resident.objects.exists()  # a check saves nothing

        saved = client.post(response.url)
        save = ImportJob.objects.get(dry_run=False)
        _wait(save, lambda j: j.finished)
        assert (save.status, save.accepted) == ("done", rows)
        assert Resident.objects.count() == rows
        assert stored() == []  # the upload is gone once saved
        assert saved.status_code == 302
    finally:
        worker.terminate()
        worker.wait(10)

    # Killed half way: a second list, the worker killed while it saves.
    job = start(campaign, operator_user, HEADER.encode() + _other_residents(rows))
    save = import_jobs.import_job_save(job=_done(job), by=operator_user)
    worker = _worker(tmp_path)
    try:
        _wait(save, lambda j: j.rows_read > 0)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    save.refresh_from_db()
    assert save.status == ImportJob.Status.RUNNING  # nobody left to say otherwise ...
    later = timezone.now() + datetime.timedelta(minutes=11)
    import_jobs.import_jobs_clean_up(now=later)
    save.refresh_from_db()
    assert save.status == ImportJob.Status.FAILED and "tidak ada yang disimpan" in save.error
    assert Resident.objects.count() == rows  # ... and nothing of the second list was saved
    assert stored() == []


def _other_residents(rows):
    """Women (day + 40) of the same days: other NIKs than csv_of's."""
    lines = []
    for n in range(rows):
        day = datetime.date(1990, 1, 1) + datetime.timedelta(days=n // 9999)
        serial = n % 9999 + 1
        lines.append(
            f"530305{day.day + 40:02d}{day:%m%y}{serial:04d};Warga {n};P;{day:%d/%m/%Y};"
            "Kefamenanu Utara\n"
        )
    return "".join(lines).encode()


def _done(job):
    """A check taken as done without running it, so that its save can be queued."""
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE)
    job.refresh_from_db()
    return job
