"""What reports does when residents tell it something (residents.signals)."""

from django.dispatch import receiver

from reports.models import DailyReport
from residents.services import scrub_notes
from residents.signals import residents_purging


@receiver(residents_purging)
def scrub_report_notes(*, campaign, names, dry_run, **kwargs) -> int:
    """A purged campaign's report notes and change reasons may name its residents."""
    return scrub_notes(
        [
            (DailyReport.objects.filter(visit__campaign=campaign), ["notes"]),
            (
                DailyReport.history.filter(visit__campaign=campaign),
                ["notes", "history_change_reason"],
            ),
        ],
        names,
        dry_run=dry_run,
    )
