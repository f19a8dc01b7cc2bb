"""Writes to budgets, actual costs, forecasts and stored EVM snapshots.

``do_*`` functions check the actor's right first, validate with messages that name the
field and the row, and run in one transaction.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pmo.core.choices import Action
from pmo.core.permissions import require
from pmo.engine.evm import FORMULA_VERSION, evaluate, rollup, snapshot

from . import adapters
from .choices import CostCategory, CostSource, SnapshotScope
from .models import BudgetLine, CostEntry, EvmRecord, Forecast
from .periods import month_end

BUDGET_FIELDS = {"expenditure", "category", "month", "amount", "description"}
COST_FIELDS = {
    "task",
    "source",
    "expenditure",
    "category",
    "date",
    "amount",
    "reference",
    "supplier",
    "description",
}
FORECAST_FIELDS = {"category", "month", "amount", "note"}


def _money(value, field: str, *, allow_negative: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(adapters.CENT)
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{value!r} is not an amount of money."}) from None
    if amount < 0 and not allow_negative:
        raise ValidationError({field: f"The amount must not be negative (got {amount})."})
    return amount


def _unknown(fields: dict, allowed: set[str]) -> None:
    extra = sorted(set(fields) - allowed)
    if extra:
        raise ValidationError(f"Unknown field(s): {', '.join(extra)}.")


def _save(obj) -> None:
    obj.full_clean()
    obj.save()


@transaction.atomic
def do_add_budget_line(actor, project, **fields) -> BudgetLine:
    """Add the budget of one category and month; a month already budgeted is an error."""
    require(actor, Action.CHANGE, project)
    _unknown(fields, BUDGET_FIELDS)
    fields["amount"] = _money(fields.get("amount"), "amount")
    line = BudgetLine(project=project, **fields)
    if BudgetLine.objects.filter(
        project=project,
        expenditure=line.expenditure,
        category=line.category,
        month=line.month,
    ).exists():
        raise ValidationError(
            {
                "month": f"{project.code} already has a {line.get_expenditure_display()} "
                f"{line.get_category_display()} budget for {line.month:%B %Y}; change that line."
            }
        )
    _save(line)
    return line


@transaction.atomic
def do_update_budget_line(actor, line: BudgetLine, **fields) -> BudgetLine:
    require(actor, Action.CHANGE, line.project)
    _unknown(fields, BUDGET_FIELDS)
    if "amount" in fields:
        fields["amount"] = _money(fields["amount"], "amount")
    for name, value in fields.items():
        setattr(line, name, value)
    _save(line)
    return line


@transaction.atomic
def do_delete_budget_line(actor, line: BudgetLine) -> None:
    require(actor, Action.CHANGE, line.project)
    line.delete()


@transaction.atomic
def do_import_budget(actor, project, rows: list[dict]) -> list[BudgetLine]:
    """Replace the project's budget with ``rows`` (one dict per line): all or nothing."""
    require(actor, Action.CHANGE, project)
    BudgetLine.objects.filter(project=project).delete()
    created = []
    for number, row in enumerate(rows, start=1):
        try:
            _unknown(row, BUDGET_FIELDS)
            created.append(do_add_budget_line(actor, project, **row))
        except ValidationError as error:
            messages = (
                {
                    f: [f"Row {number}: {m}" for e in errors for m in e.messages]
                    for f, errors in error.error_dict.items()
                }
                if hasattr(error, "error_dict")
                else [f"Row {number}: {m}" for m in error.messages]
            )
            raise ValidationError(messages) from error
    return created


def _check_cost(project, entry: CostEntry) -> None:
    if entry.task_id is not None and entry.task.project_id != project.pk:
        raise ValidationError(
            {"task": f"Task {entry.task_id} belongs to another project, not to {project.code}."}
        )
    today = timezone.localdate()
    if entry.date and entry.date > today:
        raise ValidationError(
            {"date": f"An actual cost cannot be dated in the future ({entry.date:%d %b %Y})."}
        )


