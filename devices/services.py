"""Writes of recording sets: their dated states."""

import datetime

from devices.models import Device, DeviceState


def device_state_record(
    *, device: Device, valid_from: datetime.date, condition: str, note: str, by
) -> DeviceState:
    """Record the set's condition from `valid_from` on, keeping its mode of that day.

    Checked as the admin checks a state (DeviceState.full_clean): refused while visits the
    condition forbids are still booked, and when the set has a record on that date already.
    """
    current = device.state_on(valid_from)
    state = DeviceState(
        device=device,
        valid_from=valid_from,
        mode=current.mode if current else DeviceState.Mode.MOBILE,
        condition=condition,
        note=note,
        recorded_by=by,
    )
    state.full_clean()
    state.save()
    return state
