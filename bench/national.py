"""Benchmark: every kabupaten of Indonesia runs a campaign at once (DOMAIN.md §7).

514 campaigns, 7,285 kecamatan baselines, 2 mobile sets each with a visit a day for 21 days
(21,588 visits) and five days of reports (5,140). Builds them in a throwaway test database
(test_<name>, dropped afterwards), then times the pages that must stay fast, with their
query counts. Run with `make bench` (SQLite) or `DATABASE_URL=postgres://... make bench`.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

START = datetime.date(2024, 1, 18)
AS_OF = datetime.date(2024, 1, 23)
DAYS, REPORTED_DAYS = 21, 5
REPEATS = 5


def build():
    from campaigns.models import Campaign, Visit
    from devices.models import Device, DeviceState
    from regions.models import Kabupaten, Kecamatan
    from regions.services import regions_import
    from reports.models import DailyReport
    from residents.models import BacklogEntry

    regions_import()
    kabupaten = list(Kabupaten.objects.order_by("code"))
    first_kecamatan = {}
    for code, kabupaten_id in Kecamatan.objects.order_by("code").values_list("code", "kabupaten"):
        first_kecamatan.setdefault(kabupaten_id, []).append(code)
    campaigns = Campaign.objects.bulk_create(
        Campaign(
            slug=f"c-{k.code.replace('.', '-')}",
            name=f"Perekaman {k.name}",
            kabupaten=k,
            start_date=START,
            target_date=START + datetime.timedelta(days=DAYS - 1),
            extension_date=START + datetime.timedelta(days=DAYS + 2),
            election_date=START + datetime.timedelta(days=DAYS + 6),
            status="active",
        )
        for k in kabupaten
    )
    BacklogEntry.objects.bulk_create(
        BacklogEntry(campaign=c, kecamatan_id=code, date=START, kind="baseline", change=300)
        for c in campaigns
        for code in first_kecamatan[c.kabupaten_id]
    )
    devices = Device.objects.bulk_create(
        Device(code=f"{c.kabupaten_id}-{n}", home_kecamatan_id=first_kecamatan[c.kabupaten_id][0])
        for c in campaigns
        for n in (1, 2)
    )
    DeviceState.objects.bulk_create(DeviceState(device=d, valid_from=START) for d in devices)
    visits = Visit.objects.bulk_create(
        Visit(
            campaign=c,
            date=START + datetime.timedelta(days=day),
            device=devices[2 * i + n],
            kecamatan_id=(places := first_kecamatan[c.kabupaten_id])[(2 * day + n) % len(places)],
            planned_count=100,
        )
        for i, c in enumerate(campaigns)
        for day in range(DAYS)
        for n in (0, 1)
    )
    DailyReport.objects.bulk_create(
        DailyReport(visit=v, recorded_count=75, first_time_voters=9)
        for v in visits
        if v.date < START + datetime.timedelta(days=REPORTED_DAYS)
    )
    user = User.objects.create_user("koordinator", password="x")
    user.groups.add(Group.objects.get(name="Koordinator"))
    return user, max(campaigns, key=lambda c: len(first_kecamatan[c.kabupaten_id]))


def measure(label, call):
    timings = []
    for _ in range(REPEATS):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = call()
            timings.append((time.perf_counter() - began) * 1000)
        assert getattr(response, "status_code", 200) == 200, label
    print(f"| {label} | {statistics.median(timings):.0f} ms | {len(queries)} |")


def main():
    setup_test_environment()
    name = connection.settings_dict["NAME"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        began = time.perf_counter()
        user, largest = build()
        print(
            f"Built in {time.perf_counter() - began:.1f} s on {connection.vendor}; "
            f"largest campaign {largest.kabupaten} "
            f"({largest.kabupaten.kecamatan.count()} kecamatan).\n"
        )
        client = Client()
        client.force_login(user)
        slug, as_of = largest.slug, {"as_of": AS_OF.isoformat()}
        print("| page | median of 5 | queries |\n| --- | --- | --- |")
        measure(
            "campaign list (514 campaigns, first page)",
            lambda: client.get(reverse("campaigns:list")),
        )
        measure(
            "campaign list, one province",
            lambda: client.get(reverse("campaigns:list"), {"provinsi": "53"}),
        )
        for page in ["dashboard", "progress_json", "kecamatan", "plan", "schedule", "briefing"]:
            measure(
                f"{page}, largest campaign",
                lambda page=page: client.get(reverse(f"campaigns:{page}", args=[slug]), as_of),
            )
        measure(
            "kecamatan xlsx export",
            lambda: client.get(
                reverse("campaigns:kecamatan", args=[slug]), {**as_of, "_export": "xlsx"}
            ),
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        connection.settings_dict["NAME"] = name


if __name__ == "__main__":
    main()
