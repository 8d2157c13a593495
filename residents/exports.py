"""Personal data leaving the app on paper or as a file: a visit's invitation list (printed, or
as a CSV for Excel) and the refused rows of an import. Each one is in the audit log; a file
with full NIKs is in the export log (ExportLog) too."""

from pathlib import Path

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns.audit import audit_record
from campaigns.models import AuditEntry, Visit
from regions.spreadsheets import excel_csv
from residents.models import ExportLog, ImportJob, Resident
from residents.nik import age_on


def invitations_print_record(*, visit: Visit, rows: int, request) -> None:
    """A printed invitation list in the audit log: names (and NIKs, to those who see them)
    on paper are an export as much as the CSV."""
    _audit_export(request, visit, _("Printed invitation list for the visit %(visit)s"), rows)


@transaction.atomic
def invitations_csv_export(*, visit: Visit, residents: list[Resident], out, request) -> None:
    """Write the invitation list to ``out`` for a spreadsheet, with full NIKs, and log it.

    As Excel opens it in the user's language (regions.spreadsheets): UTF-8 with a BOM, and
    semicolons in Indonesian.
    """
    what = _audit_export(
        request, visit, _("Invitation list (CSV) for the visit %(visit)s"), len(residents)
    )
    ExportLog.objects.create(
        user=request.user, campaign=visit.campaign, what=what[:200], rows=len(residents)
    )
    writer = excel_csv().writer(out)
    writer.writerow(
        [_("No."), _("Village"), _("Name"), _("Sex"), _("Birth date"), _("Age"), _("NIK")]
    )
    for number, resident in enumerate(residents, 1):
        writer.writerow(
            [
                number,
                _text_cell(resident.desa.name),
                _text_cell(resident.name),
                resident.sex,
                resident.birth_date.isoformat(),  # Excel reads ISO dates in any locale
                age_on(resident.birth_date, visit.date),
                excel_text(resident.nik),
            ]
        )


def invitations_csv_filename(visit: Visit) -> str:
    place = slugify(visit.desa.name if visit.desa_id else visit.kecamatan.name)
    return f"undangan-{visit.date.isoformat()}-{place or visit.pk}.csv"


def _audit_export(request, visit, template, rows):
    """Log an export or print of an invitation list in the audit log; returns what it was."""
    what = template % {"visit": visit}
    audit_record(
        action=AuditEntry.Action.EXPORT,
        description=ngettext("%(what)s: %(count)s resident", "%(what)s: %(count)s residents", rows)
        % {"what": what, "count": rows},
        campaign=visit.campaign,
        request=request,
    )
    return what


def _text_cell(value):
    """A cell Excel shows as typed: text starting with = + - @ would be read as a formula."""
    value = str(value)
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def excel_text(digits):
    """A number Excel must keep as text: ="5303051201900001". Excel reads the cell as a
    formula giving that text, so all 16 digits stay and no apostrophe shows."""
    return f'="{digits}"'


@transaction.atomic
def refused_rows_export_record(*, job: ImportJob, request) -> None:
    """A download of an import's refused rows, which hold full NIKs, in the export log and
    the audit log."""
    what = (_("Refused rows of %(file)s") % {"file": job.filename})[:200]
    ExportLog.objects.create(user=request.user, campaign=job.campaign, what=what, rows=job.refused)
    audit_record(
        action=AuditEntry.Action.EXPORT, description=what, campaign=job.campaign, request=request
    )


def refused_rows_filename(job: ImportJob) -> str:
    """The uploaded file's name with "-refused" (translated) added: daftar-ditolak.csv."""
    return f"{Path(job.filename).stem}-{_('refused')}.csv"
