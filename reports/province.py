"""A province's roll-up for the Polda: one row per kabupaten campaign, from
reports.progress.campaigns_progress, so every number is that campaign's progress.json's.
"""

import datetime
from dataclasses import dataclass

from campaigns.models import Campaign
from reports.forecast import STATUS_LABELS
from reports.progress import Status, campaigns_progress, percent_of

# The roll-up's default order: where help is needed first.
NEED_RANK = {Status.OFF_TRACK: 0, Status.NEEDS_EXTENSION: 1, Status.ON_TRACK: 2, Status.DONE: 3}


@dataclass
class ProvinceRow:
    slug: str
    name: str  # the campaign's
    kabupaten_code: str
    kabupaten: str
    lifecycle: str  # planned, active, closed
    start_date: datetime.date
    status: str  # reports.progress.Status
    target: int
    recorded: int
    remaining: int
    percent_recorded: float | None
    projected_completion_date: datetime.date | None
    devices_needed: int | None
    devices_needed_extension: int | None
    late_reports: int  # visits dated before as_of without a report (progress.missing_reports)

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def status_rank(self):
        return NEED_RANK[self.status]

    @property
    def lifecycle_label(self):
        return Campaign.Status(self.lifecycle).label


def province_campaigns(provinsi):
    """The campaigns of a province's kabupaten, with what their rows show of the kabupaten."""
    return Campaign.objects.filter(kabupaten__provinsi=provinsi).select_related("kabupaten")


def province_rows(campaigns, as_of: datetime.date) -> list[ProvinceRow]:
    """Each campaign's row on `as_of`, most in need first (see `_need`)."""
    rows = [
        ProvinceRow(
            slug=p.campaign.slug,
            name=p.campaign.name,
            kabupaten_code=p.campaign.kabupaten.code,
            kabupaten=p.campaign.kabupaten.name,
            lifecycle=p.campaign.status,
            start_date=p.campaign.start_date,
            status=p.status,
            target=p.target,
            recorded=p.recorded,
            remaining=p.remaining,
            percent_recorded=p.percent_recorded,
            projected_completion_date=p.projected_completion_date,
            devices_needed=p.devices_needed,
            devices_needed_extension=p.devices_needed_extension,
            late_reports=len(p.missing_reports),
        )
        for p in campaigns_progress(campaigns=campaigns, as_of=as_of)
    ]
    return sorted(rows, key=_need)


def _need(row: ProvinceRow):
    """Off track first, then those needing the extension, on track, done; within each, the
    most sets needed (to the target date, then to the extension), then the largest backlog
    left, then the name, so the order is stable."""
    return (
        row.status_rank,
        -(row.devices_needed or 0),
        -(row.devices_needed_extension or 0),
        -row.remaining,
        row.kabupaten,
        row.slug,
    )


@dataclass
class ProvinceTotals:
    campaigns: int
    target: int
    recorded: int
    remaining: int
    percent_recorded: float | None  # of the province's whole backlog
    devices_needed: int  # the sum over the campaigns that know theirs
    devices_needed_extension: int
    late_reports: int


def province_totals(rows: list[ProvinceRow]) -> ProvinceTotals:
    target = sum(r.target for r in rows)
    recorded = sum(r.recorded for r in rows)
    return ProvinceTotals(
        campaigns=len(rows),
        target=target,
        recorded=recorded,
        remaining=sum(r.remaining for r in rows),
        percent_recorded=percent_of(recorded, target),
        devices_needed=sum(r.devices_needed or 0 for r in rows),
        devices_needed_extension=sum(r.devices_needed_extension or 0 for r in rows),
        late_reports=sum(r.late_reports for r in rows),
    )
