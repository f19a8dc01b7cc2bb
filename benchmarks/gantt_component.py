"""Benchmark: the Gantt component alone, on its static demo page, in Chromium.

The demo page (``src/pmo/schedules/static/schedules/gantt-demo.html``) generates a
project of N tasks with a seeded generator and answers edits with an in-page fake of
the REST API that runs a forward and backward pass in JavaScript. Measured:

- ``interactive_ms``: navigation start to the first painted frame with data (the
  component's ``gantt:ready`` event, ``window.__ganttReadyMs``), median of 3 page loads.
  It includes loading the page, generating the project and passing it through JSON.
- ``drag_reschedule_ms``: mouse-up to the frame painted after the answer was applied
  (``window.__ganttLastRescheduleMs``), median of 5 drags, each moving a critical task
  a week later so that its successors, and the rest of its path, move too.

The peer quoted in issue 3, frappe-gantt, takes 5-6 s to render 5,000 rows; it is not
an npm dependency of pmo, so it is not run here.

Usage: ``python benchmarks/gantt_component.py [--quick] [--n N] [--loads L] [--drags D]``.
The last line printed is one JSON object. The measuring helpers are small functions so
that a benchmark against the real app can reuse them.
"""

import argparse
import contextlib
import functools
import http.server
import json
import os
import statistics
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Browser, Page, Playwright, sync_playwright

STATIC = Path(__file__).resolve().parents[1] / "src/pmo/schedules/static/schedules"
CHROMIUM = os.environ.get("PMO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
DAY_PX = 28  # one day at the "day" zoom

# FS links whose successor starts within three days of the finish of a critical
# predecessor: dragging that predecessor later moves the successor and the project.
DRIVING_PREDECESSORS = """(count) => {
    const g = window.gantt;
    const found = [];
    for (const link of g.linkList()) {
        if (link.type !== "FS" || link.external) continue;
        const p = g.task(link.predecessor);
        const s = g.task(link.successor);
        const gap = Date.parse(s.start) - Date.parse(p.finish);
        if (p.critical && !p.milestone && gap < 3 * 86400000 && !found.includes(p.id)) {
            found.push(p.id);
        }
    }
    const step = Math.max(1, Math.floor(found.length / count));
    return found.filter((_, k) => k % step === 0).slice(0, count);
}"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serves a directory over HTTP on a free local port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def launch_chromium(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def measure_ready(page: Page, url: str) -> float:
    """Loads a page holding a Gantt; ms from navigation start to its first data frame."""
    page.goto(url)
    page.wait_for_function("window.__ganttReadyMs !== undefined", timeout=30_000)
    return page.evaluate("window.__ganttReadyMs")


def measure_drag(page: Page, task_id: int, days: int, day_px: float = DAY_PX) -> float:
    """Drags a task's bar `days` later; ms from mouse-up to the answer painted."""
    page.evaluate(
        """(id) => {
            window.__ganttLastRescheduleMs = undefined;
            window.gantt.scrollToTask(id);
        }""",
        task_id,
    )
    rect = page.evaluate(
        """(id) => new Promise((resolve) => requestAnimationFrame(
            () => resolve(window.gantt.barRect(id))))""",
        task_id,
    )
    x = rect["left"] + min(rect["width"] / 2, 20)
    y = rect["top"] + rect["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + days * day_px, y, steps=6)
    page.mouse.up()
    page.wait_for_function("window.__ganttLastRescheduleMs !== undefined", timeout=30_000)
    return page.evaluate("window.__ganttLastRescheduleMs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="1,000 tasks instead of 5,000")
    parser.add_argument("--n", type=int, help="number of tasks")
    parser.add_argument("--loads", type=int, default=3, help="page loads timed")
    parser.add_argument("--drags", type=int, default=5, help="drags timed")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    n = args.n or (1000 if args.quick else 5000)
    if not Path(CHROMIUM).exists():
        sys.exit(
            f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set PMO_CHROMIUM)."
        )

    with serve_directory(STATIC) as base, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        url = f"{base}/gantt-demo.html?n={n}&seed={args.seed}&zoom=day"
        loads = []
        # Each page has a context of its own: every load is a first visit (cold cache).
        for _ in range(args.loads):
            page = browser.new_page(viewport=VIEWPORT)
            loads.append(measure_ready(page, url))
            page.close()
        page = browser.new_page(viewport=VIEWPORT)
        measure_ready(page, url)
        drags = []
        for task_id in page.evaluate(DRIVING_PREDECESSORS, args.drags):
            drags.append(measure_drag(page, task_id, days=7))
        browser.close()

    result = {
        "tasks": n,
        "interactive_ms": round(statistics.median(loads), 1),
        "drag_reschedule_ms": round(statistics.median(drags), 1),
    }
    print(f"Gantt component on the demo page, {n:,} tasks, headless Chromium")
    print(f"{'measure':<22}{'median':>10}  runs")
    runs = ", ".join(f"{ms:.0f}" for ms in loads)
    print(f"{'interactive (ms)':<22}{result['interactive_ms']:>10.1f}  {runs}")
    runs = ", ".join(f"{ms:.0f}" for ms in drags)
    print(f"{'drag reschedule (ms)':<22}{result['drag_reschedule_ms']:>10.1f}  {runs}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
