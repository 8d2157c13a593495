from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext, ngettext

from campaigns.models import Campaign
from residents.importer import ImportRefused, residents_import


class Command(BaseCommand):
    help = (
        "Import the backlog list (CSV in UTF-8 with comma or semicolon, or .xlsx) into a "
        "campaign. --dry-run lists every bad row and saves nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--campaign", required=True, help="The campaign's slug.")
        parser.add_argument("--dry-run", action="store_true", help="Check only; save nothing.")
        parser.add_argument("--user", help="Username recorded as the importer.")

    def handle(self, *args, file, campaign, dry_run, user=None, **options):
        try:
            campaign = Campaign.objects.select_related("kabupaten").get(slug=campaign)
        except Campaign.DoesNotExist:
            raise CommandError(
                gettext("There is no campaign with the slug %(slug)s.") % {"slug": repr(campaign)}
            ) from None
        if not file.is_file():
            raise CommandError(gettext("The file %(file)s does not exist.") % {"file": file})
        by = get_user_model().objects.filter(username=user).first() if user else None
        try:
            result = residents_import(
                campaign=campaign, path=file, filename=file.name, by=by, dry_run=dry_run
            )
        except ImportRefused as refused:
            raise CommandError(refused.message) from None
        self.stdout.write(gettext("Columns read as:"))
        for column in result.columns:
            self.stdout.write(f"  {column.column}: {column.read_as or gettext('not read')}")
        for p in result.problems:
            if p.refused:
                line = gettext("line %(line)s, %(column)s %(value)s: REFUSED: %(message)s")
            else:
                line = gettext("line %(line)s, %(column)s %(value)s: FLAGGED: %(message)s")
            self.stdout.write(
                line
                % {"line": p.line, "column": p.column, "value": repr(p.value), "message": p.message}
            )
        shown = len(result.problems)
        if shown < result.refused + result.flagged:
            self.stdout.write(
                ngettext(
                    "(only the first %(count)s problem is shown)",
                    "(only the first %(count)s problems are shown)",
                    shown,
                )
                % {"count": shown}
            )
        if dry_run:
            summary = ngettext(
                "%(rows)s row: %(accepted)s would be imported (dry run, nothing saved), "
                "%(refused)s refused, %(flagged)s flagged for checking.",
                "%(rows)s rows: %(accepted)s would be imported (dry run, nothing saved), "
                "%(refused)s refused, %(flagged)s flagged for checking.",
                result.rows,
            )
        else:
            summary = ngettext(
                "%(rows)s row: %(accepted)s imported, %(refused)s refused, "
                "%(flagged)s flagged for checking.",
                "%(rows)s rows: %(accepted)s imported, %(refused)s refused, "
                "%(flagged)s flagged for checking.",
                result.rows,
            )
        counts = {
            "rows": result.rows,
            "accepted": result.accepted,
            "refused": result.refused,
            "flagged": result.flagged,
        }
        self.stdout.write(self.style.SUCCESS(summary % counts))
        for name, count in sorted(result.per_kecamatan.items()):
            self.stdout.write(f"  {name}: {count}")
