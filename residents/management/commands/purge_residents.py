from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

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
            raise CommandError(
                gettext("There is no campaign with the slug %(slug)s.") % {"slug": repr(campaign)}
            ) from None
        by = None
        if user:
            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(gettext("There is no user %(user)s.") % {"user": repr(user)})
        planned = self._purge(campaign, by, dry_run=True)
        self.stdout.write(
            gettext("Dry run, nothing changed yet. Would be removed: %(counts)s.")
            % {"counts": _counts(planned)}
        )
        if dry_run:
            return
        if interactive:
            # The word to type is the active language's ("ya"); the English "yes" works too.
            yes = gettext("yes")
            answer = input(
                gettext("Remove the resident data of %(campaign)s? Type '%(yes)s' to go on: ")
                % {"campaign": campaign.name, "yes": yes}
            )
            if answer.strip().lower() not in {yes.lower(), "yes"}:
                self.stdout.write(gettext("Cancelled; nothing was changed."))
                return
        done = self._purge(campaign, by, dry_run=False)
        self.stdout.write(
            self.style.SUCCESS(
                gettext("Removed: %(counts)s. Every count stays.") % {"counts": _counts(done)}
            )
        )

    def _purge(self, campaign, by, *, dry_run):
        try:
            return residents_purge(campaign=campaign, by=by, dry_run=dry_run)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None


def _counts(result):
    return gettext(
        "%(residents)s residents, %(history)s records of their history, "
        "%(notes)s ledger entries that give their name or NIK"
    ) % {"residents": result.residents, "history": result.history, "notes": result.notes}