@transaction.atomic
def do_add_cost_entry(actor, project, **fields) -> CostEntry:
    require(actor, Action.CHANGE, project)
    _unknown(fields, COST_FIELDS)
    # Credit notes are negative invoices: they reduce the actual cost.
    fields["amount"] = _money(fields.get("amount"), "amount", allow_negative=True)
    entry = CostEntry(project=project, created_by=actor, **fields)
    _check_cost(project, entry)
    _save(entry)
    return entry


@transaction.atomic
def do_update_cost_entry(actor, entry: CostEntry, **fields) -> CostEntry:
    require(actor, Action.CHANGE, entry.project)
    _unknown(fields, COST_FIELDS)
    if "amount" in fields:
        fields["amount"] = _money(fields["amount"], "amount", allow_negative=True)
    for name, value in fields.items():
        setattr(entry, name, value)
    _check_cost(entry.project, entry)
    _save(entry)
    return entry


@transaction.atomic
def do_delete_cost_entry(actor, entry: CostEntry) -> None:
    require(actor, Action.CHANGE, entry.project)
    entry.delete()


@transaction.atomic
def do_set_forecast(actor, project, *, category: str, month: dt.date, amount, note="") -> Forecast:
    """Set (add or replace) the forecast of one category and month."""
    require(actor, Action.CHANGE, project)
    value = _money(amount, "amount")
    forecast = Forecast.objects.filter(project=project, category=category, month=month).first()
    forecast = forecast or Forecast(project=project, category=category, month=month)
    forecast.amount, forecast.note = value, note
    _save(forecast)
    return forecast


@transaction.atomic
def do_delete_forecast(actor, forecast: Forecast) -> None:
    require(actor, Action.CHANGE, forecast.project)
    forecast.delete()


@transaction.atomic
def do_import_labour_actuals(project, *, actor=None, until: dt.date | None = None) -> int:
    """Replace the project's labour costs from approved timesheets (resources app).

    One cost entry per task and month. Timesheets are the record of labour for the
    months they cover: labour entries of those months (earlier imports, or labour
    booked by hand) are replaced, so no hour is counted twice. Returns the number of
    entries written.
    """
    from pmo.resources.selectors import labour_actuals

    if actor is not None:
        require(actor, Action.CHANGE, project)
    until = until or timezone.localdate()
    prefix = f"timesheets:{project.pk}:"
    rows = labour_actuals([project.pk], until=until)
    covered = {month for _, _, month, _, _ in rows}
    CostEntry.objects.filter(project=project, import_key__startswith=prefix).delete()
    for month in covered:
        CostEntry.objects.filter(
            project=project,
            source=CostSource.LABOUR,
            date__gte=month,
            date__lte=month_end(month),
        ).delete()
    entries = [
        CostEntry(
            project=project,
            task_id=task_id,
            source=CostSource.LABOUR,
            category=CostCategory.LABOUR,
            date=min(month_end(month), until),
            amount=cost,
            reference=f"TS-{month:%Y%m}",
            description=f"Approved timesheets {month:%B %Y}: {minutes / 60:.1f} h",
            import_key=f"{prefix}{task_id}:{month:%Y-%m}",
            created_by=actor,
        )
        for _, task_id, month, minutes, cost in rows
        if cost
    ]
    CostEntry.objects.bulk_create(entries)
    return len(entries)


