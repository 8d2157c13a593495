"""Benchmark: the whole country at once, measured as ratios (`make bench`, issue 13).

On PostgreSQL (DATABASE_URL names a server and a database name to derive throwaway names
from; nothing is written to that database itself):
1. a template database with the migrations and the regions;
2. from it, the whole country by `seed_scale` (every kabupaten/kota, RESIDENTS residents),
   and one database for each measured campaign holding that campaign alone, the same rows;
3. each page measured in-process (Django's test client, so no network in the figure):
   median and 95th percentile of REPEATS runs; then the SQL the page ran, replayed alone
   on the same connection: the database's own share;
4. ratios: whole country ÷ one campaign (does a page's cost grow with the data?) and page ÷
   its bare SQL (how close to the database's limit?), written to bench/RESULTS.md.
The databases are dropped at the end unless KEEP=1.

`python bench/scale.py` runs it all; `python bench/scale.py measure` is the step run inside
each database (a process of its own, since Django's settings name one database).
"""

import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.results import write_section  # noqa: E402

PYTHON = sys.executable
RESIDENTS = int(os.environ.get("RESIDENTS", 4_000_000))
IMPORT_ROWS = int(os.environ.get("IMPORT_ROWS", 1_000_000))
REPEATS = int(os.environ.get("REPEATS", 20))
TTU = "53.03"
PASSWORD = "bench-2024"
GOALS = {"one": 1.2, "sql": 3.0, "list_ms": 300, "search_ms": 100}


# --- The orchestrator --------------------------------------------------------------------------


def database_url(name):
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def psql_args():
    parts = urlsplit(os.environ["DATABASE_URL"])
    return ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U",
            parts.username or "postgres"]  # fmt: skip


def run(*args, db=None, capture=False):
    # Production settings (no DEBUG), static files without the manifest (no collectstatic).
    env = os.environ | {
        "DEBUG": "False",
        "SECRET_KEY": "bench",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "False",
        "DJANGO_SETTINGS_MODULE": "tests.server_settings",
    }
    if db:
        env["DATABASE_URL"] = database_url(db)
    result = subprocess.run(args, cwd=ROOT, env=env, check=True, text=True, capture_output=capture)
    return result.stdout


def createdb(name, template=None):
    run("dropdb", *psql_args(), "--if-exists", name)
    run("createdb", *psql_args(), *(["-T", template] if template else []), name)


def manage(db, *args):
    return run(PYTHON, "manage.py", *args, db=db, capture=True)


def sql(db, query):
    return run("psql", *psql_args(), "-d", db, "-tAc", query, capture=True).strip()


def main():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("make bench runs on PostgreSQL: set DATABASE_URL=postgres://user@host:5432/name")
    prefix = urlsplit(os.environ["DATABASE_URL"]).path.strip("/") or "ektp_bench"
    base, whole = f"{prefix}_base", f"{prefix}_country"
    began = time.perf_counter()
    steps = {}

    createdb(base)
    manage(base, "migrate", "--no-input", "-v0")
    manage(base, "import_wilayah")
    largest = sql(
        base,
        "select k.code from campaigns_kabupaten k join campaigns_kecamatan c on c.kabupaten_id"
        " = k.code join campaigns_desa d on d.kecamatan_id = c.code group by k.code"
        " order by count(*) desc, k.code limit 1",
    )
    steps["template (migrations, regions)"] = time.perf_counter() - began

    mark = time.perf_counter()
    createdb(whole, template=base)
    manage(whole, "seed_scale", "--residents", str(RESIDENTS))
    steps["seed_scale, the whole country"] = time.perf_counter() - mark
    alone = {}
    for code in (TTU, largest):
        alone[code] = f"{prefix}_{code.replace('.', '_')}"
        createdb(alone[code], template=base)
        manage(alone[code], "seed_scale", "--residents", str(RESIDENTS), "--only", code)

    mark = time.perf_counter()
    slugs = [f"scale-{code.replace('.', '-')}" for code in (TTU, largest)]
    country = json.loads(run(PYTHON, __file__, "measure", *slugs, db=whole, capture=True))
    single = {
        code: json.loads(run(PYTHON, __file__, "measure", slug, db=alone[code], capture=True))
        for code, slug in zip((TTU, largest), slugs, strict=True)
    }
    steps["pages measured"] = time.perf_counter() - mark
    sizes = {
        "residents": int(sql(whole, "select count(*) from residents_resident")),
        "visits": int(sql(whole, "select count(*) from campaigns_visit")),
        "reports": int(sql(whole, "select count(*) from reports_dailyreport")),
        "database": sql(whole, f"select pg_size_pretty(pg_database_size('{whole}'))"),
    }
    run_others(prefix, whole, steps)
    if os.environ.get("KEEP") != "1":
        for name in [whole, *alone.values(), base]:
            run("dropdb", *psql_args(), "--if-exists", name)
    steps["total"] = time.perf_counter() - began
    pairs = list(zip(slugs, (TTU, largest), strict=True))
    write(country, single, pairs, sizes, steps)


