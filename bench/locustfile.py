"""The simulated users of bench/load_reports.py, which starts locust with this file and a plan
(LOAD_PLAN: a JSON file) and reads the figures it writes (LOAD_OUT).

Every user of the plan is started at once and gets ready first (the report users log in);
then the steps switch them on in turn: 2, then 4, 8... users send requests one after the
other without pausing, the rest wait. So each step measures a fixed number of busy users,
and the logins (one each, as on a phone that stays logged in all day) are measured apart.
Figures are taken from every request's own end time, not from locust's running totals.
"""

import itertools
import json
import os
import re
import statistics
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, LoadTestShape, constant, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
STEPS = PLAN["steps"]
STEP_SECONDS = PLAN["step_seconds"]
USERS = max(STEPS)
READY_TIMEOUT = 120  # seconds for every user to log in before the steps start anyway
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d*)"')

state = {"step": -1, "ready": 0, "starts": [], "end": None}
records = []  # (end time, request name, milliseconds, error or None)
numbers = itertools.count()


@events.request.add_listener
def _record(name, response_time, exception, **kwargs):
    records.append((time.time(), name, response_time, repr(exception) if exception else None))


class Steps(LoadTestShape):
    """All the plan's users from the start; the step in force is kept in `state`."""

    def tick(self):
        now = time.time()
        if state["step"] < 0:
            if state["ready"] >= USERS or self.get_run_time() > READY_TIMEOUT:
                state["step"] = 0
                state["starts"].append(now)
            return USERS, USERS
        if now - state["starts"][-1] >= STEP_SECONDS:
            if state["step"] + 1 == len(STEPS):
                state["end"] = now
                return None
            state["step"] += 1
            state["starts"].append(now)
        return USERS, USERS


class Stepped(FastHttpUser):
    abstract = True
    wait_time = constant(0)

    def on_start(self):
        self.index = next(numbers)

    def active(self):
        """Whether the step in force counts this user among its busy ones; else wait a bit."""
        if 0 <= state["step"] and self.index < STEPS[state["step"]]:
            return True
        gevent.sleep(0.05)
        return False


class BareUser(Stepped):
    def on_start(self):
        super().on_start()
        state["ready"] += 1

    @task
    def bare(self):
        if self.active():
            self.client.get("/bench/bare/", name="bare")


class ReportUser(Stepped):
    """An operator on a phone: logs in once, then opens the visit's report form and sends it,
    as the page's script does (Accept: application/json, a new submission id for each send,
    the previous one as `after`), each time with another count, so each send is a correction
    saved with its history row."""

    def on_start(self):
        super().on_start()
        self.me = PLAN["users"][self.index]
        self.url = f"/visits/{self.me['visit']}/report/"
        self.sends = 0
        self.last = ""
        page = self.client.get("/accounts/login/", name="login page")
        form = {
            "username": self.me["username"],
            "password": PLAN["password"],
            "csrfmiddlewaretoken": token(page.text),
        }
        with self.client.post(
            "/accounts/login/",
            data=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302 or "/accounts/login/" in answer.headers["Location"]:
                answer.failure(f"login refused: {answer.status_code}")
        state["ready"] += 1

    @task
    def report(self):
        if not self.active():
            return
        with self.client.get(self.url, name="report form", catch_response=True) as page:
            found = VERSION.search(page.text or "")
            if page.status_code != 200 or not found:
                page.failure(f"no report form: {page.status_code}")
                return
        # A visit shared with other load users is sent without the version, as a script
        # would (the last save wins): with it, two users saving the same visit in the same
        # second would get the conflict page, which is right for them but no server error.
        version = "" if self.me["shared"] else found.group(1)
        self.sends += 1
        submission = str(uuid.uuid4())
        form = {
            "csrfmiddlewaretoken": token(page.text),
            # Two counts in turn, different for each user, within what the campaign's sets
            # record (no outlier confirmation asked).
            "recorded_count": 1 + (self.index + self.sends % 2) % self.me["cap"],
            "first_time_voters": 0,
            "failed_count": 0,
            "notes": "",
            "reason": "",
            "version": version,
            "submission": submission,
            "after": self.last,
            "sender": self.me["username"],
        }
        with self.client.post(
            self.url,
            data=urlencode(form),
            headers={
                "Accept": "application/json",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            name="report send",
            catch_response=True,
        ) as answer:
            try:
                saved = answer.json().get("status") == "saved"
            except ValueError:
                saved = False
            if answer.status_code != 200 or not saved:
                answer.failure(f"not saved: {answer.status_code} {(answer.text or '')[:200]}")
            else:
                self.last = submission


def token(html):
    found = CSRF.search(html or "")
    return found.group(1) if found else ""


def summary(rows, seconds):
    times = sorted(ms for _, _, ms, _ in rows)
    errors = [error for *_, error in rows if error]
    return {
        "requests": len(rows),
        "rps": len(rows) / seconds if seconds else 0,
        "failures": len(errors),
        "median_ms": statistics.median(times) if times else None,
        "p95_ms": times[max(0, round(0.95 * len(times)) - 1)] if times else None,
        "first_errors": sorted(set(errors))[:3],
    }


@events.test_stop.add_listener
def _write(**kwargs):
    end = state["end"] or time.time()
    bounds = list(zip(state["starts"], [*state["starts"][1:], end], strict=True))
    steps = []
    for users, (start, stop) in zip(STEPS, bounds, strict=False):
        rows = [r for r in records if start <= r[0] < stop and not r[1].startswith("login")]
        step = {"users": users, "seconds": stop - start, **summary(rows, stop - start)}
        step["by_name"] = {
            name: summary([r for r in rows if r[1] == name], stop - start)
            for name in sorted({r[1] for r in rows})
        }
        steps.append(step)
    logins = [r for r in records if r[1] == "login"]
    Path(os.environ["LOAD_OUT"]).write_text(
        json.dumps({"steps": steps, "login": summary(logins, 0)}, indent=1)
    )
