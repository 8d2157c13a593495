from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

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
            raise CommandError(f"Tidak ada kegiatan dengan slug {campaign!r}.") from None
        if not file.is_file():
            raise CommandError(f"Berkas {file} tidak ada.")
        by = get_user_model().objects.filter(username=user).first() if user else None
        try:
            result = residents_import(
                campaign=campaign, path=file, filename=file.name, by=by, dry_run=dry_run
            )
        except ImportRefused as refused:
            raise CommandError(refused.message) from None
        self.stdout.write("Kolom dibaca sebagai:")
        for column in result.columns:
            self.stdout.write(f"  {column.column}: {column.read_as or 'tidak dibaca'}")
        for p in result.problems:
            kind = "DITOLAK" if p.refused else "DITANDAI"
            self.stdout.write(f"baris {p.line}, {p.column} {p.value!r}: {kind}: {p.message}")
        if len(result.problems) < result.refused + result.flagged:
            self.stdout.write(f"(hanya {len(result.problems)} masalah pertama yang ditampilkan)")
        verb = "akan diimpor (uji coba, tidak disimpan)" if dry_run else "diimpor"
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.rows} baris: {result.accepted} {verb}, {result.refused} ditolak, "
                f"{result.flagged} ditandai untuk diperiksa."
            )
        )
        for name, count in sorted(result.per_kecamatan.items()):
            self.stdout.write(f"  {name}: {count}")
