"""A campaign's recording sets and their mode and condition on each day, read with one query
each: what the plan against actual and the schedule are drawn from.
"""

import bisect
import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Visit
from devices.models import Device, DeviceState


def based_there(campaign: Campaign):
    """The sets whose home office is in the campaign's kabupaten, as a subquery. Not a join
    in an OR: that made the database read the mode and condition of every set in the
    country before it looked at the kabupaten."""
    return Device.objects.filter(home_kecamatan__kabupaten=campaign.kabupaten_id).values("pk")


def campaign_devices(campaign: Campaign, on: datetime.date):
    """The sets of a campaign: those based in its kabupaten and any that visited for it.

    One query, with each set's mode and condition on `on`.
    """
    visiting = Visit.objects.filter(campaign=campaign).values("device")
    return list(
        Device.objects.filter(Q(pk__in=based_there(campaign)) | Q(pk__in=visiting))
        .with_state(on)
        .order_by("code")
    )


class StateHistory:
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


def days_between(first, last):
    return [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]


def state_label(choices, value):
    return choices(value).label if value else _("Not in service")
