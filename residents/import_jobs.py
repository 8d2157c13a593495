"""The import of a backlog list as a background job (Django's Tasks API).

The upload only stores the file in the "imports" storage, creates an ImportJob and queues
run_import_job: it returns at once. The worker (`manage.py db_worker`) runs the importer,
writing the counts to the job as it goes, and at the end the summary, the refused rows as a
CSV, and the fate of the file: removed when the save ends or fails; after a dry run, kept for
the save until import_jobs_clean_up removes it (IMPORT_KEEP_HOURS). A job whose worker stopped
half way saved nothing (the import is one transaction); the clean-up marks it failed.
"""

import codecs
import csv
import dataclasses
import datetime
import logging
import shutil
import tempfile
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from residents import import_limits, importer
from residents.models import ImportJob

try:
    from django.tasks import task  # Django 6 has the Tasks API built in
except ImportError:
    from django_tasks import task

logger = logging.getLogger(__name__)
CSV_DELIMITER = ";"  # what Excel reads as columns where the decimal mark is a comma (id-ID)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def storage():
    return storages["imports"]


@transaction.atomic
def import_job_create(*, campaign, user, upload) -> ImportJob:
    """Store an uploaded list and queue its check (a dry run).

    A file too big, or unpacking to too much, is refused here, by name (ImportRefused)."""
    filename = importer.CONTROL_CHARACTERS.sub("", upload.name)[-255:]
    if upload.size > importer.MAX_BYTES:
        raise importer.ImportRefused(
            "too_large",
            gettext("%(name)s is %(size)s MB; the limit is %(limit)s MB. Split the file.")
            % {
                "name": filename,
                "size": upload.size // 2**20,
                "limit": importer.MAX_BYTES // 2**20,
            },
        )
    rows = import_limits.refuse_unpacking_too_much(upload, filename)
    if rows is None:
        rows = _lines(upload)
    if rows:
        rows -= 1  # both counts include the header row, which is no resident
    upload.seek(0)
    suffix = Path(filename).suffix.lower()[:6]
    name = storage().save(f"{uuid.uuid4().hex}{suffix}", upload)
    job = ImportJob.objects.create(
        campaign=campaign,
        user=user,
        filename=filename,
        file_name=name,
        size=upload.size,
        dry_run=True,
        language=translation.get_language() or "",
        rows_expected=rows,
    )
    _enqueue(job)
    return job


@transaction.atomic
def import_job_save(*, job: ImportJob, by) -> ImportJob:
    """Queue the save of a checked file: a new job that takes over the stored file."""
    checked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not (checked.dry_run and checked.status == ImportJob.Status.DONE and checked.file_name):
        raise ValidationError(
            gettext("That upload is no longer here; upload the file again."), code="upload_gone"
        )
    save = ImportJob.objects.create(
        campaign=checked.campaign,
        user=by,
        filename=checked.filename,
        file_name=checked.file_name,
        size=checked.size,
        dry_run=False,
        language=translation.get_language() or "",
        rows_expected=checked.rows_read or checked.rows_expected,
    )
    checked.file_name = ""
    checked.save(update_fields=["file_name"])
    _enqueue(save)
    return save


def _enqueue(job):
    """Queue the job once the transaction that created it is committed: a worker must find
    the job (and the file's new owner) when it starts."""

    def enqueue():
        result = run_import_job.enqueue(str(job.pk))
        ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])

    transaction.on_commit(enqueue)
    transaction.on_commit(clean_up_imports.enqueue)


def _lines(upload):
    """The lines of a CSV, counted in its bytes: the progress bar's estimate."""
    lines = 0
    for chunk in upload.chunks():
        lines += chunk.count(b"\n")
    return lines or None


class JobAbandoned(Exception):
    """The clean-up gave this job up while it ran: it must not save after all."""


@task()
def run_import_job(job_id: str) -> str:
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    job = ImportJob.objects.select_related("campaign__kabupaten", "user").get(pk=job_id)
    if not claimed:
        return job.status  # run twice, or given up before it started
    with translation.override(job.language or settings.LANGUAGE_CODE):
        return _run(job)


