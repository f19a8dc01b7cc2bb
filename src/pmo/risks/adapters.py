"""Maps a project's plan, estimates and risks to :mod:`pmo.engine.risk` and back.

The plan is read and mapped to the CPM arrays by the schedules app's own adapter
(:func:`pmo.schedules.adapters.engine_inputs`: leaf tasks, links, calendars,
constraints, progress), then prepared once with :func:`pmo.engine.cpm.prepare`, so that
every iteration replays the same schedule the plan shows.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np

from pmo.engine.cpm import PreparedSchedule, prepare
from pmo.engine.risk import Distribution, Estimates, RiskEvents, Simulation, simulate
from pmo.schedules.adapters import engine_inputs, load_plan
from pmo.schedules.models import Calendar, ProjectSchedule, Task

from .choices import RiskKind, RiskStatus
from .models import Risk, SimulationRun, TaskCorrelation, TaskEstimate
from .selectors import matrix_for

DISTRIBUTIONS = {
    "triangular": Distribution.TRIANGULAR,
    "pert": Distribution.PERT,
    "uniform": Distribution.UNIFORM,
    "lognormal": Distribution.LOGNORMAL,
}
TOP_TASKS = 20
TORNADO_BARS = 10


@dataclass
class Inputs:
    prepared: PreparedSchedule
    estimates: Estimates
    risks: RiskEvents
    risk_rows: list[Risk]
    costs: np.ndarray
    watch: np.ndarray
    rows: list[dict]
    settings: ProjectSchedule
    estimated: int
    correlations: tuple[list, list] | None = None


def simulation_inputs(settings: ProjectSchedule, include_risks: bool = True) -> Inputs:
    """Engine inputs of a project's plan: the prepared CPM, estimates, risks, costs."""
    plan = load_plan(settings)
    calendar_ids = {settings.calendar_id} | {
        row["calendar_id"] for row in plan.rows if row["calendar_id"] is not None
    }
    stored = Calendar.objects.prefetch_related("exceptions").in_bulk(list(calendar_ids))
    inputs = engine_inputs(plan, stored)
    rows = inputs.rows
    # Reports name tasks by WBS number and compare with the planned finish.
    shown = dict(
        (task_id, (outline, finish))
        for task_id, outline, finish in Task.objects.filter(
            pk__in=[r["id"] for r in rows]
        ).values_list("id", "outline", "finish")
    )
    for row in rows:
        row["outline"], row["finish"] = shown.get(row["id"], (row.get("outline"), None))
    options = {k: v for k, v in inputs.options.items() if k not in ("finish", "direction")}
    prepared = prepare(inputs.network, inputs.activities, **options)
    duration = np.asarray(inputs.activities.duration, dtype=np.int64)
    estimates, estimated = _estimates(rows, duration)
    costs = np.array([_cents(r["cost"]) for r in rows], dtype=np.int64)
    watch = np.array(
        [k for k, r in enumerate(rows) if r["is_milestone"] and not r.get("external")],
        dtype=np.int64,
    )
    index = {r["id"]: k for k, r in enumerate(rows)}
    links = [
        (index[f], index[s], float(c))
        for f, s, c in TaskCorrelation.objects.filter(first__project_id=settings.project_id)
        .values_list("first_id", "second_id", "coefficient")
        .order_by("pk")
        if f in index and s in index
    ]
    correlations = ([[f, s] for f, s, _ in links], [c for *_, c in links]) if links else None
    risk_rows: list[Risk] = []
    risks = RiskEvents(np.zeros(0), [])
    if include_risks:
        risk_rows, risks = _risk_events(settings, index)
    return Inputs(
        prepared, estimates, risks, risk_rows, costs, watch, rows, settings, estimated, correlations
    )


