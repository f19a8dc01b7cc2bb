"""Re-schedule and save a 10,000-task project through the app (ORM, engine, writes).

Builds the project in a fresh SQLite database (or in the scratch database named by
PMO_BENCH_DATABASE_URL, e.g. a PostgreSQL one made for it), then times ``do_reschedule``
after a change that moves every task: the first activity grows by a day, so the whole
plan shifts and every row is written. Target: under 2 s on SQLite.

Last line: JSON with the keys ``tasks``, ``links``, ``seconds``, ``rows_written``,
``load_ms``, ``engine_ms``, ``write_ms``, ``database``.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def setup_django(database_url: str | None) -> str:
    if database_url is None:
        folder = tempfile.mkdtemp(prefix="pmo-bench-")
        database_url = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.config.settings.dev")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return database_url.split(":", 1)[0]


def build(n_tasks: int, seed: int):
    from django.contrib.auth import get_user_model

    from pmo.accounts.models import Membership
    from pmo.portfolios.models import Portfolio, Project
    from pmo.schedules import services
    from pmo.schedules.models import Dependency, Task

    rng = random.Random(seed)
    user = get_user_model().objects.create_user("bench-admin", password="x")
    Membership.objects.create(user=user, role="pmo_admin")
    portfolio = Portfolio.objects.create(code="BENCH", name="Benchmark")
    project = Project.objects.create(portfolio=portfolio, code="BENCH-1", name="10k tasks")
    services.ensure_schedule(project)
    per_phase = 99
    phases = Task.objects.bulk_create(
        Task(project=project, name=f"Phase {i}", position=i, duration_minutes=0)
        for i in range(1, n_tasks // (per_phase + 1) + 1)
    )
    leaves = Task.objects.bulk_create(
        (
            Task(
                project=project,
                parent=phase,
                position=j,
                name=f"Task {phase.position}.{j}",
                duration_minutes=480 * rng.randint(1, 10),
            )
            for phase in phases
            for j in range(1, per_phase + 1)
        ),
        batch_size=2000,
    )
    links = []
    for k in range(1, len(leaves)):
        links.append(Dependency(predecessor=leaves[k - 1], successor=leaves[k]))
        if k > 5 and rng.random() < 0.5:
            other = leaves[rng.randrange(max(0, k - 200), k - 1)]
            links.append(
                Dependency(
                    predecessor=other, successor=leaves[k], type=rng.choice(["FS", "SS", "FF"])
                )
            )
    Dependency.objects.bulk_create(links, batch_size=5000)
    services.reschedule(project)
    return user, project, leaves[0], len(phases) + len(leaves), len(links)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="2,000 tasks")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    n = 2_000 if args.quick else args.tasks
    database = setup_django(os.environ.get("PMO_BENCH_DATABASE_URL"))

    from django.db import transaction

    from pmo.schedules import adapters, services
    from pmo.schedules.models import Task

    with transaction.atomic():
        user, project, first, tasks, links = build(n, args.seed)
    # Phase timings, measured on a second identical change, for the table.
    first = Task.objects.get(pk=first.pk)
    started = time.perf_counter()
    _, result = services.do_update_task(user, first, duration_minutes=first.duration_minutes + 480)
    seconds = time.perf_counter() - started

    settings = services.ensure_schedule(project)
    t0 = time.perf_counter()
    plan = adapters.load_plan(settings)
    t1 = time.perf_counter()
    calendars = {settings.calendar_id: settings.calendar}
    values, _ = adapters.compute(plan, calendars)
    t2 = time.perf_counter()
    with transaction.atomic():
        positions = list(range(len(plan.rows)))
        adapters.write_results(plan, values, positions)
        transaction.set_rollback(True)
    t3 = time.perf_counter()

    print(f"{'tasks':>8} {'links':>8} {'rows written':>13} {'seconds':>8}  database")
    print(f"{tasks:>8} {links:>8} {len(result.changed_ids):>13} {seconds:>8.3f}  {database}")
    print(
        f"phases of a full re-schedule: load {1000 * (t1 - t0):.0f} ms, engine + roll-up "
        f"{1000 * (t2 - t1):.0f} ms, write every row {1000 * (t3 - t2):.0f} ms"
    )
    print(
        json.dumps(
            {
                "tasks": tasks,
                "links": links,
                "seconds": round(seconds, 3),
                "rows_written": len(result.changed_ids),
                "load_ms": round(1000 * (t1 - t0), 1),
                "engine_ms": round(1000 * (t2 - t1), 1),
                "write_ms": round(1000 * (t3 - t2), 1),
                "database": database,
            }
        )
    )


if __name__ == "__main__":
    main()
