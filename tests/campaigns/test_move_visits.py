"""A set breaks down: its visits move to another set where the rules allow, then it is marked
under repair (issue 12, item 6)."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.models import Visit
from devices.models import DeviceState
from tests.factories import (
    CampaignFactory,
    DailyReportFactory,
    DeviceFactory,
    KecamatanFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
CHANGELIST = "admin:devices_device_changelist"


def codes(error):
    if hasattr(error, "error_dict"):
        return sorted(e.code for errors in error.error_dict.values() for e in errors)
    return [e.code for e in error.error_list]


@pytest.fixture
def week():
    """A running campaign, a broken mobile set SP-01 booked on five days, and the others."""
    today = timezone.localdate()
    campaign = CampaignFactory(
        start_date=today - 10 * DAY,
        target_date=today + 10 * DAY,
        extension_date=None,
        election_date=today + 17 * DAY,
    )
    office = KecamatanFactory(kabupaten=campaign.kabupaten, name="Kota Kefamenanu")
    far = KecamatanFactory(kabupaten=campaign.kabupaten, name="Insana")
    broken = DeviceFactory(code="SP-01", home_kecamatan=office)
    mobile = DeviceFactory(code="SP-02", home_kecamatan=office)
    stationary = DeviceFactory(code="SP-03", home_kecamatan=office, mode="stationary")

    def visit(days, place=far, device=broken):
        return VisitFactory(
            campaign=campaign, date=today + days * DAY, device=device, kecamatan=place
        )

    visits = {
        "before": visit(-1),  # before the first day: stays
        "reported": visit(0),  # reported: it happened with this set
        "free": visit(1),
        "clash": visit(2),
        "free_later": visit(3),
    }
    DailyReportFactory(visit=visits["reported"])
    other = visit(2, place=office, device=mobile)  # SP-02 is busy on day 2
    return {
        "today": today,
        "campaign": campaign,
        "office": office,
        "far": far,
        "broken": broken,
        "mobile": mobile,
        "stationary": stationary,
        "visits": visits,
        "other": other,
    }


def device_of(visit):
    return Visit.objects.get(pk=visit.pk).device.code


def test_moves_what_the_rules_allow_and_says_why_not_for_the_rest(week, admin_member):
    visits = week["visits"]

    moves = services.visits_move(
        device=week["broken"], to_device=week["mobile"], from_date=week["today"], by=admin_member
    )

    assert [v.pk for v in moves.moved] == [visits["free"].pk, visits["free_later"].pk]
    refused = {visit.pk: codes(error) for visit, error in moves.refused}
    assert refused == {
        visits["reported"].pk: ["reported"],
        visits["clash"].pk: ["device_double_booked"],
    }
    assert [device_of(visits[name]) for name in visits] == [
        "SP-01",
        "SP-01",
        "SP-02",
        "SP-01",
        "SP-02",
    ]
    history = Visit.objects.get(pk=visits["free"].pk).history.latest()
    assert history.history_change_reason == "Dipindahkan dari alat SP-01 ke SP-02."
    assert history.history_user is None or history.history_user == admin_member


def test_a_stationary_set_takes_only_visits_at_its_office(week, admin_member):
    week["visits"]["free"].kecamatan = week["office"]
    week["visits"]["free"].save()

    moves = services.visits_move(
        device=week["broken"],
        to_device=week["stationary"],
        from_date=week["today"] + DAY,
        by=admin_member,
    )

    assert [v.pk for v in moves.moved] == [week["visits"]["free"].pk]
    refused = {visit.pk: codes(error) for visit, error in moves.refused}
    assert refused == {
        week["visits"]["clash"].pk: ["device_stationary"],
        week["visits"]["free_later"].pk: ["device_stationary"],
    }
    message = dict((v.pk, e) for v, e in moves.refused)[week["visits"]["clash"].pk].messages[0]
    assert "menetap" in message and "Kantor Dinas Dukcapil" in message


def test_a_set_under_repair_on_the_day_takes_nothing(week, admin_member):
    DeviceState.objects.create(
        device=week["mobile"], valid_from=week["today"] + 3 * DAY, condition="under_repair"
    )

    moves = services.visits_move(
        device=week["broken"],
        to_device=week["mobile"],
        from_date=week["today"] + 3 * DAY,
        by=admin_member,
    )

    assert moves.moved == []
    assert [codes(error) for _, error in moves.refused] == [["device_not_working"]]


def test_only_those_who_change_visits_may_move_them(week, koordinator_user):
    with pytest.raises(PermissionDenied):
        services.visits_move(
            device=week["broken"],
            to_device=week["mobile"],
            from_date=week["today"],
            by=koordinator_user,
        )
    assert device_of(week["visits"]["free"]) == "SP-01"


# The admin's action --------------------------------------------------------------------


def action(client, device, **data):
    return client.post(
        reverse(CHANGELIST),
        {"action": "move_visits", ACTION_CHECKBOX_NAME: [device.pk], **data},
    )


def test_the_action_asks_the_day_and_the_set_on_a_page_of_its_own(client, week, admin_member):
    client.force_login(admin_member)

    page = action(client, week["broken"])

    assert page.status_code == 200
    html = page.content.decode()
    assert "csrfmiddlewaretoken" in html
    assert 'name="from_date"' in html and 'placeholder="dd/mm/yyyy"' in html
    assert week["today"].strftime("%d/%m/%Y") in html
    assert "SP-02 (Kantor Dinas Dukcapil; hari ini keliling, berfungsi)" in html
    assert ">SP-01 (" not in html  # not to itself


def test_the_action_lists_what_moved_and_what_still_blocks_the_repair(client, week, admin_member):
    client.force_login(admin_member)
    day = week["today"].strftime("%d/%m/%Y")

    page = action(client, week["broken"], step="move", from_date=day, to_device=week["mobile"].pk)

    html = page.content.decode()
    assert "2 kunjungan dipindahkan ke alat SP-02" in html
    assert "2 kunjungan tidak dapat dipindahkan" in html
    assert "Alat SP-01 sudah dijadwalkan" not in html
    assert "Alat SP-02 sudah dijadwalkan di Kota Kefamenanu" in html
    assert "sudah ada laporannya" in html
    # The two left still block the repair, and the page says so instead of offering it.
    assert 'id="still-booked"' in html and "masih terjadwal" in html
    assert 'value="repair"' not in html
    assert device_of(week["visits"]["free"]) == "SP-02"


def test_the_action_then_marks_the_set_under_repair(client, week, admin_member):
    client.force_login(admin_member)
    later = week["today"] + 3 * DAY  # only the free visit of day 3 from then on
    day = later.strftime("%d/%m/%Y")

    page = action(client, week["broken"], step="move", from_date=day, to_device=week["mobile"].pk)
    html = page.content.decode()
    assert 'value="repair"' in html and 'id="still-booked"' not in html

    done = action(client, week["broken"], step="repair", valid_from=day, note="Layar rusak")

    assert done.status_code == 302
    state = week["broken"].state_on(later)
    assert (state.valid_from, state.condition, state.mode) == (later, "under_repair", "mobile")
    assert (state.note, state.recorded_by) == ("Layar rusak", admin_member)
    follow = client.get(done.url).content.decode()
    assert f"Alat SP-01 dalam perbaikan sejak {day}." in follow


def test_the_repair_is_refused_while_visits_are_still_booked(client, week, admin_member):
    client.force_login(admin_member)
    day = week["today"].strftime("%d/%m/%Y")

    done = action(client, week["broken"], step="repair", valid_from=day)

    assert done.status_code == 302
    assert week["broken"].state_on(week["today"]).condition == "working"
    assert "Pindahkan atau hapus" in client.get(done.url).content.decode()


def test_a_bad_date_is_refused_in_indonesian(client, week, admin_member):
    client.force_login(admin_member)

    page = action(client, week["broken"], step="move", from_date="31/02/2024", to_device=1)

    assert "Tulis tanggal sebagai dd/mm/yyyy, misalnya 23/01/2024." in page.content.decode()
    assert device_of(week["visits"]["free"]) == "SP-01"


def test_only_admins_see_and_run_the_action(client, week, koordinator_user):
    koordinator_user.is_staff = True
    koordinator_user.save()
    client.force_login(koordinator_user)

    assert "move_visits" not in client.get(reverse(CHANGELIST)).content.decode()
    page = action(
        client,
        week["broken"],
        step="move",
        from_date=week["today"].strftime("%d/%m/%Y"),
        to_device=week["mobile"].pk,
    )
    # The changelist again, without the action: no page of moves, nothing moved.
    assert page.status_code == 200
    assert "dipindahkan" not in page.content.decode()
    assert device_of(week["visits"]["free"]) == "SP-01"


def test_one_set_at_a_time(client, week, admin_member):
    client.force_login(admin_member)

    response = client.post(
        reverse(CHANGELIST),
        {
            "action": "move_visits",
            ACTION_CHECKBOX_NAME: [week["broken"].pk, week["mobile"].pk],
        },
        follow=True,
    )

    assert "Pilih tepat satu alat perekaman" in response.content.decode()
