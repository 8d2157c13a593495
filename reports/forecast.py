"""The forecast with more sets: what the projected end would be if the pace rose by one or
more sets' daily rate.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from reports.progress import (
    Progress,
    Status,
    pace,
    projected_completion,
    status_for,
)

STATUS_LABELS = {
    Status.DONE: _("Done"),
    Status.ON_TRACK: _("On track"),
    Status.NEEDS_EXTENSION: _("Needs the extension"),
    Status.OFF_TRACK: _("Off track"),
}


@dataclass
class Forecast:
    extra_sets: int
    daily_rate: float | None  # the current pace plus extra_sets × one set's daily rate
    projected_completion_date: datetime.date | None
    status: str

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


def forecast_with_extra_sets(progress: Progress, extra_sets: int = 1) -> Forecast:
    """What the forecast would be if the daily pace rose by `extra_sets` sets' daily rate.

    Pure: it reads only the progress, and uses reports.progress's own `pace`,
    `projected_completion` and `status_for`, so with extra_sets=0 it gives back the
    progress's own projection.
    """
    average, per_set = pace(progress.daily_totals)
    daily = average + extra_sets * per_set if per_set else None
    projected = projected_completion(progress.as_of, progress.remaining, daily)
    return Forecast(
        extra_sets=extra_sets,
        daily_rate=None if daily is None else round(daily, 2),
        projected_completion_date=projected,
        status=status_for(progress.campaign, progress.remaining, projected),
    )
