"""The executive dashboard and its API on the scaled demo (200 projects, ~50,000 tasks).

Builds ``build_demo(projects=200)`` in the database named by ``DATABASE_URL`` (default:
``var/bench-dashboard.sqlite3``), or reuses it when it already holds the scaled demo;
then, in-process with Django's test client, requests the executive dashboard
(``/dashboard/``) and the portfolio health grid API (``/api/v1/dashboard/projects/``)
50 times each as the PMO admin, and times the server side of each request. The query
count is of one request. Target: p95 <= 300 ms with a query count that does not grow
with the number of projects (tests/reporting/test_dashboards.py asserts that part).

Last line: JSON with the keys ``projects``, ``tasks``, ``dashboard_p50_ms``,
``dashboard_p95_ms``, ``dashboard_queries``, ``api_p95_ms``, ``api_queries``.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
SCALE = 200


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.config.settings.dev")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def ensure_demo() -> bool:
    """Build the scaled demo unless it is there already; True when it was built now."""
    from pmo.finance.models import EvmRecord
    from pmo.portfolios.models import Project

    if Project.objects.count() >= SCALE and EvmRecord.objects.exists():
        return False
    if Project.objects.exists():
        sys.exit("DATABASE_URL holds other data; point it at an empty database or the demo.")
    from pmo.demo import build_demo

    started = time.perf_counter()
    summary = build_demo(projects=SCALE, progress=lambda line: print(line, flush=True))
    print(f"{summary} ({time.perf_counter() - started:.0f} s)", flush=True)
    return True


def timed(client, url: str, repeats: int) -> tuple[list[float], int]:
    from django.db import connection

    # Counted with an execute wrapper: the request may close and reopen the connection,
    # which a CaptureQueriesContext around it does not survive.
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url)
        times.append(1000 * (time.perf_counter() - started))
        assert response.status_code == 200
    return times, len(queries)


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--quick", action="store_true", help="20 requests of each")
    args = parser.parse_args()
    repeats = 20 if args.quick else args.repeats
    setup(os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'var' / 'bench-dashboard.sqlite3'}")
    ensure_demo()

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings

    from pmo.portfolios.models import Project
    from pmo.schedules.models import Task

    admin = get_user_model().objects.filter(username__startswith="pmo.").first()
    with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
        client = Client()
        client.force_login(admin)
        dashboard, dashboard_queries = timed(client, "/dashboard/", repeats)
        api, api_queries = timed(client, "/api/v1/dashboard/projects/", repeats)
    result = {
        "projects": Project.objects.count(),
        "tasks": Task.objects.count(),
        "dashboard_p50_ms": round(statistics.median(dashboard), 1),
        "dashboard_p95_ms": round(p(dashboard, 95), 1),
        "dashboard_queries": dashboard_queries,
        "api_p95_ms": round(p(api, 95), 1),
        "api_queries": api_queries,
    }
    print(f"{'request':<32}{'p50 ms':>10}{'p95 ms':>10}{'queries':>10}")
    print(
        f"{'GET /dashboard/':<32}{statistics.median(dashboard):>10.1f}"
        f"{result['dashboard_p95_ms']:>10.1f}{dashboard_queries:>10}"
    )
    print(
        f"{'GET /api/v1/dashboard/projects/':<32}{statistics.median(api):>10.1f}"
        f"{result['api_p95_ms']:>10.1f}{api_queries:>10}"
    )
    print(f"{result['projects']} projects, {result['tasks']} tasks, {repeats} requests each")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
