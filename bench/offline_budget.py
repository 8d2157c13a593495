"""Benchmark: the operator's report page on a phone at 360×740 on emulated slow 3G (400 ms,
500 kbit/s each way), against gunicorn with the production settings (compressed, hashed
static files). Writes the figures to bench/RESULTS.md (between its offline markers) and
prints them. `python bench/offline_budget.py`; needs Debian's Chromium.

Budgets (issue 11): first load of the report page ≤ 50 KB including the service worker's
first caching; ≤ 5 KB per submission; ≤ 5 s from the tap to "saved"; offline, the tap to
"waiting to send" ≤ 1 s.
"""

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.results import write_section  # noqa: E402

PYTHON = sys.executable
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 62_500,
    "uploadThroughput": 62_500,
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(workdir):
    env = os.environ | {
        "DEBUG": "False",
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
    }
    manage = [PYTHON, str(ROOT / "manage.py")]
    for command in (
        ["migrate", "-v0"],
        ["import_wilayah", "--province", "53"],
        ["seed_demo"],
        ["collectstatic", "--no-input", "-v0"],
    ):
        subprocess.run(manage + command, env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, port


class Wire:
    """A TCP relay in front of the server that counts every byte both ways: what a phone's
    line carries, whoever asked (the page or its service worker), caches excluded."""

    def __init__(self, target_port):
        self.total = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.target = target_port
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            client, _ = self.listener.accept()
            server = socket.create_connection(("127.0.0.1", self.target))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self.pipe, args=(a, b), daemon=True).start()

    def pipe(self, source, sink):
        try:
            while data := source.recv(65536):
                self.total += len(data)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def since(self, mark):
        return (self.total - mark) / 1000


def measure(server_port):
    wire = Wire(server_port)
    base = f"http://127.0.0.1:{wire.port}"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport={"width": 360, "height": 740})
        page = context.new_page()
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", "operator")
        page.fill("input[name=password]", "ektp-demo-2024")
        page.click("button.primary")
        page.wait_for_url("**/visits/today/")
        href = page.locator("a.card.tap").first.get_attribute("href")

        # The report page's first load in a new context with the same session: nothing kept.
        fresh = browser.new_context(
            viewport={"width": 360, "height": 740}, storage_state=context.storage_state()
        )
        start = wire.total
        page = fresh.new_page()
        cdp = fresh.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        began = time.perf_counter()
        page.goto(f"{base}{href}")
        page.evaluate("navigator.serviceWorker.ready")
        page.wait_for_timeout(3000)  # the worker's first caching
        first_load = wire.since(start)
        first_seconds = time.perf_counter() - began

        page.fill("input[name=recorded_count]", "61")
        mark, began = wire.total, time.perf_counter()
        page.click("form[data-outbox] button.primary")
        page.locator(".message.success").wait_for()
        to_saved = time.perf_counter() - began
        page.wait_for_load_state("networkidle")
        per_submission = wire.since(mark)

        fresh.set_offline(True)
        page.fill("input[name=recorded_count]", "62")
        began = time.perf_counter()
        page.click("form[data-outbox] button.primary")
        page.locator("#outbox .waiting").wait_for()
        to_waiting = time.perf_counter() - began
        browser.close()
    return {
        "first_load_kb": first_load,
        "first_load_s": first_seconds,
        "per_submission_kb": per_submission,
        "tap_to_saved_s": to_saved,
        "tap_to_waiting_s": to_waiting,
    }


def report(figures):
    rows = [
        (
            "Report page, first load incl. the worker's first caching",
            f"{figures['first_load_kb']:.1f} KB",
            "≤ 50 KB",
        ),
        (
            "One submission (the send; the page shows itself as saved from the answer)",
            f"{figures['per_submission_kb']:.1f} KB",
            "≤ 5 KB",
        ),
        ('Tap to "saved", slow 3G', f"{figures['tap_to_saved_s']:.2f} s", "≤ 5 s"),
        ('Offline: tap to "waiting to send"', f"{figures['tap_to_waiting_s']:.2f} s", "≤ 1 s"),
    ]
    lines = [
        "## The operator's report page on slow 3G (`bench/offline_budget.py`)",
        "",
        "360×740 Chromium, 400 ms latency, 500 kbit/s each way (Chrome DevTools' emulation, which",
        "does not slow the service worker's own fetches), bytes counted on the line by a relay in",
        f"front of gunicorn (headers included), production settings, {time.strftime('%Y-%m-%d')}.",
        "",
        "| figure | measured | budget |",
        "| --- | --- | --- |",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows],
    ]
    block = write_section("offline", lines)
    print(block)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as workdir:
        server, port = serve(workdir)
        try:
            report(measure(port))
        finally:
            server.terminate()