def _run(job):
    refused = _RefusedRows()
    try:
        with _local_copy(job) as path, _Progress(job) as progress:
            result = importer.residents_import(
                campaign=job.campaign,
                path=path,
                filename=job.filename,
                by=job.user,
                dry_run=job.dry_run,
                progress=progress,
                refused_rows=refused,
            )
    except importer.ImportRefused as refusal:
        refused.close()
        _finish(job, ImportJob.Status.REFUSED, error=refusal.message)
        return job.status
    except FileNotFoundError:
        refused.close()
        error = gettext("The uploaded file is no longer here; upload it again.")
        _finish(job, ImportJob.Status.FAILED, error=error)
        return job.status
    except BaseException as failure:  # the worker stopped (SystemExit), or a bug
        refused.close()
        if isinstance(failure, (SystemExit, KeyboardInterrupt)):
            why = gettext("the worker was stopped")
        elif isinstance(failure, JobAbandoned):
            why = gettext("it was given up")
        else:
            why = type(failure).__name__
            logger.exception("Import job %s failed", job.pk)
        error = gettext(
            "The import stopped before its end (%(why)s); nothing was saved. Upload the file again."
        ) % {"why": why}
        _finish(job, ImportJob.Status.FAILED, error=error)
        raise
    refused_file = refused.store(job) if result.refused else ""
    _finish(job, ImportJob.Status.DONE, result=result, refused_file=refused_file)
    return job.status


def _finish(job, status, *, result=None, error="", refused_file=""):
    """Record the end of a job and remove its file unless a save may still need it."""
    keep = status == ImportJob.Status.DONE and job.dry_run and result and result.accepted
    if job.file_name and not keep:
        storage().delete(job.file_name)
        job.file_name = ""
    job.status, job.error, job.refused_file = status, error, refused_file
    job.finished_at = job.heartbeat_at = timezone.now()
    fields = ["status", "error", "refused_file", "finished_at", "heartbeat_at", "file_name"]
    if result is not None:
        job.rows_read, job.accepted, job.refused = result.rows, result.accepted, result.refused
        job.result = result_to_json(result)
        fields += ["rows_read", "accepted", "refused", "result"]
    job.save(update_fields=fields)


def result_to_json(result):
    data = dataclasses.asdict(result)
    data["per_kecamatan"] = result.kecamatan_counts
    return _plain(data)


