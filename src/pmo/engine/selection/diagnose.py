"""Why no portfolio exists: a conflict set over forced projects and the limits.

Without mandatory projects the empty portfolio is always feasible (costs and demands are
not negative), so infeasibility can only come from the forced set: the mandatory projects
and, transitively, their prerequisites. The problem is feasible exactly when no exclusive
group holds two forced projects and the forced projects fit every budget and capacity row
at some choice of their starts. The diagnosis checks those in the order a person would
fix them and reduces a multi-row clash to a minimal set of rows and projects (a deletion
filter, as for an irreducible infeasible subsystem).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from pmo.engine.selection.highs import ModelArrays, solve_milp
from pmo.engine.selection.model import Compiled, Conflict, InfeasibleSelection

__all__ = ["check_feasible", "forced_items", "forced_start"]


def forced_items(c: Compiled) -> dict[int, int]:
    """Candidates every portfolio must hold, each mapped to the mandatory one forcing it."""
    forced: dict[int, int] = {}
    for m in np.flatnonzero(c.mandatory):
        stack = [int(m)]
        while stack:
            u = stack.pop()
            if u in forced:
                continue
            forced[u] = int(m)
            stack.extend(int(a) for a in c.req_idx[c.req_ptr[u] : c.req_ptr[u + 1]])
    return forced


def _names(c: Compiled, items: list[int], forced: dict[int, int]) -> str:
    parts = []
    for i in sorted(items):
        why = forced.get(i, i)
        extra = "" if why == i or c.mandatory[i] else f" (prerequisite of {c.ids[why]})"
        parts.append(c.ids[i] + extra)
    return ", ".join(parts)


def _amount(c: Compiled, r: int, x: float) -> str:
    if r < c.n_budget_rows:
        return f"{x / 100:,.2f}"
    return f"{x:,.6g}"


def _row_phrase(c: Compiled, r: int) -> tuple[str, str]:
    """(what is consumed, what the limit is called) for messages."""
    p = c.problem
    if r < c.n_budget_rows:
        period = int(c.row_period[r])
        name = p.period_labels[period] if p.period_labels else f"period {period}"
        kind = c.row_kind[r]
        money = "" if kind == "total" else f" of {kind}"
        return f"{money} in {name}", "budget"
    month = int(c.row_period[r])
    name = p.month_labels[month] if p.month_labels else f"month {month}"
    return f" of {p.roles[int(c.row_role[r])]} in {name}", "capacity"


def _min_use(c: Compiled, items: list[int]) -> np.ndarray:
    """Per row, the least any start of each item consumes, summed over ``items``."""
    need = np.zeros(c.n_rows)
    for i in items:
        block = c.matrix[:, c.item_ptr[i] : c.item_ptr[i + 1]].toarray()
        need += block.min(axis=1)
    return need


def _forced_feasible(c: Compiled, items: list[int], rows: np.ndarray) -> np.ndarray | None:
    """Columns placing every one of ``items`` within ``rows``' limits, or None."""
    cols = np.concatenate([np.arange(c.item_ptr[i], c.item_ptr[i + 1]) for i in items])
    owner = c.opt_item[cols]
    counts = np.diff(c.item_ptr)[items]
    pick = sp.csr_matrix(
        (np.ones(cols.size), (np.repeat(np.arange(len(items)), counts), np.arange(cols.size))),
        shape=(len(items), cols.size),
    )
    res = c.matrix[rows][:, cols]
    a = sp.vstack([sp.csr_matrix(res), pick]).tocsc()
    m = ModelArrays(
        a=a,
        row_lower=np.concatenate([np.full(rows.size, -np.inf), np.ones(len(items))]),
        row_upper=np.concatenate([c.limit[rows] + c.tol[rows], np.ones(len(items))]),
        lower=np.zeros(cols.size),
        upper=np.ones(cols.size),
        cost=np.zeros(cols.size),
    )
    out = solve_milp(m, time_limit=60.0, rel_gap=0.0)
    if out.infeasible or out.y is None:
        return None
    chosen = cols[out.y > 0.5]
    if len(np.unique(owner[out.y > 0.5])) != len(items):
        return None
    return chosen


