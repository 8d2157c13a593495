"""Reading reports: campaigns with their totals, the change history as an operator reads it."""

from dataclasses import dataclass

from django.db.models import F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from reports.models import DailyReport
from residents.models import BacklogEntry
from residents.privacy import niks_masked_for


def campaigns_with_totals(campaigns, as_of):
    """Annotate each campaign's target and recorded on a date, in the same query.

    The same definitions as reports.progress (the `up_to` QuerySet methods of the
    ledger and the reports), for lists of many campaigns at once.
    """

    def total(queryset, column):
        summed = queryset.values("campaign").annotate(total=Sum(column)).values("total")
        return Coalesce(Subquery(summed), 0)

    targets = BacklogEntry.objects.filter(campaign=OuterRef("pk")).up_to(as_of)
    recorded = (
        DailyReport.objects.filter(visit__campaign=OuterRef("pk"))
        .up_to(as_of)
        .annotate(campaign=F("visit__campaign"))
    )
    return campaigns.annotate(
        target=total(targets.order_by(), "change"),
        recorded=total(recorded.order_by(), "recorded_count"),
    )


@dataclass
class Change:
    when: object
    who: object
    reason: str
    fields: list  # (label, old, new)
    created: bool


def report_changes(report: DailyReport, user, *, limit: int = 10) -> dict:
    """The last `limit` saves of the report, newest first, each with what changed from the
    one before, and `more` when there are older ones (the admin's history has them all).

    One query, whatever the number of corrections: a report corrected all day long does not
    make its page slower. Notes and reasons are free text: a NIK typed in them is masked for
    those who see NIKs masked.
    """
    records = list(
        report.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    changes = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        if previous is None:
            fields = [(f.name, None, getattr(record, f.name)) for f in _tracked()]
        else:
            delta = record.diff_against(previous, included_fields=[f.name for f in _tracked()])
            fields = [(c.field, c.old, c.new) for c in delta.changes]
        changes.append(
            Change(
                when=record.history_date,
                who=record.history_user,
                reason=niks_masked_for(record.history_change_reason, user),
                fields=[_shown(name, old, new, user) for name, old, new in fields],
                created=previous is None,
            )
        )
    return {"changes": changes, "more": len(records) > limit}


def _shown(name, old, new, user):
    label = DailyReport._meta.get_field(name).verbose_name
    if name == "notes":
        old = niks_masked_for(old, user) if old is not None else None
        new = niks_masked_for(new, user)
    return label, old, new


def _tracked():
    return [
        DailyReport._meta.get_field(name)
        for name in ("recorded_count", "first_time_voters", "failed_count", "notes")
    ]