def run_others(prefix, whole, steps):
    """The import against bare COPY (bench/import_residents.py, a database of its own) and
    the report submissions under load (bench/load_reports.py, against the whole country).
    Each writes its own section of bench/RESULTS.md."""
    mark = time.perf_counter()
    run(PYTHON, "bench/import_residents.py", str(IMPORT_ROWS), db=f"{prefix}_import")
    steps[f"import of {IMPORT_ROWS:,} rows and bare COPY"] = time.perf_counter() - mark
    if (ROOT / "bench" / "load_reports.py").exists():
        mark = time.perf_counter()
        # One round of short steps: the 15 minutes of make bench hold it (make bench-load: two).
        run(PYTHON, "bench/load_reports.py", "--rounds", "1", "--step-seconds", "15", db=whole)
        steps["report submissions under load"] = time.perf_counter() - mark


# --- Inside one database -----------------------------------------------------------------------


def measure(slugs):
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's templates and context, no emails sent
    koordinator, operator = bench_users()
    results = {}
    for slug in slugs:
        results[slug] = {
            label: measure_page(client, method, url, data)
            for label, client, method, url, data in pages(slug, koordinator, operator)
        }
    results["lists"] = {
        label: measure_page(koordinator, "get", url, data)
        for label, url, data in [
            ("campaign list, one province (NTT)", "/campaigns/", {"provinsi": "53"}),
            ("campaign list, the country", "/campaigns/", {}),
        ]
    }
    print(json.dumps(results))


def bench_users():
    from django.contrib.auth.models import Group, User
    from django.test import Client

    clients = []
    for name, group in [("bench-koordinator", "Koordinator"), ("bench-operator", "Operator")]:
        user, _ = User.objects.get_or_create(username=name)
        user.groups.add(Group.objects.get(name=group))
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def pages(slug, koordinator, operator):
    from django.urls import NoReverseMatch, reverse

    from residents.models import Resident

    someone = Resident.objects.filter(campaign__slug=slug).order_by("pk")[500]
    residents = reverse("residents:list", args=[slug])
    # A whole NIK is searched by posting it; the list then shows it by a token.
    answer = operator.post(residents, {"q": someone.nik})
    found = answer.headers["Location"]
    listed = [
        ("dashboard", koordinator, "get", reverse("campaigns:dashboard", args=[slug]), {}),
        ("progress.json", koordinator, "get", reverse("campaigns:progress_json", args=[slug]), {}),
        ("per-kecamatan table", koordinator, "get", reverse("campaigns:kecamatan", args=[slug]), {}),
        ("briefing", koordinator, "get", reverse("campaigns:briefing", args=[slug]), {}),
        ("residents: search by name", operator, "get", residents, {"q": someone.name}),
        ("residents: last 4 digits", operator, "get", residents, {"q": someone.nik[-4:]}),
        ("residents: whole NIK", operator, "get", found, {}),
    ]  # fmt: skip
    try:
        listed.append(
            # Admins and operators open it (koordinators read the ranked list instead).
            ("schedule proposal", operator, "get", reverse("campaigns:propose", args=[slug]), {})
        )
    except NoReverseMatch:
        pass
    return listed


