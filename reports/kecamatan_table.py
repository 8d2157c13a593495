"""The per-kecamatan table's rows: each kecamatan's numbers, its state and where to go next.

From `reports.progress.campaign_progress`, so the numbers are the dashboard's.
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from reports.progress import (
    Progress,
)


class KecamatanState(models.TextChoices):
    """Each kecamatan is in exactly one of these on the reference day."""

    GAP = "gap", _("Coverage gap")  # backlog left, no visit from as_of to the target date
    SCHEDULED = "scheduled", _("Scheduled")  # backlog left, a visit from as_of to the target date
    DONE = "done", _("Done")  # nothing left


# The order of the states in the table: where the next visits should go first.
STATE_RANK = {KecamatanState.GAP: 0, KecamatanState.SCHEDULED: 1, KecamatanState.DONE: 2}


@dataclass
class KecamatanRow:
    """One row of the kecamatan table and its exports: the selector's numbers, and a state."""

    code: str
    name: str
    target: int
    recorded: int
    remaining: int
    percent_recorded: float | None
    last_visit: datetime.date | None
    next_visit: datetime.date | None
    state: str

    @property
    def state_rank(self):
        return STATE_RANK[self.state]

    @property
    def state_label(self):
        return KecamatanState(self.state).label


def kecamatan_rows(progress: Progress) -> list[KecamatanRow]:
    """The progress's kecamatan, most in need of a visit first (see `_visit_priority`)."""
    rows = []
    for k in progress.kecamatan:
        if k.remaining == 0:
            state = KecamatanState.DONE
        elif k.coverage_gap:
            state = KecamatanState.GAP
        else:
            state = KecamatanState.SCHEDULED
        rows.append(
            KecamatanRow(
                code=k.code,
                name=k.name,
                target=k.target,
                recorded=k.recorded,
                remaining=k.remaining,
                percent_recorded=k.percent_recorded,
                last_visit=k.last_visit,
                next_visit=k.next_visit,
                state=state.value,
            )
        )
    return sorted(rows, key=_visit_priority)


def _visit_priority(row: KecamatanRow):
    """The table's default order: "that is where the next visits should go".

    1. Coverage gaps first: with nothing scheduled before the target date they will miss it
       unless a visit is added.
    2. Then kecamatan with a visit scheduled.
    3. Done last.
    Within each: no next visit after as_of first (a kecamatan visited on as_of and not again
    is scheduled, but waits longest), then the next visit furthest away, then the most
    remaining, then the name, so the order is stable. In the demo no gap has a next visit,
    so the gaps come largest backlog first.
    """
    next_visit = row.next_visit
    return (
        row.state_rank,
        next_visit is not None,
        -next_visit.toordinal() if next_visit else 0,
        -row.remaining,
        row.name,
    )
