"""Benchmark: operators sending their daily reports at once, against gunicorn on this machine,
as a ratio to a bare Django view on the same server (issue 13).

`DATABASE_URL=postgres://.../bench_load_x python bench/load_reports.py` (or `make bench-load`),
on a PostgreSQL database that holds campaigns with visits dated today (`seed_demo` is enough;
`seed_scale` too). It makes operators `load-op-0`, `load-op-1`... (Operator group), each named
on one of today's visits without a report (several on one visit when there are fewer visits
than users), starts gunicorn with the production settings and gunicorn.conf.py plus a bare
view (bench/settings.py, bench/urls.py), and runs locust headless (bench/locustfile.py),
bare view and report flow in turn, each twice:

- the bare view: GET /bench/bare/, Django's middleware and gunicorn around an empty answer;
- the report flow: each user logs in once (the login page, then its form), then opens its
  visit's report form and sends it as the page's script does, again and again.

Both ramp in steps of busy users without pauses (2, 4, 8, 16, 32 by default, 20 s each),
recording per step requests a second, failures, median and 95th percentile. The knee is the
last step with no failure and a 95th percentile at most twice the first step's. Writes the
figures between the load markers of bench/RESULTS.md and returns them (`measure()`).

The database keeps the load users and their reports; use a throwaway one.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.results import write_section  # noqa: E402

PYTHON = sys.executable
PASSWORD = "load-bench-2024"
USERNAME = "load-op-{}"
STEPS = (2, 4, 8, 16, 32)
STEP_SECONDS = 20
# Synchronous gunicorn workers: two cores run the server, PostgreSQL and locust itself. Four
# workers keep both cores busy while some wait on the database; gunicorn.conf.py's default
# (2 × cores + 1 = 5) is for a machine whose cores serve pages alone.
WORKERS = 4


def prepare(count: int) -> list[dict]:
    """The load users, each with its visit (today's, no report before the first run) and the
    highest count it may send without the outlier check asking for a confirmation."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User
    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone

    from campaigns.models import Visit
    from reports.models import DailyReport
    from reports.services import OUTLIER_FACTOR, PLAUSIBLE_DAILY_PER_SET

    today = timezone.localdate()
    names = [USERNAME.format(i) for i in range(count)]
    memberships = Visit.operators.through.objects.filter(user__username__startswith="load-op-")
    with transaction.atomic():
        # A run before this one reported these visits: the same visits again.
        visits = list(
            Visit.objects.of_open_campaigns()
            .filter(date=today, pk__in=memberships.values("visit_id"))
            .select_related("campaign")
            .order_by("pk")[:count]
        )
        visits += (
            Visit.objects.of_open_campaigns()
            .filter(date=today, report__isnull=True)
            .exclude(pk__in=[v.pk for v in visits])
            .select_related("campaign")
            .order_by("pk")[: count - len(visits)]
        )
        if not visits:
            raise SystemExit(f"No visit dated {today} without a report: load seed_demo first.")
        memberships.delete()
        operator = Group.objects.get(name="Operator")
        hashed = make_password(PASSWORD)  # once: every load user has the same password
        users = []
        for name in names:
            user, _ = User.objects.update_or_create(
                username=name, defaults={"password": hashed, "is_active": True}
            )
            user.groups.add(operator)
            users.append(user)
        plan = []
        for i, user in enumerate(users):
            visit = visits[i % len(visits)]
            visit.operators.add(user)
            limit = visit.campaign.max_daily_per_set or PLAUSIBLE_DAILY_PER_SET
            best = (
                DailyReport.objects.filter(visit__campaign_id=visit.campaign_id)
                .exclude(visit=visit)
                .aggregate(best=Max("recorded_count"))["best"]
            )
            cap = min(60, limit, OUTLIER_FACTOR * best if best else 60)
            plan.append(
                {
                    "username": user.username,
                    "visit": visit.pk,
                    "shared": count > len(visits),
                    "cap": max(cap, 1),
                }
            )
    return plan


def server_env(database_url: str) -> dict:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "False",
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "DATABASE_URL": database_url,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(env: dict, workers: int):
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "config.wsgi"]
        + ["-b", f"127.0.0.1:{port}", "-w", str(workers)]
        # No worker replaced after 1,000 requests during the run: at the bare view's pace that
        # is a restart (a second of CPU) every few seconds, which would measure gunicorn.
        + ["--max-requests", "0"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,  # the access log: a line a request, as in production
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return server, url
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz")


def swarm(url: str, user_class: str, plan: dict) -> dict:
    """One locust run (one process: gevent, FastHttpUser) of `user_class` through the steps."""
    with tempfile.TemporaryDirectory() as work:
        plan_file, out = Path(work) / "plan.json", Path(work) / "out.json"
        plan_file.write_text(json.dumps(plan))
        done = subprocess.run(
            [PYTHON, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py")]
            + ["--headless", "--only-summary", "--host", url, "--loglevel", "WARNING"]
            + [user_class],
            env=os.environ | {"LOAD_PLAN": str(plan_file), "LOAD_OUT": str(out)},
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if not out.exists():
            raise SystemExit(f"locust wrote no figures:\n{done.stderr[-3000:]}")
        figures = json.loads(out.read_text())
    # locust says so when its own process runs out of CPU: then it, not the server, limits.
    figures["locust_cpu_warning"] = "CPU usage" in done.stderr
    return figures


def knee(steps: list[dict]) -> dict | None:
    """The last step before the first failure or a 95th percentile above twice the first
    step's (the lightest load's); None when the first step fails already."""
    best = None
    for step in steps:
        if step["failures"] or not step["requests"]:
            break
        if best is not None and step["p95_ms"] > 2 * steps[0]["p95_ms"]:
            break
        best = step
    return best


def peak(steps: list[dict]) -> dict | None:
    """The step with the most requests a second among those without a failure."""
    return max(
        (s for s in steps if s["requests"] and not s["failures"]),
        key=lambda s: s["rps"],
        default=None,
    )


def measure(
    database_url: str,
    *,
    steps=STEPS,
    step_seconds: int = STEP_SECONDS,
    rounds: int = 2,
    workers: int = WORKERS,
    write: bool = True,
) -> dict:
    """Bare view and report flow in turn, `rounds` times; the figures, written to
    bench/RESULTS.md when `write`."""
    env = server_env(database_url)
    prepared = subprocess.run(
        [PYTHON, __file__, "--prepare", str(max(steps))],
        env=env | {"DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    users = json.loads(prepared.stdout)
    plan = {
        "steps": list(steps),
        "step_seconds": step_seconds,
        "users": users,
        "password": PASSWORD,
    }
    server, url = serve(env, workers)
    results = []
    try:
        for _ in range(rounds):
            bare = swarm(url, "BareUser", plan)
            report = swarm(url, "ReportUser", plan)
            results.append({"bare": bare, "report": report})
    finally:
        server.terminate()
        server.wait()
    figures = {
        "cores": os.cpu_count(),
        "workers": workers,
        "steps": list(steps),
        "step_seconds": step_seconds,
        "visits": len({u["visit"] for u in users}),
        "users": len(users),
        "rounds": results,
    }
    for result in results:
        result["bare_knee"], result["report_knee"] = (
            knee(result["bare"]["steps"]),
            knee(result["report"]["steps"]),
        )
        bare_knee, report_knee = result["bare_knee"], result["report_knee"]
        result["ratio"] = (
            report_knee["rps"] / bare_knee["rps"] if bare_knee and report_knee else None
        )
        result["errors"] = (
            sum(s["failures"] for s in result["report"]["steps"])
            + result["report"]["login"]["failures"]
        )
    if write:
        write_results(figures)
    return figures


def _ms(value):
    return "—" if value is None else f"{value:.0f}"


def _table(steps: list[dict], names: list[str]) -> list[str]:
    head = "| busy users | requests/s | failures | median ms | p95 ms |"
    extra = "".join(f" {name}: /s, p95 ms |" for name in names)
    lines = [head + extra, "|" + " --- |" * (5 + len(names))]
    for s in steps:
        by_name = "".join(
            f" {s['by_name'].get(n, {}).get('rps', 0):.1f}, "
            f"{_ms(s['by_name'].get(n, {}).get('p95_ms'))} |"
            for n in names
        )
        lines.append(
            f"| {s['users']} | {s['rps']:.1f} | {s['failures']} | {_ms(s['median_ms'])} | "
            f"{_ms(s['p95_ms'])} |{by_name}"
        )
    return lines


def write_results(figures: dict) -> str:
    setup = (
        f"{figures['cores']} cores shared by gunicorn, PostgreSQL and locust, "
        f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC. gunicorn.conf.py with "
        f"{figures['workers']} sync workers (none replaced during the run), production "
        "settings (DEBUG off, access log on) plus a bare view; one locust process (FastHttpUser). "
        f"{figures['users']} operators on {figures['visits']} of today's visits; busy users "
        f"without pauses, {figures['step_seconds']} s a step. The report flow: open the "
        "report form, send it as the page's script does (JSON answer, a new count each time: "
        "a correction with its history row); each user logged in once before the steps. The "
        "knee: the last step with no failure and a p95 at most twice the first step's."
    )
    lines = [
        "## Report submissions under load (`bench/load_reports.py`)",
        "",
        textwrap.fill(setup, width=95),
        "",
    ]
    for n, result in enumerate(figures["rounds"], 1):
        bare, report = result["bare"], result["report"]
        bk, rk = result["bare_knee"], result["report_knee"]
        lines += [
            f"### Round {n}",
            "",
            "Bare view (`/bench/bare/`):",
            "",
            *_table(bare["steps"], []),
            "",
            "Report flow (requests: the form and the send):",
            "",
            *_table(report["steps"], ["report form", "report send"]),
            "",
            f"Logins (one a user, before the steps): {report['login']['requests']}, "
            f"{report['login']['failures']} failed, median {_ms(report['login']['median_ms'])} "
            f"ms, p95 {_ms(report['login']['p95_ms'])} ms.",
        ]
        if bare.get("locust_cpu_warning") or report.get("locust_cpu_warning"):
            lines.append("locust warned that its own CPU was saturated in this round.")
        bare_peak, report_peak = peak(bare["steps"]), peak(report["steps"])
        if bare_peak and report_peak:
            lines += [
                "",
                f"Peak (any step without failure): bare view {bare_peak['rps']:.1f} "
                f"requests/s at {bare_peak['users']} users, report flow "
                f"{report_peak['rps']:.1f} at {report_peak['users']} users "
                f"(p95 {_ms(report_peak['p95_ms'])} ms): "
                f"{report_peak['rps'] / bare_peak['rps']:.0%}.",
            ]
        if bk and rk:
            sends = rk["by_name"].get("report send", {}).get("rps", 0)
            lines += [
                "",
                f"Knee: bare view {bk['rps']:.1f} requests/s at {bk['users']} users; report "
                f"flow {rk['rps']:.1f} requests/s ({sends:.1f} sends/s) at {rk['users']} users. "
                f"**Ratio {result['ratio']:.0%}** (goal ≥ 25 %: "
                f"{'met' if result['ratio'] >= 0.25 else 'missed'}); sends alone "
                f"{sends / bk['rps']:.0%}; report flow errors: {result['errors']} (goal 0). "
                f"A request of the report flow costs the server about "
                f"{bk['rps'] / rk['rps']:.0f} bare requests.",
            ]
        else:
            lines += ["", "No knee: the first step failed already."]
        lines.append("")
    block = write_section("load", lines)
    print(block)
    return block


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--steps", default=",".join(map(str, STEPS)))
    parser.add_argument("--step-seconds", type=int, default=STEP_SECONDS)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=WORKERS)
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare(args.prepare)))
        return
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL=postgres://... (a throwaway database, see the doc).")
    measure(
        database_url,
        steps=[int(n) for n in args.steps.split(",")],
        step_seconds=args.step_seconds,
        rounds=args.rounds,
        workers=args.workers,
    )


if __name__ == "__main__":
    main()
