"""Plan against actual: each set's working days, visits planned and reported, as of a day.

From `reports.progress.campaign_progress` and a fixed number of grouped queries.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Sum

from campaigns.models import Visit
from devices.models import DeviceState
from reports.device_days import StateHistory, campaign_devices, days_between, state_label
from reports.forecast import Forecast, forecast_with_extra_sets
from reports.models import DailyReport
from reports.progress import (
    Progress,
)


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
    devices = campaign_devices(campaign, as_of)
    history = StateHistory(devices, as_of)

    visit_days = {}
    for visit in visits:
        visit_days.setdefault(visit.device_id, set()).add(visit.date)
    # The campaign's days so far: from its start to as_of, or to its last day once past it.
    until = min(as_of, campaign.last_day)
    campaign_days = days_between(campaign.start_date, until)

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
                mode=state_label(DeviceState.Mode, device.mode_on),
                condition=state_label(DeviceState.Condition, device.condition_on),
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
