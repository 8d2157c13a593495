from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from residents.import_jobs import import_jobs_clean_up


class Command(BaseCommand):
    help = (
        "Mark import jobs whose worker stopped half way as failed, and remove uploaded lists "
        "and refused-row files that no job needs any more. Run it every few minutes (a timer)."
    )

    def handle(self, *args, **options):
        counts = import_jobs_clean_up()
        self.stdout.write(
            gettext("%(abandoned)s import job(s) given up, %(files)s file(s) removed.") % counts
        )