def _plain(value):
    """JSON-ready: dates as text, Counters as lists, everything else as it is."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(item) for item in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def result_from_json(data):
    """The ImportResult a finished job kept, for the same summary as the dry run shows."""
    if not data:
        return None
    known = {f.name for f in dataclasses.fields(importer.ImportResult)}
    values = {key: value for key, value in data.items() if key in known}
    values["problems"] = [importer.Problem(**p) for p in data.get("problems", [])]
    values["per_kecamatan"] = Counter(dict(data.get("per_kecamatan", [])))
    result = importer.ImportResult(**values)
    for key, value in data.items():
        if key not in known:
            setattr(result, key, value)
    return result


@contextmanager
def _local_copy(job):
    """A path to the stored file: the file itself on a local folder, else a private copy."""
    store = storage()
    try:
        local = Path(store.path(job.file_name))
    except NotImplementedError:
        local = None
    if local is not None:
        if not local.is_file():
            raise FileNotFoundError(job.file_name)
        yield local
        return
    suffix = Path(job.file_name).suffix
    with (
        store.open(job.file_name, "rb") as source,
        tempfile.NamedTemporaryFile(suffix=suffix) as copy,
    ):
        shutil.copyfileobj(source, copy, 2**20)
        copy.flush()
        yield Path(copy.name)


class _Progress:
    """Writes the counts to the job while the import's transaction is still open.

    On PostgreSQL through a connection of its own, so that the page sees them at once (and a
    heartbeat, so that a job whose worker died is recognised). SQLite takes one writer at a
    time: there the counts appear at the end.
    """

    INTERVAL = 0.5  # seconds between two writes

    def __init__(self, job):
        self.job_id, self.connection, self.written = job.pk, None, 0.0

    def __enter__(self):
        if connection.vendor == "postgresql":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        return self

    def __exit__(self, *exc_info):
        if self.connection is not None:
            self.connection.close()

    def __call__(self, result):
        if self.connection is None or time.monotonic() - self.written < self.INTERVAL:
            return
        self.written = time.monotonic()
        table = ImportJob._meta.db_table
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET rows_read = %s, accepted = %s, refused = %s, "
                "heartbeat_at = %s WHERE id = %s AND status = %s",
                [result.rows, result.accepted, result.refused, timezone.now(), self.job_id,
                 ImportJob.Status.RUNNING],
            )  # fmt: skip
            if cursor.rowcount:
                return
            cursor.execute(f"SELECT status FROM {table} WHERE id = %s", [self.job_id])
            row = cursor.fetchone()
        if row is not None and row[0] != ImportJob.Status.RUNNING:
            raise JobAbandoned(self.job_id)  # (no row: not committed yet, as in tests)


class _RefusedRows:
    """The refused rows in the file's own columns, with the line and reasons added, as a
    semicolon CSV (UTF-8 with a BOM, so that Excel reads the names right)."""

    def __init__(self):
        self.file = tempfile.TemporaryFile()
        self.text = codecs.getwriter("utf-8")(self.file)
        self.text.write("\ufeff")
        self.writer = csv.writer(self.text, delimiter=CSV_DELIMITER)

    def __call__(self, line, values, problems):
        cells = [_cell(value) for value in values]
        if not problems:  # the header
            self.writer.writerow([*cells, gettext("Line in the file"), gettext("Reason")])
            return
        reasons = "; ".join(f"{p.column}: {p.message}" for p in problems if p.refused)
        self.writer.writerow([*cells, line, reasons])

    def store(self, job):
        self.text.flush()
        self.file.seek(0)
        name = storage().save(f"{job.pk.hex}-refused.csv", File(self.file))
        self.close()
        return name

    def close(self):
        self.file.close()


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = importer.CONTROL_CHARACTERS.sub("\N{REPLACEMENT CHARACTER}", str(value))
    # A cell that Excel would run as a formula is shown as text.
    return f"'{text}" if text.startswith(FORMULA_START) else text


def import_jobs_clean_up(*, now=None) -> dict:
    """Give up jobs whose worker died, and remove the files no job needs any more, and
    the rows' details from old results.

    Run by `manage.py import_cleanup` (a timer) and after each upload."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(minutes=settings.IMPORT_JOB_STALE_MINUTES)
    kept = now - datetime.timedelta(hours=settings.IMPORT_KEEP_HOURS)
    Status = ImportJob.Status
    counts = {"abandoned": 0, "files": 0}
    abandoned = ImportJob.objects.filter(
        Q(status=Status.RUNNING, heartbeat_at__lt=stale)
        | Q(status=Status.RUNNING, heartbeat_at__isnull=True, started_at__lt=stale)
        | Q(status=Status.QUEUED, created_at__lt=kept)
    )
    for job in abandoned:
        if job.status == Status.RUNNING:
            error = gettext(
                "The import stopped before its end (its worker stopped); nothing was saved. "
                "Upload the file again."
            )
        else:
            error = gettext("No worker took this import up; upload the file again later.")
        _finish(job, Status.FAILED, error=error)
        counts["abandoned"] += 1
    store = storage()
    old = ImportJob.objects.filter(finished_at__lt=kept)
    for job in old.exclude(file_name="", refused_file=""):
        for name in filter(None, [job.file_name, job.refused_file]):
            store.delete(name)
            counts["files"] += 1
        job.file_name = job.refused_file = ""
        job.save(update_fields=["file_name", "refused_file"])
    # The problems listed hold the rows' values (NIKs, names): the counts stay.
    for job in old.filter(result__isnull=False, result__problems_removed__isnull=True):
        job.result = {**job.result, "problems": [], "problems_removed": True}
        job.save(update_fields=["result"])
    # Files no job names (a job deleted in the admin, an upload whose request failed).
    referenced = set(
        ImportJob.objects.exclude(file_name="").values_list("file_name", flat=True)
    ) | set(ImportJob.objects.exclude(refused_file="").values_list("refused_file", flat=True))
    try:
        _, names = store.listdir("")
    except FileNotFoundError:
        names = []
    for name in names:
        if name not in referenced and store.get_modified_time(name) < kept:
            store.delete(name)
            counts["files"] += 1
    return counts


@task()
def clean_up_imports() -> dict:
    return import_jobs_clean_up()
