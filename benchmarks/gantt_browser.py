"""Benchmark: the Gantt of a 5,000-task project in the real app, in Chromium.

Builds a project with the demo's plan generator (phases, parallel branches, milestones,
mixed links) in a fresh SQLite database, serves the app with ``pmo serve`` (gunicorn),
logs in with Playwright and measures, as ``benchmarks/gantt_component.py`` does:

- ``interactive_ms``: navigation start to the Gantt's first painted frame with data
  (``gantt:ready``), median of 3 page loads; includes the server building the payload.
- ``drag_reschedule_ms``: mouse-up to the frame painted after the server's answer,
  median of 5 drags of critical tasks a week later: the server re-schedules the whole
  plan in one transaction and answers with every task that moved.

Targets (issue 3): interactive within 1,000 ms, drag within 300 ms.
Usage: ``python benchmarks/gantt_browser.py [--quick] [--n N]``; the last line is JSON with
the keys ``tasks``, ``interactive_ms``, ``drag_reschedule_ms``.
"""

import argparse
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from gantt_component import (  # noqa: E402
    CHROMIUM,
    DRIVING_PREDECESSORS,
    VIEWPORT,
    launch_chromium,
    measure_drag,
    measure_ready,
)

PASSWORD = "bench-pass-1"


def build_database(n: int, seed: int) -> tuple[str, int, int]:
    folder = tempfile.mkdtemp(prefix="pmo-gantt-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.config.settings.dev")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from pmo.portfolios.models import Portfolio, Project
    from pmo.schedules.demo import build_plan

    with transaction.atomic():
        get_user_model().objects.create_superuser("bench", "bench@example.org", PASSWORD)
        portfolio = Portfolio.objects.create(code="BENCH", name="Benchmark")
        project = Project.objects.create(
            portfolio=portfolio,
            code="BENCH-1",
            name=f"{n} tasks",
            planned_start=dt.date(2026, 1, 5),
        )
        tasks = build_plan(project, random.Random(seed), dt.date(2026, 1, 5), size=n)
    return os.environ["DATABASE_URL"], project.pk, tasks


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database_url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "false"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "pmo.config.settings.dev")
    process = subprocess.Popen(
        [sys.executable, "-m", "pmo.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2)
            return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    sys.exit("The app did not start within 120 s.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="1,000 tasks instead of 5,000")
    parser.add_argument("--n", type=int)
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--drags", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    n = args.n or (1000 if args.quick else 5000)
    if not Path(CHROMIUM).exists():
        sys.exit(f"Chromium not found at {CHROMIUM} (apt-get install chromium).")

    database_url, project_id, tasks = build_database(n, args.seed)
    port = free_port()
    server = start_server(database_url, port)
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/projects/{project_id}/gantt/"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            context = browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            page.goto(f"{base}/login/")
            page.fill("#id_username", "bench")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            measure_ready(page, url)  # warm the server's caches once
            loads = [measure_ready(page, url) for _ in range(args.loads)]
            page.evaluate("window.gantt.setZoom('day')")
            day_px = page.evaluate("window.gantt.zoom.pxPerDay")
            drags = [
                measure_drag(page, task_id, days=7, day_px=day_px)
                for task_id in page.evaluate(DRIVING_PREDECESSORS, args.drags)
            ]
            server_ms = page.evaluate(
                "() => document.querySelector('.gantt-status, [data-status]')?.textContent || ''"
            )
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)

    result = {
        "tasks": tasks,
        "interactive_ms": round(statistics.median(loads), 1),
        "drag_reschedule_ms": round(statistics.median(drags), 1) if drags else None,
    }
    print(f"Gantt in the app, {tasks:,} tasks (SQLite, gunicorn, headless Chromium)")
    print(f"{'measure':<22}{'median':>10}  runs")
    print(
        f"{'interactive (ms)':<22}{result['interactive_ms']:>10.1f}  "
        + ", ".join(f"{ms:.0f}" for ms in loads)
    )
    print(
        f"{'drag reschedule (ms)':<22}{result['drag_reschedule_ms'] or 0:>10.1f}  "
        + ", ".join(f"{ms:.0f}" for ms in drags)
    )
    if server_ms:
        print(f"last status line: {server_ms.strip()}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
