"""Close the campaigns past their last day: run daily (README.md, "Closing campaigns")."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from campaigns import services


class Command(BaseCommand):
    help = (
        "Set to closed every campaign past its extension date (its target date without one). "
        "They are closed for reporting from that day on already; run daily."
    )

    def handle(self, *args, **options):
        closed = services.campaigns_close_past(today=timezone.localdate())
        for campaign in closed:
            self.stdout.write(f"{campaign.slug}: closed (last day {campaign.last_day:%d/%m/%Y})")
        self.stdout.write(self.style.SUCCESS(f"{len(closed)} campaign(s) closed."))
