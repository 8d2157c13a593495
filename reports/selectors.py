"""Reading reports: the change history as an operator reads it."""

from dataclasses import dataclass

from reports.models import DailyReport


@dataclass
class Change:
    when: object
    who: object
    reason: str
    fields: list  # (label, old, new)
    created: bool


def report_changes(report: DailyReport) -> list[Change]:
    """Every save of the report, newest first, with what changed from the one before."""
    records = list(report.history.select_related("history_user").order_by("history_date"))
    changes, previous = [], None
    for record in records:
        if previous is None:
            fields = [(f.verbose_name, None, getattr(record, f.name)) for f in _tracked()]
        else:
            delta = record.diff_against(previous, included_fields=[f.name for f in _tracked()])
            fields = [
                (DailyReport._meta.get_field(c.field).verbose_name, c.old, c.new)
                for c in delta.changes
            ]
        changes.append(
            Change(
                when=record.history_date,
                who=record.history_user,
                reason=record.history_change_reason or "",
                fields=fields,
                created=previous is None,
            )
        )
        previous = record
    return changes[::-1]


def _tracked():
    return [
        DailyReport._meta.get_field(name)
        for name in ("recorded_count", "first_time_voters", "failed_count", "notes")
    ]