def _estimates(rows: list[dict], duration: np.ndarray) -> tuple[Estimates, int]:
    """Three-point estimates by leaf; tasks without one keep their planned duration.

    For a started task the engine replays the remaining work, so its estimate is
    scaled by the share of the duration that remains; finished tasks are fixed.
    """
    n = len(rows)
    stored = {
        e.task_id: e for e in TaskEstimate.objects.filter(task_id__in=[r["id"] for r in rows])
    }
    a = duration.astype(np.float64).copy()
    m, b = a.copy(), a.copy()
    kind = np.zeros(n, dtype=np.int8)
    count = 0
    for k, row in enumerate(rows):
        estimate = stored.get(row["id"])
        if estimate is None or row.get("external") or row["is_milestone"] or row["actual_finish"]:
            continue
        count += 1
        scale = 1.0
        if row["actual_start"]:
            remaining = row["remaining_minutes"]
            if remaining is None:
                remaining = round(row["duration_minutes"] * (100 - row["percent_complete"]) / 100)
            scale = remaining / max(estimate.most_likely_minutes, 1)
        a[k] = estimate.optimistic_minutes * scale
        m[k] = estimate.most_likely_minutes * scale
        b[k] = estimate.pessimistic_minutes * scale
        kind[k] = DISTRIBUTIONS[estimate.distribution]
    return Estimates(m, a, b, kind), count


def _risk_events(settings: ProjectSchedule, index: dict[int, int]):
    """Open threats raised on the project (wherever escalated) with a delay or a cost."""
    matrix = matrix_for(settings.project.portfolio_id)
    minutes_per_day = settings.calendar.hours_per_day * 60
    risks = list(
        Risk.objects.filter(
            project_id=settings.project_id, status=RiskStatus.OPEN, kind=RiskKind.THREAT
        )
        .exclude(days_max=0, cost_max=0)
        .prefetch_related("tasks")
        .order_by("pk")
    )
    events = RiskEvents(
        probability=[matrix.chance(r.probability) for r in risks],
        activities=[[index[t.pk] for t in r.tasks.all() if t.pk in index] for r in risks],
        delay=[
            [float(d) * minutes_per_day for d in (r.days_min, r.days_likely, r.days_max)]
            for r in risks
        ],
        cost=[[_cents(c) for c in (r.cost_min, r.cost_likely, r.cost_max)] for r in risks],
        ids=[r.pk for r in risks],
    )
    return risks, events


def _cents(value) -> int:
    return int((Decimal(value) * 100).to_integral_value())


def _iso(value: np.datetime64) -> str:
    return value.astype("datetime64[m]").item().replace(tzinfo=dt.UTC).isoformat()


def simulate_project(run: SimulationRun, progress) -> dict:
    """Run the simulation of ``run`` and return its results as JSON-ready data."""
    settings = ProjectSchedule.objects.select_related("calendar", "project").get(
        project_id=run.project_id
    )
    progress(2, "Loading the plan")
    inputs = simulation_inputs(settings, run.include_risks)

    def report(done: int, total: int) -> None:
        progress(5 + 90 * done / total, f"{done:,} of {total:,} iterations")

    sim = simulate(
        inputs.prepared,
        inputs.estimates,
        iterations=run.iterations,
        seed=run.seed,
        risks=inputs.risks,
        costs=inputs.costs,
        watch=inputs.watch,
        correlations=inputs.correlations,
        progress=report,
    )
    progress(96, "Summarising")
    return summarise(sim, inputs, run)


