"""The week's schedule: each set's visits for the coming days and the kecamatan left uncovered."""

import datetime
from dataclasses import dataclass

from campaigns.models import Visit
from devices.models import DeviceState
from reports.device_days import StateHistory, campaign_devices, days_between, state_label
from reports.progress import Progress, add_days

SCHEDULE_DAYS = 7


@dataclass
class ScheduleCell:
    day: datetime.date
    visit: Visit | None
    note: str  # why there is no visit, when the set cannot go out: under repair, retired


@dataclass
class ScheduleRow:
    device: str
    mode: str
    cells: list[ScheduleCell]


@dataclass
class ScheduleDay:
    day: datetime.date
    visits: list[Visit]
    free: list[str]  # working sets with no visit that day


@dataclass
class Schedule:
    first_day: datetime.date
    last_day: datetime.date
    days: list[datetime.date]
    rows: list[ScheduleRow]
    by_day: list[ScheduleDay]
    gaps: list  # the progress's KecamatanProgress with coverage_gap, most remaining first


def campaign_schedule(*, progress: Progress, days: int = SCHEDULE_DAYS) -> Schedule:
    """The `days` days after as_of (as_of + 1 to as_of + days), by set and by day.

    After as_of, as the progress's next_visit counts: the visits of as_of itself are the day's
    work, listed on the plan page. Three queries besides the progress.
    """
    campaign = progress.campaign
    first, last = add_days(progress.as_of, 1), add_days(progress.as_of, days)
    window = days_between(first, last)
    visits = list(
        Visit.objects.filter(campaign=campaign, date__range=(first, last))
        .with_place()
        .order_by("date", "device__code")
    )
    devices = {d.pk: d for d in campaign_devices(campaign, first)}
    history = StateHistory(devices.values(), last)
    by_device_day = {(v.device_id, v.date): v for v in visits}

    rows = []
    for device in devices.values():
        cells = []
        for day in window:
            visit = by_device_day.get((device.pk, day))
            note = ""
            if visit is None and not history.working(device.pk, day):
                state = history.on(device.pk, day)
                note = state_label(DeviceState.Condition, state[1] if state else None)
            cells.append(ScheduleCell(day=day, visit=visit, note=note))
        if any(c.visit or not c.note for c in cells):  # hide sets out of service all week
            rows.append(
                ScheduleRow(
                    device=device.code,
                    mode=state_label(DeviceState.Mode, device.mode_on),
                    cells=cells,
                )
            )
    shown = {row.device for row in rows}
    by_day = [
        ScheduleDay(
            day=day,
            visits=[v for v in visits if v.date == day],
            free=[
                d.code
                for d in devices.values()
                if d.code in shown
                and (d.pk, day) not in by_device_day
                and history.working(d.pk, day)
            ],
        )
        for day in window
    ]
    gaps = sorted(
        (k for k in progress.kecamatan if k.coverage_gap), key=lambda k: (-k.remaining, k.name)
    )
    return Schedule(
        first_day=first, last_day=last, days=window, rows=rows, by_day=by_day, gaps=gaps
    )