def forced_start(c: Compiled) -> np.ndarray:
    """Columns of a feasible placement of the forced candidates (raise if there is none).

    Raises
    ------
    InfeasibleSelection
        With one `Conflict` per clash found.
    """
    forced = forced_items(c)
    items = sorted(forced)
    conflicts: list[Conflict] = []
    for g, mem in enumerate(c.group_members):
        clash = [i for i in mem if i in forced]
        if len(clash) > 1:
            label = "exclusive group " + "/".join(c.ids[i] for i in mem)
            conflicts.append(
                Conflict(
                    constraints=(label,),
                    projects=tuple(c.ids[i] for i in sorted(clash)),
                    need=None,
                    limit=None,
                    message=f"mandatory projects {_names(c, clash, forced)} are mutually "
                    f"exclusive ({label}, group {g})",
                )
            )
    if not items:
        if conflicts:
            raise InfeasibleSelection(conflicts)
        return np.zeros(0, dtype=np.int64)
    need = _min_use(c, items)
    over = np.flatnonzero(need > c.limit + c.tol)
    for r in over:
        users = [
            i for i in items if c.matrix[r, c.item_ptr[i] : c.item_ptr[i + 1]].toarray().min() > 0
        ]
        what, limit_name = _row_phrase(c, int(r))
        conflicts.append(
            Conflict(
                constraints=(c.row_label(int(r)),),
                projects=tuple(c.ids[i] for i in sorted(users)),
                need=float(need[r]),
                limit=float(c.limit[r]),
                message=f"mandatory projects {_names(c, users, forced)} need "
                f"{_amount(c, int(r), need[r])}{what} but the {limit_name} is "
                f"{_amount(c, int(r), c.limit[r])}",
            )
        )
    if conflicts:
        raise InfeasibleSelection(conflicts)
    if all(c.item_ptr[i + 1] - c.item_ptr[i] == 1 for i in items):
        return c.item_ptr[items].astype(np.int64)
    # every row fits alone, but with start choices the rows compete: solve the placement
    # and, if none exists, shrink to a minimal clash of rows, then of projects
    block = c.matrix[
        :, np.concatenate([np.arange(c.item_ptr[i], c.item_ptr[i + 1]) for i in items])
    ]
    worst = np.asarray(block.max(axis=1).todense()).reshape(-1) * len(items)
    rows = np.flatnonzero(np.asarray(block.sum(axis=1)).reshape(-1) > 0)
    rows = rows[worst[rows] > c.limit[rows] + c.tol[rows]]
    placed = _forced_feasible(c, items, rows)
    if placed is not None:
        return placed.astype(np.int64)
    keep = list(rows)
    for r in list(rows):
        trial = np.asarray([x for x in keep if x != r], dtype=np.int64)
        if _forced_feasible(c, items, trial) is None:
            keep = list(trial)
    keep_arr = np.asarray(keep, dtype=np.int64)
    members = list(items)
    for i in list(items):
        trial_items = [u for u in members if u != i]
        if trial_items and _forced_feasible(c, trial_items, keep_arr) is None:
            members = trial_items
    labels = tuple(c.row_label(int(r)) for r in keep_arr)
    raise InfeasibleSelection(
        [
            Conflict(
                constraints=labels,
                projects=tuple(c.ids[i] for i in sorted(members)),
                need=None,
                limit=None,
                message=f"mandatory projects {_names(c, members, forced)} cannot all fit at "
                f"any of their allowed starts: together they overrun {', '.join(labels)}",
            )
        ]
    )


def check_feasible(c: Compiled) -> None:
    """Raise `InfeasibleSelection` naming the clash when no portfolio exists."""
    forced_start(c)