def measure_page(client, method, url, data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def once():
        began = time.perf_counter()
        response = getattr(client, method)(url, data)
        elapsed = (time.perf_counter() - began) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return elapsed

    once()  # warm: templates compiled, caches filled, as on a running server
    with CaptureQueriesContext(connection) as captured:
        once()
    # A server-side cursor (QuerySet.iterator) is declared; its query is replayed plainly.
    statements = [
        re.sub(r"^DECLARE .*? CURSOR (WITH(OUT)? HOLD )?FOR ", "", q["sql"], flags=re.S)
        for q in captured.captured_queries
    ]
    timings = [once() for _ in range(REPEATS)]
    bare = []
    with connection.cursor() as cursor:
        for _ in range(REPEATS):
            began = time.perf_counter()
            for statement in statements:
                cursor.execute(statement)
                if cursor.description:
                    cursor.fetchall()
            bare.append((time.perf_counter() - began) * 1000)
    return {
        "median": statistics.median(timings),
        "p95": percentile(timings, 95),
        "sql_median": statistics.median(bare),
        "sql_p95": percentile(bare, 95),
        "queries": len(statements),
    }


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# --- The report ----------------------------------------------------------------------------


def write(country, single, pairs, sizes, steps):
    import platform

    ms = "{:.0f}".format
    lines = [
        "## The whole country at once (`make bench`, bench/scale.py)",
        "",
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; PostgreSQL; "
        f"{time.strftime('%Y-%m-%d')}.",
        f"Whole country: {sizes['residents']:,} residents, {sizes['visits']:,} visits, "
        f"{sizes['reports']:,} reports, database {sizes['database']}. "
        f"Each figure: {REPEATS} runs in-process (no network), median and 95th percentile; "
        '"one campaign" is the same page in a database holding that campaign alone; '
        '"bare SQL" is the SQL the page ran, replayed alone.',
        "",
        "| campaign | page | median | p95 | one campaign | ÷ one (≤ 1.2) | bare SQL | "
        "÷ SQL (≤ 3) | queries |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for slug, code in pairs:
        for label, figure in country[slug].items():
            one = single[code][slug][label]
            over_one = figure["median"] / one["median"]
            over_sql = figure["median"] / max(figure["sql_median"], 0.01)
            lines.append(
                f"| {slug} | {label} | {ms(figure['median'])} ms | {ms(figure['p95'])} ms | "
                f"{ms(one['median'])} ms | {mark(over_one, GOALS['one'])} | "
                f"{figure['sql_median']:.1f} ms | {mark(over_sql, GOALS['sql'])} | "
                f"{figure['queries']} |"
            )
    lines += [
        "",
        "Where a page is over 3× its SQL, the rest is Python's: the HTML, the SVG charts and "
        "map, the forms; the SQL itself is a few milliseconds whatever the country holds.",
        "",
        "| list | median | p95 | goal | queries |",
        "| --- | --- | --- | --- | --- |",
    ]
    for label, figure in country["lists"].items():
        goal = "< 300 ms" if "country" in label else ""
        ok = "" if not goal else (" ✓" if figure["median"] < GOALS["list_ms"] else " ✗")
        lines.append(
            f"| {label} | {ms(figure['median'])} ms{ok} | {ms(figure['p95'])} ms | {goal} | "
            f"{figure['queries']} |"
        )
    lines += ["", "Time taken: " + ", ".join(f"{k} {v:.0f} s" for k, v in steps.items()) + "."]
    print(write_section("scale", lines))


def mark(ratio, goal):
    return f"{ratio:.2f}{' ✓' if ratio <= goal else ' ✗'}"


if __name__ == "__main__":
    if sys.argv[1:2] == ["measure"]:
        measure(sys.argv[2:])
    else:
        main()
