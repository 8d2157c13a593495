"""The demo: Kabupaten Timor Tengah Utara, January 2024 (DOMAIN.md §1).

Day 1 is 18 January 2024 and day 6 is 23 January, the day of the review. By default the
dates move so that day 6 is today; `historical=True` keeps 2024.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models import Count

from campaigns.models import Campaign, Visit
from devices.models import Device, DeviceState
from regions import services
from regions.models import Desa, Kabupaten, Kecamatan
from reports.models import DailyReport
from residents.services import backlog_baselines_create

SLUG = "ttu-2024"
KABUPATEN = "53.03"
HISTORICAL_START = datetime.date(2024, 1, 18)
DEMO_PASSWORD = "ektp-demo-2024"
USERS = [("admin", "Admin"), ("operator", "Operator"), ("koordinator", "Koordinator")]

BASELINE = 5312
# 25 per desa, plus more where the first week's visits went (the urban area above all),
# so that no kecamatan records more than its backlog. Adds up to 5,312.
PER_DESA = 25
EXTRA = {"53.03.05": 250, "53.03.10": 100, "53.03.23": 75, "53.03.07": 62}

KOTA_KEFAMENANU, MIOMAFFO_BARAT = "53.03.05", "53.03.02"
# Days 1–5: Biboki Anleu, Biboki Moenleu, Noemuti Timur, then the urban area; both sets
# in the same kecamatan each day, at two desa. Day 6: Miomaffo Barat, not yet reported.
FIRST_DAYS = ["53.03.07", "53.03.23", "53.03.10", KOTA_KEFAMENANU, KOTA_KEFAMENANU]
PER_SET_PER_DAY = 75
PLANNED_PER_VISIT = 100


@dataclass
class DemoResult:
    campaign: Campaign
    created: bool


def demo_load(*, today: datetime.date, historical: bool = False) -> DemoResult:
    """Load the TTU demo, or leave it alone if it is already there with the same dates."""
    start = HISTORICAL_START if historical else today - datetime.timedelta(days=5)
    with transaction.atomic():
        if not Kabupaten.objects.filter(code=KABUPATEN).exists():
            services.regions_import(province=KABUPATEN.split(".")[0])
        users = _users()
        existing = Campaign.objects.filter(slug=SLUG).first()
        if existing and existing.start_date == start:
            return DemoResult(existing, created=False)
        if existing:
            _delete(existing)
        devices = _devices(start, by=users["admin"])
        campaign = _campaign(start)
        _baseline(campaign, by=users["admin"])
        _schedule(campaign, devices, operator=users["operator"])
        return DemoResult(campaign, created=True)


def _users():
    users = {}
    for username, group in USERS:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = user.is_superuser = group == "Admin"
            user.save()
        user.groups.add(Group.objects.get(name=group))
        users[username] = user
    return users


def _delete(campaign):
    DailyReport.objects.filter(visit__campaign=campaign).delete()
    campaign.visits.all().delete()
    campaign.backlog_entries.all().delete()
    campaign.delete()


def _devices(start, *, by):
    office = "Kantor Dinas Dukcapil TTU, Kefamenanu"
    devices = []
    for code, mode, description in [
        ("TTU-01", DeviceState.Mode.MOBILE, "Set perekaman keliling 1"),
        ("TTU-02", DeviceState.Mode.MOBILE, "Set perekaman keliling 2"),
        ("TTU-03", DeviceState.Mode.STATIONARY, "Set kantor, juga tempat fotokopi"),
    ]:
        device, _ = Device.objects.update_or_create(
            code=code,
            defaults={
                "description": description,
                "home_kecamatan_id": KOTA_KEFAMENANU,
                "home_office": office,
            },
        )
        device.states.all().delete()
        DeviceState.objects.create(
            device=device, valid_from=start, mode=mode, recorded_by=by, note="Demo"
        )
        devices.append(device)
    return devices


def _campaign(start):
    shift = start - HISTORICAL_START
    campaign = Campaign(
        slug=SLUG,
        name="Perekaman e-KTP Kabupaten Timor Tengah Utara menjelang Pemilu 2024",
        kabupaten_id=KABUPATEN,
        start_date=start,
        target_date=datetime.date(2024, 2, 7) + shift,
        extension_date=datetime.date(2024, 2, 10) + shift,
        election_date=datetime.date(2024, 2, 14) + shift,
        status=Campaign.Status.ACTIVE,
    )
    campaign.full_clean()
    campaign.save()
    return campaign


def baselines():
    """Each TTU kecamatan's baseline backlog, by code."""
    desa_counts = (
        Kecamatan.objects.filter(kabupaten_id=KABUPATEN)
        .annotate(n=Count("desa"))
        .values_list("code", "n")
    )
    numbers = {code: n * PER_DESA + EXTRA.get(code, 0) for code, n in desa_counts}
    assert sum(numbers.values()) == BASELINE, sum(numbers.values())
    return numbers


def _baseline(campaign, *, by):
    backlog_baselines_create(
        campaign=campaign, counts=baselines(), note="Data awal Dukcapil, 23 Januari 2024", by=by
    )


def _schedule(campaign, devices, *, operator):
    """Both mobile sets every day to the target date; reports for days 1–5."""
    mobile = devices[:2]
    days = (campaign.target_date - campaign.start_date).days + 1
    places = _places(days)
    desa_by_kecamatan = _desa_by_kecamatan()
    used = {}
    for day in range(days):
        date = campaign.start_date + datetime.timedelta(days=day)
        for device, kecamatan in zip(mobile, places[day], strict=True):
            desa = desa_by_kecamatan[kecamatan][used.get(kecamatan, 0)]
            used[kecamatan] = used.get(kecamatan, 0) + 1
            visit = Visit(
                campaign=campaign,
                date=date,
                device=device,
                kecamatan_id=kecamatan,
                desa=desa,
                site_name=f"Kantor {'Kelurahan' if desa.code[9] == '1' else 'Desa'} {desa.name}",
                planned_count=PLANNED_PER_VISIT,
            )
            visit.full_clean()
            visit.save()
            visit.operators.add(operator)
            if day < len(FIRST_DAYS):
                DailyReport.objects.create(
                    visit=visit,
                    recorded_count=PER_SET_PER_DAY,
                    first_time_voters=9,
                    failed_count=2,
                    created_by=operator,
                )


def _places(days):
    """The kecamatan of each day's two visits: the case's first six days, then the rest,
    largest backlog first, the eleven largest getting two visits."""
    first = [(code, code) for code in FIRST_DAYS] + [(MIOMAFFO_BARAT, MIOMAFFO_BARAT)]
    done = set(FIRST_DAYS) | {MIOMAFFO_BARAT}
    numbers = baselines()
    rest = sorted((code for code in numbers if code not in done), key=lambda c: -numbers[c])
    slots = [code for i, code in enumerate(rest) for _ in range(2 if i < 11 else 1)]
    later = [tuple(slots[i : i + 2]) for i in range(0, len(slots), 2)]
    return (first + later)[:days]


def _desa_by_kecamatan():
    grouped = {}
    for desa in Desa.objects.filter(kecamatan__kabupaten_id=KABUPATEN).order_by("code"):
        grouped.setdefault(desa.kecamatan_id, []).append(desa)
    return grouped
