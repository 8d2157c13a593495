"""How long the schedule planner (reports.proposal.propose) takes on a made-up kabupaten of
51 kecamatan (as Yahukimo) with 6 sets (one stationary) over 20 days.

    .venv/bin/python bench/proposal.py

The planner alone: no database. Two cases: every kecamatan can be covered, and not (fewer days), which
adds the re-runs that say how many more sets or days would cover them.
"""

import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()  # reports.proposal also holds the ORM side; propose() itself never uses it

from reports.proposal import MOBILE, STATIONARY, PlannerInput, PlanPlace, PlanSet, propose  # noqa: E402


def made_up(*, kecamatan=51, desa_per_kecamatan=12, sets=6, days=20, by_desa=True):
    rng = random.Random(12)
    first = datetime.date(2024, 1, 24)
    dates = [first + datetime.timedelta(days=i) for i in range(days)]
    coordinates, places = {}, []
    for k in range(kecamatan):
        code = f"95.01.{k + 1:02d}"
        lat, lng = -4.5 + rng.uniform(-0.8, 0.8), 139.5 + rng.uniform(-0.8, 0.8)
        coordinates[code] = (lat, lng)
        if not by_desa:
            places.append(PlanPlace(code, None, rng.randint(20, 400)))
            continue
        for d in range(desa_per_kecamatan):
            desa = f"{code}.{2001 + d}"
            coordinates[desa] = (lat + rng.uniform(-0.05, 0.05), lng + rng.uniform(-0.05, 0.05))
            places.append(PlanPlace(code, desa, rng.randint(0, 40)))
    plan_sets = [PlanSet("S-01", "95.01.01", dict.fromkeys(dates, STATIONARY))] + [
        PlanSet(f"M-{i:02d}", "95.01.01", dict.fromkeys(dates, MOBILE)) for i in range(1, sets)
    ]
    return PlannerInput(
        days=dates, sets=plan_sets, places=places, average_per_visit=75, coordinates=coordinates
    )


def timed(label, data):
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        proposal = propose(data)
        runs.append(time.perf_counter() - started)
    print(
        f"{label}: {min(runs) * 1000:.0f} ms (best of 3); {len(proposal.visits)} visits, "
        f"{proposal.promised} promised, {len(proposal.unvisited)} unvisited, "
        f"extra sets {proposal.extra_sets}, extra days {proposal.extra_days}"
    )


if __name__ == "__main__":
    timed("51 kecamatan by desa (612 desa), 6 sets, 20 days", made_up())
    timed("51 kecamatan, ledger only, 6 sets, 20 days", made_up(by_desa=False))
    timed("51 kecamatan by desa, 6 sets, 8 days (cannot cover)", made_up(days=8))
