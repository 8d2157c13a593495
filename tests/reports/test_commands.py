import datetime
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Sum
from django.test import RequestFactory
from django.utils import timezone

from campaigns.models import Campaign, Visit
from devices.models import Device
from regions.models import Kecamatan
from reports.models import DailyReport
from residents.models import BacklogEntry

pytestmark = pytest.mark.django_db
D = datetime.date


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_seed_demo_historical_gives_the_figures_of_the_case():
    output = run("seed_demo", "--historical")

    campaign = Campaign.objects.get(slug="ttu-2024")
    assert (campaign.start_date, campaign.target_date) == (D(2024, 1, 18), D(2024, 2, 7))
    assert (campaign.extension_date, campaign.election_date) == (D(2024, 2, 10), D(2024, 2, 14))
    assert campaign.status == Campaign.Status.ACTIVE
    assert "ektp-demo-2024" in output

    baseline = campaign.backlog_entries.filter(kind=BacklogEntry.Kind.BASELINE)
    assert baseline.aggregate(total=Sum("change"))["total"] == 5312
    assert set(baseline.values_list("kecamatan", flat=True)) == set(
        Kecamatan.objects.filter(kabupaten="53.03").values_list("code", flat=True)
    )
    assert baseline.count() == 24

    devices = {d.code: d.state_on(campaign.start_date) for d in Device.objects.all()}
    assert len(devices) == 3
    stationary = [code for code, state in devices.items() if state.mode == "stationary"]
    assert len(stationary) == 1
    assert Device.objects.get(code=stationary[0]).home_kecamatan.name == "Kota Kefamenanu"

    visits = campaign.visits.all()
    assert visits.count() == 2 * 21  # both mobile sets, every day from 18 Jan to 7 Feb
    assert set(visits.values_list("device__code", flat=True)) == set(devices) - set(stationary)
    assert min(v.date for v in visits) == campaign.start_date
    assert max(v.date for v in visits) == campaign.target_date

    reports = DailyReport.objects.filter(visit__campaign=campaign)
    assert reports.count() == 10
    assert reports.aggregate(total=Sum("recorded_count"))["total"] == 750
    assert set(reports.values_list("recorded_count", flat=True)) == {75}
    assert {r.visit.date for r in reports} == {D(2024, 1, d) for d in range(18, 23)}

    day_six = visits.filter(date=D(2024, 1, 23))
    assert {v.kecamatan.name for v in day_six} == {"Miomaffo Barat"}
    assert day_six.count() == 2
    assert not day_six.filter(report__isnull=False).exists()
    first_days = {v.kecamatan.name for v in visits.filter(date__lt=D(2024, 1, 23))}
    assert first_days == {"Biboki Anleu", "Biboki Moenleu", "Noemuti Timur", "Kota Kefamenanu"}


def test_every_demo_visit_obeys_the_schedule_rules():
    run("seed_demo", "--historical")
    for visit in Visit.objects.all():
        visit.full_clean()


def test_seed_demo_moves_day_six_to_today_and_running_twice_changes_nothing():
    run("seed_demo")
    today = timezone.localdate()
    campaign = Campaign.objects.get(slug="ttu-2024")
    assert campaign.start_date == today - datetime.timedelta(days=5)
    assert campaign.target_date - campaign.start_date == datetime.timedelta(days=20)
    assert not Visit.objects.filter(date=today, report__isnull=False).exists()
    assert Visit.objects.filter(date=today).count() == 2

    def snapshot():
        return {
            "visits": sorted(Visit.objects.values_list("pk", "date", "device", "kecamatan")),
            "reports": sorted(DailyReport.objects.values_list("pk", "recorded_count")),
            "ledger": sorted(BacklogEntry.objects.values_list("pk", "change")),
            "devices": sorted(Device.objects.values_list("pk", "code")),
            "campaigns": list(Campaign.objects.values_list("pk", "start_date")),
        }

    before = snapshot()
    assert "tidak diubah" in run("seed_demo")
    assert snapshot() == before


def test_demo_users_log_in_with_their_roles():
    run("seed_demo")
    for username, group in [
        ("admin", "Admin"),
        ("operator", "Operator"),
        ("koordinator", "Koordinator"),
    ]:
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request, username=username, password="ektp-demo-2024")
        assert user is not None, username
        assert user.groups.filter(name=group).exists()
        assert user.is_staff == (username == "admin")
