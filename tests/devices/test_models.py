import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import IntegrityError, transaction
from django.utils import translation

from devices.models import Device, DeviceState
from tests.factories import (
    CampaignFactory,
    DeviceFactory,
    DeviceStateFactory,
    KecamatanFactory,
    VisitFactory,
)
from tests.utils import only_error

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def device():
    """SP-01: mobile and working from 1 Jan, under repair from 20 Jan, stationary from 25 Jan."""
    device = DeviceFactory(code="SP-01")
    DeviceStateFactory(device=device, valid_from=D(2024, 1, 20), condition="under_repair")
    DeviceStateFactory(device=device, valid_from=D(2024, 1, 25), mode="stationary")
    return device


HISTORY = [
    (D(2023, 12, 31), None, None),
    (D(2024, 1, 1), "mobile", "working"),
    (D(2024, 1, 19), "mobile", "working"),
    (D(2024, 1, 20), "mobile", "under_repair"),
    (D(2024, 1, 24), "mobile", "under_repair"),
    (D(2024, 1, 25), "stationary", "working"),
    (D(2024, 3, 1), "stationary", "working"),
]


# Device.state_on and Device.objects.with_state


@pytest.mark.parametrize(("day", "mode", "condition"), HISTORY)
def test_state_on_follows_the_dated_history(device, day, mode, condition):
    state = device.state_on(day)

    if mode is None:
        assert state is None
    else:
        assert (state.mode, state.condition) == (mode, condition)


@pytest.mark.parametrize(("day", "mode", "condition"), HISTORY)
def test_with_state_annotates_the_same_history(device, day, mode, condition):
    annotated = Device.objects.with_state(on=day).get(pk=device.pk)

    assert (annotated.mode_on, annotated.condition_on) == (mode, condition)


def test_with_state_tells_each_set_apart(device):
    DeviceFactory(code="SP-02")  # mobile and working from 1 Jan
    DeviceFactory(code="SP-03", mode="stationary")
    DeviceFactory(code="SP-04", state=None)  # never in service

    rows = Device.objects.with_state(on=D(2024, 1, 22)).values_list(
        "code", "mode_on", "condition_on"
    )

    assert list(rows) == [
        ("SP-01", "mobile", "under_repair"),
        ("SP-02", "mobile", "working"),
        ("SP-03", "stationary", "working"),
        ("SP-04", None, None),
    ]


def test_with_state_is_one_query_for_many_sets(django_assert_num_queries):
    for n in range(6):
        device = DeviceFactory(code=f"T-{n}")
        DeviceStateFactory(device=device, valid_from=D(2024, 1, 10 + n), condition="under_repair")

    with django_assert_num_queries(1):
        devices = list(Device.objects.with_state(on=D(2024, 1, 12)))
        states = [(d.mode_on, d.condition_on) for d in devices]

    assert states == [("mobile", "under_repair")] * 3 + [("mobile", "working")] * 3


# DeviceState.clean: a state must not strand visits already scheduled


@pytest.fixture
def schedule():
    """SP-01 (home: Kota Kefamenanu) is scheduled away on 19, 22 and 24 Jan, at home on 23 Jan."""
    home = KecamatanFactory(code="53.03.05", name="Kota Kefamenanu")
    away = KecamatanFactory(code="53.03.14", name="Miomaffo Barat")
    device = DeviceFactory(code="SP-01", home_kecamatan=home)
    campaign = CampaignFactory()
    for day in (19, 22, 24):
        VisitFactory(campaign=campaign, device=device, kecamatan=away, date=D(2024, 1, day))
    VisitFactory(campaign=campaign, device=device, kecamatan=home, date=D(2024, 1, 23))
    return device


def test_a_repair_that_strands_visits_is_refused(schedule):
    state = DeviceState(device=schedule, valid_from=D(2024, 1, 20), condition="under_repair")

    with translation.override("en"):
        error = only_error(state, NON_FIELD_ERRORS)
        assert error.code == "strands_visits"
        assert error.messages == [
            "3 scheduled visit(s) of SP-01 cannot take place with this mode and condition, "
            "the first on 01/22/2024 in Miomaffo Barat. Move or delete them first."
        ]


def test_retiring_a_set_with_visits_ahead_is_refused(schedule):
    state = DeviceState(device=schedule, valid_from=D(2024, 1, 24), condition="retired")

    error = only_error(state, NON_FIELD_ERRORS)

    assert error.code == "strands_visits"
    assert error.params["count"] == 1


def test_a_repair_after_the_last_visit_is_accepted(schedule):
    DeviceState(device=schedule, valid_from=D(2024, 1, 25), condition="under_repair").full_clean()


def test_making_a_set_stationary_strands_only_its_visits_elsewhere(schedule):
    state = DeviceState(device=schedule, valid_from=D(2024, 1, 20), mode="stationary")

    with translation.override("en"):
        error = only_error(state, NON_FIELD_ERRORS)
        assert error.code == "strands_visits"
        assert error.params["count"] == 2  # 22 and 24 Jan; 23 Jan is at home
        assert "the first on 01/22/2024 in Miomaffo Barat" in error.messages[0]


def test_a_stationary_set_scheduled_only_at_home_is_accepted(schedule):
    schedule.visits.filter(date=D(2024, 1, 24)).delete()

    DeviceState(device=schedule, valid_from=D(2024, 1, 23), mode="stationary").full_clean()


def test_visits_from_the_next_record_on_are_not_counted(schedule):
    DeviceStateFactory(device=schedule, valid_from=D(2024, 1, 24), condition="working")
    state = DeviceState(device=schedule, valid_from=D(2024, 1, 20), condition="under_repair")

    error = only_error(state, NON_FIELD_ERRORS)

    assert error.params["count"] == 2  # 22 and 23 Jan; the 24th follows the next record


def test_a_repair_ending_before_the_next_visit_is_accepted(schedule):
    DeviceStateFactory(device=schedule, valid_from=D(2024, 1, 21), condition="working")

    DeviceState(device=schedule, valid_from=D(2024, 1, 20), condition="under_repair").full_clean()


def test_a_mobile_working_state_never_strands_visits(schedule):
    DeviceState(device=schedule, valid_from=D(2024, 1, 20)).full_clean()


def test_editing_a_record_is_checked_against_its_own_period(schedule):
    repair = DeviceStateFactory(device=schedule, valid_from=D(2024, 1, 25), condition="working")
    repair.condition = "under_repair"
    repair.full_clean()  # nothing is scheduled from 25 Jan on

    first = schedule.states.get(valid_from=D(2024, 1, 1))
    first.condition = "under_repair"
    error = only_error(first, NON_FIELD_ERRORS)
    assert error.params["count"] == 4  # 19 to 24 Jan, until the record of the 25th


def test_one_record_per_set_per_date():
    device = DeviceFactory()  # has a record on 1 Jan
    state = DeviceState(device=device, valid_from=D(2024, 1, 1), condition="under_repair")

    error = only_error(state, NON_FIELD_ERRORS)

    assert error.code == "duplicate_state_date"
    with pytest.raises(IntegrityError), transaction.atomic():
        state.save()
