import csv
import io
import os
import stat
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import OperatorScope
from residents.models import BacklogEntry, ExportLog, ImportJob, Resident
from tests.factories import KecamatanFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("kefamenanu_utara")]
CSV = (
    "\ufeffNIK;Nama Lengkap;JK;Tgl Lahir;Desa\n"
    "5303051203900001;Yohanes Taek;L;12/03/1990;Kefamenanu Utara\n"
    "5,30305E+15;Rusak;L;12/03/1990;Kefamenanu Utara\n"
)


def url(campaign):
    return reverse("import_residents", args=[campaign.slug])


def job_url(job, name="import_job"):
    return reverse(name, args=[job.campaign.slug, job.pk])


def upload(client, campaign, content=CSV, name="backlog.csv"):
    file = SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)
    return client.post(url(campaign), {"file": file})


def stored_files():
    try:
        return storages["imports"].listdir("")[1]
    except FileNotFoundError:
        return []


def test_check_then_save(client, operator_user, campaign, django_capture_on_commit_callbacks):
    client.force_login(operator_user)

    with django_capture_on_commit_callbacks(execute=True):
        checked = upload(client, campaign)

    job = ImportJob.objects.get()
    assert checked.status_code == 302 and checked.url == job_url(job)
    assert (job.status, job.dry_run, job.rows_read, job.accepted, job.refused) == (
        "done",
        True,
        2,
        1,
        1,
    )
    page = client.get(job_url(job))
    assert "5,30305E+15" in page.text and "Text" in page.text
    assert 'http-equiv="refresh"' not in page.text  # finished: no more reloading
    assert not Resident.objects.exists()
    assert job.file_name in stored_files()  # kept for the save

    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(job_url(job))

    save = ImportJob.objects.get(dry_run=False)
    assert saved.status_code == 302 and saved.url == job_url(save)
    assert (save.status, save.accepted, save.refused) == ("done", 1, 1)
    assert Resident.objects.get().nik == "5303051203900001"
    assert BacklogEntry.objects.get().change == 1
    assert [name for name in stored_files() if not name.endswith("-refused.csv")] == []
    assert "1 diimpor" in client.get(job_url(save)).text


def test_a_running_job_shows_its_progress_and_reloads(client, operator_user, campaign):
    job = ImportJob.objects.create(
        campaign=campaign, user=operator_user, filename="big.csv", dry_run=True,
        status="running", rows_expected=1000, rows_read=250, accepted=240, refused=10,
    )  # fmt: skip
    client.force_login(operator_user)
    page = client.get(job_url(job)).text
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress max="100" value="25">' in page
    assert "250" in page and "240" in page


def test_the_refused_rows_download_in_the_files_layout(
    client, operator_user, campaign, django_capture_on_commit_callbacks
):
    client.force_login(operator_user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, campaign)
    job = ImportJob.objects.get()

    response = client.get(job_url(job, "import_refused_csv"))

    assert response.status_code == 200
    assert 'filename="backlog-' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:5] == ["NIK", "Nama Lengkap", "JK", "Tgl Lahir", "Desa"]
    assert rows[1][:5] == ["5,30305E+15", "Rusak", "L", "12/03/1990", "Kefamenanu Utara"]
    assert rows[1][5] == "3" and "Text" in rows[1][6]
    assert len(rows) == 2
    assert ExportLog.objects.get().rows == 1  # full NIKs: logged
    from campaigns.models import AuditEntry

    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, user=operator_user).exists()


def test_the_stored_upload_is_readable_by_the_app_only(
    client, operator_user, campaign, django_capture_on_commit_callbacks
):
    client.force_login(operator_user)
    upload(client, campaign)  # not committed: the job has not run
    job = ImportJob.objects.get()
    mode = os.stat(storages["imports"].path(job.file_name)).st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_a_zip_bomb_is_refused_at_the_upload_by_name(client, operator_user, campaign, settings):
    settings.RESIDENT_IMPORT_MAX_ROWS = 1000
    sheet = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><dimension ref="A1:E1200000"/><sheetData/></worksheet>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    client.force_login(operator_user)

    response = upload(client, campaign, content=buffer.getvalue(), name="bom.xlsx")

    assert response.status_code == 200
    assert "bom.xlsx" in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.exists() and stored_files() == []


def test_a_file_unpacking_to_too_many_bytes_is_refused(client, operator_user, campaign, settings):
    settings.RESIDENT_IMPORT_MAX_UNPACKED_MB = 1
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (2 * 2**20))
    client.force_login(operator_user)
    response = upload(client, campaign, content=buffer.getvalue(), name="bom.xlsx")
    assert "bom.xlsx" in response.context["form"].errors["file"][0]
    assert len(buffer.getvalue()) < 10_000


def test_a_refused_file_says_so_on_its_job(
    client, operator_user, campaign, django_capture_on_commit_callbacks
):
    client.force_login(operator_user)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, campaign, content=b"%PDF-1.4", name="daftar.pdf")
    job = ImportJob.objects.get()
    assert job.status == "refused" and "daftar.pdf" in job.error
    assert "daftar.pdf" in client.get(job_url(job)).text
    assert stored_files() == [] and not Resident.objects.exists()


def test_jobs_are_their_users_own_and_every_one_is_an_admins(
    client, operator_user, admin_member, campaign, django_capture_on_commit_callbacks
):
    other = UserFactory(username="other")
    other.groups.add(Group.objects.get(name="Operator"))
    client.force_login(other)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, campaign)
    job = ImportJob.objects.get()

    client.force_login(operator_user)
    assert client.get(job_url(job)).status_code == 404
    assert client.post(job_url(job)).status_code == 404  # nor saves it
    assert client.get(job_url(job, "import_refused_csv")).status_code == 404
    assert job.filename not in client.get(url(campaign)).text
    client.force_login(admin_member)
    assert client.get(job_url(job)).status_code == 200
    assert job.filename in client.get(url(campaign)).text
    assert not Resident.objects.exists()


def test_koordinators_and_scoped_operators_cannot_import(client, koordinator_user, campaign):
    client.force_login(koordinator_user)
    assert client.get(url(campaign)).status_code == 403
    scoped = UserFactory(username="scoped")
    scoped.groups.add(Group.objects.get(name="Operator"))
    OperatorScope.objects.create(user=scoped).kecamatan.add(KecamatanFactory())
    client.force_login(scoped)
    assert upload(client, campaign).status_code == 403
    assert not Resident.objects.exists()