def summarise(sim: Simulation, inputs: Inputs, run: SimulationRun) -> dict:
    rows, settings = inputs.rows, inputs.settings
    project = settings.project
    percentiles = {f"P{q}": _iso(v) for q, v in sim.percentiles().items()}
    span_days = (sim.finish.max() - sim.finish.min()).astype("timedelta64[D]").astype(int)
    edges, counts = sim.histogram(bins="day" if span_days <= 90 else "week")
    curve_dates, curve_probs = sim.cumulative(points=51)
    out: dict = {
        "iterations": sim.iterations,
        "seed": sim.seed,
        "plan_version": run.plan_version,
        "tasks": len(rows),
        "estimated_tasks": inputs.estimated,
        "risk_events": len(inputs.risk_rows),
        "correlations": len(inputs.correlations[1]) if inputs.correlations else 0,
        "deterministic_finish": _iso(sim.deterministic_finish),
        "plan_finish": settings.computed_finish.isoformat() if settings.computed_finish else None,
        "percentiles": percentiles,
        "mean_finish": _iso(np.datetime64(int(sim.finish.astype(np.int64).mean()), "m")),
        "histogram": {"edges": [_iso(e) for e in edges], "counts": counts.tolist()},
        "scurve": {
            "dates": [_iso(d) for d in curve_dates],
            "probabilities": [round(float(p), 4) for p in curve_probs],
        },
        "probability_deterministic": sim.probability_by(sim.deterministic_finish),
    }
    zone = ZoneInfo(settings.calendar.timezone)
    out["by_day"] = _by_day(sim, zone)
    if settings.computed_finish:
        out["probability_plan"] = sim.probability_by(settings.computed_finish)
    if project.planned_finish:
        end_of_day = dt.datetime.combine(project.planned_finish, dt.time(23, 59), tzinfo=zone)
        out["target_date"] = project.planned_finish.isoformat()
        out["probability_target"] = sim.probability_by(end_of_day)
    out["milestones"] = [
        {
            "task_id": rows[k]["id"],
            "name": rows[k]["name"],
            "outline": rows[k]["outline"],
            "planned": rows[k]["finish"].isoformat() if rows[k]["finish"] else None,
            **{f"P{q}": _iso(v) for q, v in pct.items() if q in (10, 50, 80, 90)},
        }
        for k, pct in zip(inputs.watch.tolist(), sim.milestone_percentiles(), strict=True)
    ]
    order = np.argsort(-sim.criticality, kind="stable")[:TOP_TASKS]
    out["criticality"] = [
        {
            "task_id": rows[k]["id"],
            "outline": rows[k]["outline"],
            "name": rows[k]["name"],
            "index": round(float(sim.criticality[k]), 4),
        }
        for k in order.tolist()
        if sim.criticality[k] > 0 and not rows[k].get("external")
    ]
    bars = _task_bars(rows, sim.sensitivity)
    bars += _risk_bars(inputs.risk_rows, sim.risk_sensitivity)
    bars.sort(key=lambda b: -abs(b["rho"]))
    out["tornado"] = [b for b in bars if b["rho"] != 0][:TORNADO_BARS]
    out["risks"] = [
        {
            "id": r.pk,
            "reference": r.reference,
            "title": r.title,
            "occurred": round(int(n) / sim.iterations, 4),
        }
        for r, n in zip(inputs.risk_rows, sim.risk_occurrences.tolist(), strict=True)
    ]
    if sim.cost is not None and sim.cost.max() > 0:
        cost_edges, cost_counts = sim.cost_histogram(bins=30)
        cost_bars = _task_bars(rows, sim.cost_sensitivity) + _risk_bars(
            inputs.risk_rows, sim.risk_cost_sensitivity
        )
        cost_bars = [b for b in cost_bars if b["rho"] != 0]
        cost_bars.sort(key=lambda b: -abs(b["rho"]))
        out["cost"] = {
            "tornado": cost_bars[:TORNADO_BARS],
            "deterministic": _money(sim.deterministic_cost),
            "percentiles": {f"P{q}": _money(v) for q, v in sim.cost_percentiles().items()},
            "mean": _money(round(float(sim.cost.mean()))),
            "histogram": {
                "edges": [_money(int(e)) for e in cost_edges],
                "counts": cost_counts.tolist(),
            },
        }
    return out


def _task_bars(rows: list[dict], rho: np.ndarray) -> list[dict]:
    """Tornado bars of the tasks whose sensitivity was computed."""
    return [
        {
            "kind": "task",
            "id": rows[k]["id"],
            "label": f"{rows[k]['outline']} {rows[k]['name']}",
            "rho": round(float(rho[k]), 4),
        }
        for k in np.flatnonzero(~np.isnan(rho)).tolist()
    ]


def _risk_bars(risks: list[Risk], rho) -> list[dict]:
    """Tornado bars of the risk events (NaN: the event never varied)."""
    return [
        {"kind": "risk", "id": r.pk, "label": f"{r.reference} {r.title}", "rho": round(float(v), 4)}
        for r, v in zip(risks, rho.tolist(), strict=True)
        if not np.isnan(v)
    ]


def _by_day(sim: Simulation, zone: ZoneInfo) -> dict:
    """Chance of finishing by the end of each day (the calendar's zone) from the
    earliest to the latest simulated finish: "will we make the 31st?" at a glance.
    """
    first = sim.finish.min().item().replace(tzinfo=dt.UTC).astimezone(zone).date()
    last = sim.finish.max().item().replace(tzinfo=dt.UTC).astimezone(zone).date()
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    return {
        "dates": [d.isoformat() for d in days],
        "probabilities": [
            round(sim.probability_by(dt.datetime.combine(d, dt.time(23, 59), tzinfo=zone)), 4)
            for d in days
        ],
    }


def _money(value: int | None) -> str | None:
    if value is None:
        return None
    return str((Decimal(int(value)) / 100).quantize(Decimal("0.01")))
