from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from campaigns.audit import audit_purge, audit_retention_cutoff
from residents.models import ExportLog, NikLookup


class Command(BaseCommand):
    help = (
        "Remove entries of the audit log, the log of exports and the log of whole-NIK "
        "searches older than AUDIT_RETENTION_DAYS. Run it daily (cron or a systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would go; remove nothing."
        )

    def handle(self, *args, dry_run, **options):
        before = audit_retention_cutoff()
        exports = ExportLog.objects.filter(created_at__lt=before)
        lookups = NikLookup.objects.filter(at__lt=before)
        counts = {"exports": exports.count(), "lookups": lookups.count()}
        if not dry_run:
            exports.delete()
            lookups.delete()
        counts["audit"] = audit_purge(before=before, dry_run=dry_run)
        if dry_run:
            message = gettext(
                "Before %(before)s: %(audit)s audit log entries, %(exports)s exports, "
                "%(lookups)s whole-NIK searches would be removed (dry run)."
            )
        else:
            message = gettext(
                "Before %(before)s: %(audit)s audit log entries, %(exports)s exports, "
                "%(lookups)s whole-NIK searches removed."
            )
        self.stdout.write(message % {**counts, "before": f"{before:%Y-%m-%d %H:%M}"})