def take_snapshots(
    projects,
    status_date: dt.date,
    *,
    baseline_number: int | None = None,
    earned: dict[int, float] | None = None,
    progress=None,
) -> list[EvmRecord]:
    """Store the EVM figures of ``projects`` (a list of Project) and of their programs and
    portfolios at ``status_date``; pass every project of the portfolio, since program and
    portfolio figures are the sums of the projects given.

    A project's figures are computed on its own grid of days (earned schedule in days,
    as its Money tab shows them); programs and portfolios add their projects' money on
    a common grid of months. Figures already stored for that date are kept as they are:
    a snapshot is never recomputed, so trends show what was reported at the time.
    ``earned`` (fraction done per task id) stands in for reported progress when past
    periods are reconstructed.
    """
    projects = list(projects)
    if not projects:
        return []
    with transaction.atomic():
        raw = adapters.fetch([p.pk for p in projects], status_date, baseline_number)
        monthly = adapters.build(raw, earned=earned)
        per_project = monthly.project_inputs()
        program_ids = sorted({p.program_id for p in projects if p.program_id})
        portfolio_ids = sorted({p.portfolio_id for p in projects})
        stored = {scope: set() for scope in SnapshotScope.values}
        for scope, project_id, program_id, portfolio_id in EvmRecord.objects.filter(
            status_date=status_date
        ).values_list("scope", "project_id", "program_id", "portfolio_id"):
            stored[scope].add(
                {"project": project_id, "program": program_id, "portfolio": portfolio_id}[scope]
            )
        records = []

        def add(scope, figures, pv_row, *, portfolio_id, program_id=None, project_id=None):
            records.append(
                EvmRecord(
                    scope=scope,
                    portfolio_id=portfolio_id,
                    program_id=program_id,
                    project_id=project_id,
                    status_date=status_date,
                    baseline_number=raw.baselines.get(project_id, (None, None))[1],
                    formula_version=FORMULA_VERSION,
                    figures=figures.as_dict(),
                    pv_curve=adapters.pv_curve(monthly, pv_row),
                )
            )

        for i, project in enumerate(projects):
            if progress is not None and i % 10 == 0:
                progress(5 + 90 * i / len(projects), f"{i} of {len(projects)} projects")
            if project.pk in stored[SnapshotScope.PROJECT]:
                continue
            days = adapters.build(raw, period="day", only=[project.pk], earned=earned)
            add(
                SnapshotScope.PROJECT,
                snapshot(days.project_figures(), grid=days.grid, status_date=status_date),
                per_project.pv[i],
                portfolio_id=project.portfolio_id,
                program_id=project.program_id,
                project_id=project.pk,
            )
        for scope, ids, key in (
            (SnapshotScope.PROGRAM, program_ids, "program_id"),
            (SnapshotScope.PORTFOLIO, portfolio_ids, "portfolio_id"),
        ):
            missing = [pk for pk in ids if pk not in stored[scope]]
            if not missing:
                continue
            index = {pk: n for n, pk in enumerate(ids)}
            groups = [index.get(getattr(p, key), -1) for p in projects]
            members = [i for i, g in enumerate(groups) if g >= 0]
            summed = rollup(_rows(per_project, members), [groups[i] for i in members], len(ids))
            figures = evaluate(summed, monthly.at)
            for pk in missing:
                n = index[pk]
                owner = next(p for p in projects if getattr(p, key) == pk)
                add(
                    scope,
                    snapshot(figures, n, grid=monthly.grid, status_date=status_date),
                    summed.pv[n],
                    portfolio_id=owner.portfolio_id,
                    program_id=pk if scope == SnapshotScope.PROGRAM else None,
                )
        EvmRecord.objects.bulk_create(records, batch_size=500)
    return records


def _rows(inp, rows: list[int]):
    from pmo.engine.evm import EvmInput

    return EvmInput(
        pv=inp.pv[rows],
        ev=inp.ev[rows],
        ac=inp.ac[rows],
        etc=None if inp.etc is None else inp.etc[rows],
    )


def check_take_snapshots(actor, portfolio, status_date: dt.date) -> None:
    """May ``actor`` store the figures of ``portfolio`` at ``status_date``?"""
    require(actor, Action.CHANGE, portfolio)
    if status_date > timezone.localdate():
        raise ValidationError(
            {"status_date": f"A snapshot cannot be taken for a future date ({status_date})."}
        )


def do_take_snapshots(actor, portfolio, status_date: dt.date, progress=None) -> list[EvmRecord]:
    """Snapshot every project of ``portfolio`` at ``status_date`` (PMO roles only)."""
    check_take_snapshots(actor, portfolio, status_date)
    return take_snapshots(portfolio.projects.all(), status_date, progress=progress)
