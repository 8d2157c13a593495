from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from reports.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "E-mail each operator the reports of their visits still not sent, and each koordinator "
        "the day's summary of every running campaign. Run daily (cron); Django's mail settings "
        "(EMAIL_URL) say how: the console in development."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url", help="The address the links point to (default: SITE_URL)."
        )

    def handle(self, *args, site_url=None, **options):
        sent = send_reminders(site_url=site_url)
        self.stdout.write(gettext("E-mails sent: %(count)s.") % {"count": sent})
