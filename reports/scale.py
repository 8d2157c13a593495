"""The whole country at once, for benchmarks: `manage.py seed_scale`.

Every kabupaten/kota of the bundled regions (or a chosen few) runs a campaign: 2-6 recording
sets with a visit a day each for 25 days around today, reports for the days gone, a baseline
per kecamatan and the resident list behind it, spread over the desa (about the same number
in each, ± half), real region codes and NIKs that read as real ones.

Each kabupaten's rows come from a random generator seeded with the seed and its code alone,
so a campaign is the same row for row in the whole country or in a database of its own (the
benchmark compares the two). Bulk inserts; the residents through COPY on PostgreSQL.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from campaigns.models import Campaign, Visit
from devices.models import Device, DeviceState
from regions.models import Desa, Kabupaten
from reports.models import DailyReport
from residents.models import BacklogEntry, Resident

DAYS = 25  # each campaign's length; today is its day DAYS_GONE + 1
DAYS_GONE = 20
NATIONAL_DESA = 83_762  # villages.csv: the density of the list is the same everywhere
BATCH = 5_000
FIRST_NAMES = (
    "Maria Yohanes Petrus Yosef Agustinus Fransiska Theresia Yuliana Antonius Martha Paulus "
    "Veronika Aloysius Kristina Dominikus Elisabeth Stefanus Agnes Fransiskus Margareta Siti "
    "Ahmad Muhammad Nur Dewi Sri Budi Agus Eko Rina Putu Made Wayan Nyoman Ketut Ni Yulius "
    "Benediktus Imelda Gregorius Rosalia Mikael Helena Arnoldus Adriana Matheus Klara Lukas"
).split()
LAST_NAMES = (
    "Taek Kolo Bana Ulu Naisoko Sasi Abi Kefi Neno Tefa Lake Bani Oematan Kase Seran Nahak "
    "Bria Mau Klau Atok Usboko Fallo Liunokas Tanesib Haekase Manek Funan Nubatonis Salem "
    "Santoso Wijaya Saputra Lestari Hidayat Pratama Susanto Kurniawan Rahayu Setiawan Utami"
).split()


@dataclass
class Plan:
    """One kabupaten's campaign as drawn from its generator, before it has ids."""

    kabupaten: Kabupaten
    desa_by_kecamatan: dict[str, list[str]]
    residents_per_desa: dict[str, int]
    sets: int
    # (day, set number, kecamatan, desa, recorded or None)
    visits: list[tuple] = field(default_factory=list)


def seed_scale(*, residents=2_000_000, seed=2024, campaigns=None, only=None, today=None):
    """Build the campaigns; return counts of what was made.

    `campaigns`: that many kabupaten, drawn by the seed (all when None); `only`: these
    kabupaten codes. `residents`: the national total the density comes from.
    """
    today = today or timezone.localdate()
    start = today - datetime.timedelta(days=DAYS_GONE)
    kabupaten = list(Kabupaten.objects.order_by("code"))
    if only:
        kabupaten = [k for k in kabupaten if k.code in set(only)]
    elif campaigns is not None:
        kabupaten = sorted(random.Random(seed).sample(kabupaten, campaigns), key=lambda k: k.code)
    density = residents / NATIONAL_DESA
    desa = defaultdict(lambda: defaultdict(list))
    rows = Desa.objects.filter(kecamatan__kabupaten__in=kabupaten).order_by("code")
    for code, kecamatan, kab in rows.values_list("code", "kecamatan", "kecamatan__kabupaten"):
        desa[kab][kecamatan].append(code)
    plans = [
        _plan(k, desa[k.code], density, seed) for k in kabupaten if desa[k.code]
    ]  # a kabupaten without desa in the data has no one to record
    with transaction.atomic():
        made = _write(plans, start, seed)
    if connection.vendor == "postgresql":
        # As a database in use would be: the planner's statistics of the new rows (and of
        # the expression indexes), without waiting for autovacuum.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return made


def _plan(kabupaten, desa_by_kecamatan, density, seed):
    rng = random.Random(f"{seed}:{kabupaten.code}")
    per_desa = {
        code: rng.randint(int(density * 0.5), int(density * 1.5) + 1)
        for codes in desa_by_kecamatan.values()
        for code in codes
    }
    plan = Plan(kabupaten, desa_by_kecamatan, per_desa, sets=rng.randint(2, 6))
    # Each set goes round the kecamatan, one desa a day; what a visit records comes out of
    # the list of its desa, so that reports and the names marked recorded agree.
    left = dict(per_desa)
    kecamatan = sorted(desa_by_kecamatan)
    for day in range(DAYS):
        for n in range(plan.sets):
            place = kecamatan[(day * plan.sets + n) % len(kecamatan)]
            code = rng.choice(desa_by_kecamatan[place])
            recorded = None
            if day < DAYS_GONE:
                recorded = min(rng.randint(20, 80), left[code])
                left[code] -= recorded
            plan.visits.append((day, n, place, code, recorded))
    return plan


