"""Where the next visits should go: the kecamatan table's rows, plan against actual, the week's
schedule and the forecast with one more set.

Everything starts from `reports.progress.campaign_progress`, so the numbers are the dashboard's
and progress.json's; what is added here comes from a fixed number of grouped queries.
"""

import bisect
import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Visit
from devices.models import Device, DeviceState
from reports.models import DailyReport
from reports.progress import (
    Progress,
    Status,
    add_days,
    pace,
    projected_completion,
    status_for,
)

SCHEDULE_DAYS = 7

STATUS_LABELS = {
    Status.DONE: _("Done"),
    Status.ON_TRACK: _("On track"),
    Status.NEEDS_EXTENSION: _("Needs the extension"),
    Status.OFF_TRACK: _("Off track"),
}


# The kecamatan table -------------------------------------------------------------------------


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


# The forecast with more sets -----------------------------------------------------------------


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


# Sets and their working days ----------------------------------------------------------------


def _campaign_devices(campaign: Campaign, on: datetime.date):
    """The sets of a campaign: those based in its kabupaten and any that visited for it.

    One query, with each set's mode and condition on `on`.
    """
    visiting = Visit.objects.filter(campaign=campaign).values("device")
    return list(
        Device.objects.filter(Q(home_kecamatan__kabupaten=campaign.kabupaten) | Q(pk__in=visiting))
        .with_state(on)
        .order_by("code")
    )


class _StateHistory:
    """Each set's dated mode and condition (DeviceState), read with one query."""

    def __init__(self, devices, until: datetime.date):
        self.history = {}
        rows = (
            DeviceState.objects.filter(device__in=[d.pk for d in devices], valid_from__lte=until)
            .order_by("device_id", "valid_from", "pk")
            .values_list("device_id", "valid_from", "mode", "condition")
        )
        for device_id, valid_from, mode, condition in rows:
            days, states = self.history.setdefault(device_id, ([], []))
            if days and days[-1] == valid_from:  # two records on one day: the later one wins
                states[-1] = (mode, condition)
            else:
                days.append(valid_from)
                states.append((mode, condition))

    def on(self, device_id, day):
        """(mode, condition) of a set on a day, or None before its first record."""
        days, states = self.history.get(device_id, ([], []))
        i = bisect.bisect_right(days, day)
        return states[i - 1] if i else None

    def working(self, device_id, day):
        state = self.on(device_id, day)
        return state is not None and state[1] == DeviceState.Condition.WORKING


def _days(first, last):
    return [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]


def _label(choices, value):
    return choices(value).label if value else _("Not in service")


# Plan against actual ------------------------------------------------------------------------


@dataclass
class PlannedVisit:
    date: datetime.date
    device: str
    kecamatan: str
    desa: str | None
    site_name: str
    planned: int
    recorded: int | None  # None: not reported


@dataclass
class DeviceUse:
    code: str
    mode: str  # on as_of, as a label
    condition: str
    visits: int  # days with a visit, from the start to as_of
    days_used: int  # visits with a report
    recorded: int
    average_per_day: float | None  # recorded ÷ days used
    working_days: int  # days from the start to `Plan.until` it was working, per its states
    idle_days: int  # working days without a visit


@dataclass
class Plan:
    progress: Progress
    until: datetime.date  # the last day counted for the sets: as_of, or the campaign's last day
    visits: list[PlannedVisit]
    devices: list[DeviceUse]
    planned_total: int
    recorded_total: int
    unreported: int
    current: Forecast
    one_more_set: Forecast


def campaign_plan(*, progress: Progress) -> Plan:
    """Plan against actual up to the progress's as_of: per visit, per set, and one more set.

    Four queries besides the progress, whatever the campaign's size.
    """
    campaign, as_of = progress.campaign, progress.as_of
    visits = list(
        Visit.objects.filter(campaign=campaign, date__lte=as_of)
        .with_place()
        .select_related("report")
        .order_by("-date", "device__code")
    )
    reports = {
        row["visit__device"]: row
        for row in DailyReport.objects.filter(visit__campaign=campaign)
        .up_to(as_of)
        .values("visit__device")
        .annotate(days=Count("pk"), recorded=Sum("recorded_count"))
        .order_by()
    }
    devices = _campaign_devices(campaign, as_of)
    history = _StateHistory(devices, as_of)

    visit_days = {}
    for visit in visits:
        visit_days.setdefault(visit.device_id, set()).add(visit.date)
    # The campaign's days so far: from its start to as_of, or to its last day once past it.
    until = min(as_of, campaign.last_day)
    campaign_days = _days(campaign.start_date, until)

    uses = []
    for device in devices:
        days = visit_days.get(device.pk, set())
        report = reports.get(device.pk, {"days": 0, "recorded": 0})
        working = [day for day in campaign_days if history.working(device.pk, day)]
        if not days and not working:
            continue  # based here but not in service during the campaign
        uses.append(
            DeviceUse(
                code=device.code,
                mode=_label(DeviceState.Mode, device.mode_on),
                condition=_label(DeviceState.Condition, device.condition_on),
                visits=len(days),
                days_used=report["days"],
                recorded=report["recorded"],
                average_per_day=round(report["recorded"] / report["days"], 2)
                if report["days"]
                else None,
                working_days=len(working),
                idle_days=sum(1 for day in working if day not in days),
            )
        )
    rows = [
        PlannedVisit(
            date=v.date,
            device=v.device.code,
            kecamatan=v.kecamatan.name,
            desa=v.desa.name if v.desa_id else None,
            site_name=v.site_name,
            planned=v.planned_count,
            recorded=_report_of(v),
        )
        for v in visits
    ]
    return Plan(
        progress=progress,
        until=until,
        visits=rows,
        devices=uses,
        planned_total=sum(v.planned for v in rows),
        recorded_total=sum(v.recorded or 0 for v in rows),
        unreported=sum(1 for v in rows if v.recorded is None),
        current=forecast_with_extra_sets(progress, 0),
        one_more_set=forecast_with_extra_sets(progress, 1),
    )


def _report_of(visit):
    try:
        return visit.report.recorded_count
    except DailyReport.DoesNotExist:
        return None


# The week's schedule ------------------------------------------------------------------------


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
    window = _days(first, last)
    visits = list(
        Visit.objects.filter(campaign=campaign, date__range=(first, last))
        .with_place()
        .order_by("date", "device__code")
    )
    devices = {d.pk: d for d in _campaign_devices(campaign, first)}
    history = _StateHistory(devices.values(), last)
    by_device_day = {(v.device_id, v.date): v for v in visits}

    rows = []
    for device in devices.values():
        cells = []
        for day in window:
            visit = by_device_day.get((device.pk, day))
            note = ""
            if visit is None and not history.working(device.pk, day):
                state = history.on(device.pk, day)
                note = _label(DeviceState.Condition, state[1] if state else None)
            cells.append(ScheduleCell(day=day, visit=visit, note=note))
        if any(c.visit or not c.note for c in cells):  # hide sets out of service all week
            rows.append(
                ScheduleRow(
                    device=device.code, mode=_label(DeviceState.Mode, device.mode_on), cells=cells
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
