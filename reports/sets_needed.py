"""Sets needed, read as officials read it: "3 more than the 2 working today".

The totals are the progress's own (`devices_needed`, `devices_needed_extension` in
reports.progress: one home for the number); this adds only the sets already at work, so that
"5" is not read as five more.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from campaigns.models import Campaign, Visit
from devices.models import Device, DeviceState
from reports.device_days import based_there
from reports.progress import Progress, Status


def sets_working(campaign: Campaign, day: datetime.date) -> int:
    """The sets able to work for the campaign on `day`: those in working condition that are
    mobile, or that have a visit that day (a stationary set at its office). The pace that
    `devices_needed` divides by is per visit, so a stationary set that makes no visits is not
    one of them: in TTU, 2 of the 3 sets. One query.

    The sets are the campaign's, as reports.device_days.campaign_devices counts them: based in
    its kabupaten or visiting for it.
    """
    visiting = Visit.objects.filter(campaign=campaign).values("device")
    visits_that_day = Visit.objects.filter(device=OuterRef("pk"), date=day)
    return (
        Device.objects.filter(Q(pk__in=based_there(campaign)) | Q(pk__in=visiting))
        .with_state(day)
        .filter(condition_on=DeviceState.Condition.WORKING)
        .filter(Q(mode_on=DeviceState.Mode.MOBILE) | Exists(visits_that_day))
        .count()
    )


@dataclass
class SetsNeeded:
    deadline: datetime.date
    deadline_label: str  # "target date" or "extension"
    total: int | None  # None: no pace yet to count from
    working: int

    @property
    def more(self) -> int | None:
        return None if self.total is None else max(self.total - self.working, 0)

    @property
    def headline(self) -> str:
        """ "3 more than the 2 working today", or that those working are enough."""
        if self.total is None:
            return gettext("Not known yet: no reports to take a pace from")
        if self.more == 0:
            return ngettext(
                "The %(working)s set working today is enough",
                "The %(working)s sets working today are enough",
                self.working,
            ) % {"working": self.working}
        return ngettext(
            "%(more)s more than the %(working)s working today",
            "%(more)s more than the %(working)s working today",
            self.more,
        ) % {"more": self.more, "working": self.working}

    @property
    def detail(self) -> str:
        """ "to finish by 07/02/2024 (target date), 5 in all"."""
        values = {
            "date": date_format(self.deadline, "SHORT_DATE_FORMAT"),
            "label": self.deadline_label,
            "total": self.total,
        }
        if self.total is None:
            return gettext("to finish by %(date)s (%(label)s)") % values
        return (
            ngettext(
                "to finish by %(date)s (%(label)s), %(total)s set in all",
                "to finish by %(date)s (%(label)s), %(total)s sets in all",
                self.total,
            )
            % values
        )


def sets_needed(progress: Progress, working: int | None = None) -> list[SetsNeeded]:
    """Sets needed to the target date and to the extension, always both while both lie ahead;
    after the target date, the extension's alone; none when done or past every deadline.

    `working` defaults to sets_working(campaign, as_of) (one query)."""
    p, campaign = progress, progress.campaign
    if p.status == Status.DONE:
        return []
    rows = []
    if p.days_left_to_target:
        rows.append((campaign.target_date, gettext("target date"), p.devices_needed))
    if campaign.extension_date and p.days_left_to_extension:
        rows.append((campaign.extension_date, gettext("extension"), p.devices_needed_extension))
    if not rows:
        return []
    if working is None:
        working = sets_working(campaign, p.as_of)
    return [
        SetsNeeded(deadline=day, deadline_label=label, total=total, working=working)
        for day, label, total in rows
    ]