def _write(plans, start, seed):
    campaign_rows = Campaign.objects.bulk_create(
        Campaign(
            slug=f"scale-{p.kabupaten.code.replace('.', '-')}",
            name=f"Perekaman e-KTP {p.kabupaten.name}",
            kabupaten=p.kabupaten,
            start_date=start,
            target_date=start + datetime.timedelta(days=DAYS - 1),
            extension_date=start + datetime.timedelta(days=DAYS + 2),
            election_date=start + datetime.timedelta(days=DAYS + 6),
            status=Campaign.Status.ACTIVE,
        )
        for p in plans
    )
    devices = Device.objects.bulk_create(
        Device(
            code=f"{p.kabupaten.code}-{n + 1}",
            home_kecamatan_id=min(p.desa_by_kecamatan),
            home_office=f"Dukcapil {p.kabupaten.name}",
        )
        for p in plans
        for n in range(p.sets)
    )
    DeviceState.objects.bulk_create(DeviceState(device=d, valid_from=start) for d in devices)
    device = {d.code: d for d in devices}
    visit_rows = Visit.objects.bulk_create(
        (
            Visit(
                campaign=c,
                date=start + datetime.timedelta(days=day),
                device=device[f"{p.kabupaten.code}-{n + 1}"],
                kecamatan_id=kecamatan,
                desa_id=desa,
                planned_count=60,
                version=1,
            )
            for p, c in zip(plans, campaign_rows, strict=True)
            for day, n, kecamatan, desa, _recorded in p.visits
        ),
        batch_size=BATCH,
    )
    visits = iter(visit_rows)
    marked = []  # per plan: {desa: [(visit id, its date, how many recorded)]}
    reports = []
    for p in plans:
        at_desa = defaultdict(list)
        # The visits were made in the plans' order: each plan takes its own from the front.
        for (_day, _n, _kecamatan, desa, recorded), visit in zip(p.visits, visits, strict=False):
            if recorded is not None:
                reports.append(
                    DailyReport(
                        visit=visit,
                        recorded_count=recorded,
                        first_time_voters=recorded // 8,
                        version=1,
                    )
                )
                at_desa[desa].append((visit.pk, visit.date, recorded))
        marked.append(at_desa)
    DailyReport.objects.bulk_create(reports, batch_size=BATCH)
    BacklogEntry.objects.bulk_create(
        (
            BacklogEntry(
                campaign=c,
                kecamatan_id=kecamatan,
                date=start,
                kind=BacklogEntry.Kind.BASELINE,
                change=sum(p.residents_per_desa[d] for d in codes),
            )
            for p, c in zip(plans, campaign_rows, strict=True)
            for kecamatan, codes in sorted(p.desa_by_kecamatan.items())
        ),
        batch_size=BATCH,
    )
    resident_count = _write_residents(plans, campaign_rows, marked, start, seed)
    return {
        "campaigns": len(campaign_rows),
        "sets": len(devices),
        "visits": len(visit_rows),
        "reports": len(reports),
        "residents": resident_count,
    }


COLUMNS = (
    "campaign_id nik name sex birth_date marital_status desa_id status status_date "
    "recorded_visit_id flags"
).split()


def _write_residents(plans, campaign_rows, marked, start, seed):
    count = 0
    if connection.vendor == "postgresql":
        table = Resident._meta.db_table
        with connection.cursor() as cursor:
            indexes = _set_aside_indexes(cursor, table)
            with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for p, c, at_desa in zip(plans, campaign_rows, marked, strict=True):
                    for row in _residents(p, c.pk, at_desa, start, seed):
                        copy.write_row(row)
                        count += 1
            for definition in indexes:  # built once over all the rows: faster than row by row
                cursor.execute(definition)
        return count
    for p, c, at_desa in zip(plans, campaign_rows, marked, strict=True):
        batch = []
        for row in _residents(p, c.pk, at_desa, start, seed):
            batch.append(Resident(**dict(zip(COLUMNS[:-1], row[:-1], strict=True)), flags=[]))
            if len(batch) == BATCH:
                count += len(Resident.objects.bulk_create(batch))
                batch = []
        count += len(Resident.objects.bulk_create(batch))
    return count


def _set_aside_indexes(cursor, table):
    """Drop the table's plain indexes (not its primary key or unique constraints) inside the
    seeding transaction; return their definitions to build again after the COPY. And, where
    the role may, skip the foreign-key checks row by row: the rows are made consistent."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN"
        " (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    try:
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:  # not a superuser: the checks run, only slower
        pass
    return [definition for _name, definition in indexes]


def _residents(plan, campaign_id, at_desa, start, seed):
    """The rows of one campaign's list: NIKs of their kecamatan (PPKKCC), a birth date
    (day + 40 for women), a serial that keeps them apart; the first of each desa marked
    recorded at its visits, as many as the reports say."""
    rng = random.Random(f"{seed}:{plan.kabupaten.code}:residents")
    serials = defaultdict(int)
    earliest, span = (
        datetime.date(1940, 1, 1),
        (datetime.date(2007, 12, 31) - datetime.date(1940, 1, 1)).days,
    )
    for kecamatan, codes in sorted(plan.desa_by_kecamatan.items()):
        region = kecamatan.replace(".", "")
        for desa in codes:
            recordings = [
                (visit, day)
                for visit, day, how_many in at_desa.get(desa, [])
                for _ in range(how_many)
            ]
            for n in range(plan.residents_per_desa[desa]):
                born = earliest + datetime.timedelta(days=rng.randrange(span))
                sex = rng.choice("LP")
                day = born.day + (40 if sex == "P" else 0)
                key = (region, day, born.month, born.year)
                serials[key] += 1
                nik = f"{region}{day:02d}{born:%m%y}{serials[key]:04d}"
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                visit, recorded_on = recordings[n] if n < len(recordings) else (None, None)
                yield (
                    campaign_id,
                    nik,
                    name,
                    sex,
                    born,
                    "",
                    desa,
                    Resident.Status.RECORDED if visit else Resident.Status.UNRECORDED,
                    recorded_on,
                    visit,
                    "[]",
                )
