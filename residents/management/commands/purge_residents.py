from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from residents.services import residents_purge


class Command(BaseCommand):
    help = (
        "Remove the names, NIKs and birth dates of a closed campaign's residents once "
        "RESIDENT_RETENTION_DAYS have passed (UU 27/2022); every count stays. Shows what "
        "would go first (--dry-run stops there) and asks before removing (unless --no-input)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="The campaign's slug.")
        parser.add_argument("--dry-run", action="store_true", help="Count only; change nothing.")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="Do not ask to confirm."
        )
        parser.add_argument("--user", help="Username recorded in the audit log.")

    def handle(self, *args, campaign, dry_run, interactive, user=None, **options):
        try:
            campaign = Campaign.objects.get(slug=campaign)
        except Campaign.DoesNotExist:
            raise CommandError(f"Tidak ada kegiatan dengan slug {campaign!r}.") from None
        by = None
        if user:
            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"Tidak ada pengguna {user!r}.")
        planned = self._purge(campaign, by, dry_run=True)
        self.stdout.write(f"Uji coba, belum ada yang diubah. Akan dihapus: {_counts(planned)}.")
        if dry_run:
            return
        if interactive:
            answer = input(f"Hapus data penduduk {campaign.name}? Ketik 'ya' untuk lanjut: ")
            if answer.strip().lower() != "ya":
                self.stdout.write("Dibatalkan; tidak ada yang diubah.")
                return
        done = self._purge(campaign, by, dry_run=False)
        self.stdout.write(self.style.SUCCESS(f"Dihapus: {_counts(done)}. Semua angka tetap."))

    def _purge(self, campaign, by, *, dry_run):
        try:
            return residents_purge(campaign=campaign, by=by, dry_run=dry_run)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None


def _counts(result):
    return (
        f"{result.residents} penduduk, {result.history} catatan riwayatnya, "
        f"{result.notes} catatan buku besar yang menyebut nama atau NIK mereka"
    )
