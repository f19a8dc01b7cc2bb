"""Input and output records of portfolio selection, and their compiled matrix form.

The caller describes candidates with plain sequences (money in integer cents, demand in
any unit the capacity uses, both per month from the project's start); `compile_problem`
turns them into one column per (candidate, allowed start) and one row per budget period
and per role-month, which every solver and heuristic of the package shares.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from pmo.engine.errors import EngineError

__all__ = [
    "BUDGET_KINDS",
    "Candidate",
    "Compiled",
    "Conflict",
    "ConstraintUse",
    "InfeasibleSelection",
    "InvalidSelectionInput",
    "ProjectOutcome",
    "Selection",
    "SelectionError",
    "SelectionProblem",
    "blend_values",
    "compile_problem",
]

#: Budget row kinds, in row order: a limit on capex + opex, on capex alone, on opex alone.
BUDGET_KINDS: tuple[str, ...] = ("total", "capex", "opex")
CAPACITY = "capacity"


class SelectionError(EngineError):
    """Base of every error raised by portfolio selection."""


class InvalidSelectionInput(SelectionError, ValueError):
    """The problem is malformed: unknown ids, negative costs, mismatched lengths."""


@dataclass(frozen=True, slots=True)
class Conflict:
    """One constraint, or a set of them, that the forced projects cannot satisfy.

    Attributes
    ----------
    constraints : tuple of str
        Labels of the constraints in conflict, e.g. ``("budget 2027",)``.
    projects : tuple of str
        Candidate ids whose inclusion is forced (mandatory or a mandatory one's
        prerequisite) and that take part in the conflict.
    need : float or None
        Least amount the projects consume on the constraint (single-row conflicts only).
    limit : float or None
        The constraint's limit (single-row conflicts only).
    message : str
        One sentence a person can act on.
    """

    constraints: tuple[str, ...]
    projects: tuple[str, ...]
    need: float | None
    limit: float | None
    message: str


class InfeasibleSelection(SelectionError):
    """No portfolio satisfies the constraints; ``conflicts`` names the ones that clash.

    Parameters
    ----------
    conflicts : sequence of Conflict
        Each a minimal clash between forced projects and the constraints.
    """

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        self.conflicts = tuple(conflicts)
        ids = dict.fromkeys(p for c in self.conflicts for p in c.projects)
        super().__init__("; ".join(c.message for c in self.conflicts), ids)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A project proposal competing for funds and people.

    Attributes
    ----------
    id : str
        Unique identifier used in results and error messages.
    value : float
        Value when started at its earliest allowed start (weighted score, NPV, or a mix).
    capex, opex : sequence of int
        Spend in integer cents per month, month 0 being the project's start month.
    demand : mapping of str to sequence of float
        Role name to demand per month from the start, in the unit of the capacity.
    starts : sequence of int
        Allowed start months (indices into the problem's month axis, >= 0).
    start_values : sequence of float, optional
        Value for each allowed start; by default the value decays by the problem's
        ``delay_discount`` for each month after the earliest allowed start.
    mandatory : bool
        Must be in every portfolio.
    requires : sequence of str
        Ids of the candidates that must be selected for this one to be selected.
    """

    id: str
    value: float
    capex: Sequence[int] = ()
    opex: Sequence[int] = ()
    demand: Mapping[str, Sequence[float]] = field(default_factory=dict)
    starts: Sequence[int] = (0,)
    start_values: Sequence[float] | None = None
    mandatory: bool = False
    requires: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class SelectionProblem:
    """Candidates and the limits they compete for.

    Attributes
    ----------
    candidates : sequence of Candidate
    budget_total, budget_capex, budget_opex : sequence of int, optional
        Limit in cents per budget period on capex + opex, capex and opex; any of them may
        be given. Spend after the last period is not limited.
    months_per_period : int
        Budget periods are consecutive blocks of this many months starting at month 0.
    period_labels : sequence of str, optional
        Names of the budget periods for messages (default ``"period 0"``, ...).
    roles : sequence of str
        Role names, in the row order of ``capacity``.
    capacity : array_like, optional
        Shape ``(len(roles), n_months)``: available amount per role and month. Demand after
        the last month, or for a role not listed, is not limited.
    month_labels : sequence of str, optional
        Names of the months for messages (default ``"month 0"``, ...).
    exclusive_groups : sequence of sequence of str
        At most one candidate of each group may be selected.
    delay_discount : float
        Fraction of value lost per month of delay when a candidate has no ``start_values``.
    """

    candidates: Sequence[Candidate]
    budget_total: Sequence[int] | None = None
    budget_capex: Sequence[int] | None = None
    budget_opex: Sequence[int] | None = None
    months_per_period: int = 12
    period_labels: Sequence[str] | None = None
    roles: Sequence[str] = ()
    capacity: np.ndarray | Sequence[Sequence[float]] | None = None
    month_labels: Sequence[str] | None = None
    exclusive_groups: Sequence[Sequence[str]] = ()
    delay_discount: float = 0.0


@dataclass(frozen=True, slots=True)
class ConstraintUse:
    """How much of one budget period or role-month the portfolio uses.

    Attributes
    ----------
    kind : str
        ``"total"``, ``"capex"``, ``"opex"`` or ``"capacity"``.
    label : str
        E.g. ``"budget 2027"`` or ``"capacity engineer 2027-03"``.
    period : int
        Budget period, or month for capacity rows.
    role : str or None
        Role of a capacity row.
    limit, used, slack : float
        ``slack = limit - used``.
    binding : bool
        No slack is left, or this row alone keeps out a candidate of positive value
        whose prerequisites are in and whose exclusive groups are free: raising this
        limit is what would let the portfolio grow.
    shadow_price : float
        Value of one more unit of the limit in the LP relaxation (0 when slack).
    """

    kind: str
    label: str
    period: int
    role: str | None
    limit: float
    used: float
    slack: float
    binding: bool
    shadow_price: float


@dataclass(frozen=True, slots=True)
class ProjectOutcome:
    """A candidate's fate and what its inclusion costs or gains.

    Attributes
    ----------
    id : str
    selected : bool
    start : int or None
        Chosen start month, None when not selected.
    value : float
        Value at the chosen start (best start when not selected).
    resource_price : float
        Its consumption priced at the LP shadow prices, at that start: what including it
        displaces.
    reduced_cost : float
        ``value - resource_price`` minus the prices of its logical constraints: positive
        means the LP wants more of it, negative that inclusion loses value at the margin.
        The exact, re-solve-based figure is `marginal_values`'.
    """

    id: str
    selected: bool
    start: int | None
    value: float
    resource_price: float
    reduced_cost: float


@dataclass(frozen=True, slots=True)
class Selection:
    """A portfolio with its certificate and its explanation.

    Attributes
    ----------
    selected : tuple of str
        Ids of the selected candidates, in input order.
    starts : dict of str to int
        Start month of each selected candidate.
    value : float
        Total value of the portfolio.
    bound : float
        Proven upper bound on the value of any feasible portfolio.
    gap : float
        ``1 - value / bound`` (0 when both are 0): the certified distance to optimal.
    optimal : bool
        The gap is closed within the tolerance asked for.
    seconds : float
        Wall time of the solve.
    budget : tuple of ConstraintUse
        One entry per limited budget kind and period.
    capacity : tuple of ConstraintUse
        One entry per role and month.
    projects : tuple of ProjectOutcome
        One entry per candidate, in input order.
    source : str
        What found the portfolio: ``"warm start"``, ``"greedy"``, ``"lp-rounding"``,
        ``"local-search"``, ``"repair"`` (forced projects, then filled), ``"milp"`` or
        ``"milp + local-search"``.
    """

    selected: tuple[str, ...]
    starts: dict[str, int]
    value: float
    bound: float
    gap: float
    optimal: bool
    seconds: float
    budget: tuple[ConstraintUse, ...]
    capacity: tuple[ConstraintUse, ...]
    projects: tuple[ProjectOutcome, ...]
    source: str

    @property
    def binding(self) -> tuple[ConstraintUse, ...]:
        """The budget periods and role-months that limit the portfolio."""
        return tuple(c for c in self.budget + self.capacity if c.binding)


@dataclass(slots=True)
class Compiled:
    """The problem as one column per (candidate, start) and one row per limit.

    Columns of candidate ``i`` are ``item_ptr[i]:item_ptr[i + 1]``, earliest start first.
    Resource rows are the budget rows (kind-major, then period) followed by the capacity
    rows (role-major, then month). ``col_*`` is the column-wise (CSC) and ``row_*`` the
    row-wise (CSR) form of the same matrix, in the caller's units.
    """

    problem: SelectionProblem
    ids: list[str]
    index: dict[str, int]
    item_ptr: np.ndarray
    opt_item: np.ndarray
    opt_start: np.ndarray
    opt_value: np.ndarray
    matrix: sp.csc_matrix
    col_ptr: np.ndarray
    col_idx: np.ndarray
    col_val: np.ndarray
    row_ptr: np.ndarray
    row_idx: np.ndarray
    row_val: np.ndarray
    limit: np.ndarray
    tol: np.ndarray
    row_kind: list[str]
    row_period: np.ndarray
    row_role: np.ndarray
    n_budget_rows: int
    mandatory: np.ndarray
    req_ptr: np.ndarray
    req_idx: np.ndarray
    dep_ptr: np.ndarray
    dep_idx: np.ndarray
    grp_ptr: np.ndarray
    grp_idx: np.ndarray
    n_groups: int
    group_members: list[list[int]]

    @property
    def n_items(self) -> int:
        return len(self.ids)

    @property
    def n_opts(self) -> int:
        return len(self.opt_item)

    @property
    def n_rows(self) -> int:
        return len(self.limit)

    def row_label(self, r: int) -> str:
        """Human name of resource row ``r``."""
        p = self.problem
        if r < self.n_budget_rows:
            period = int(self.row_period[r])
            name = p.period_labels[period] if p.period_labels else f"period {period}"
            kind = self.row_kind[r]
            return f"budget {name}" if kind == "total" else f"{kind} budget {name}"
        month = int(self.row_period[r])
        name = p.month_labels[month] if p.month_labels else f"month {month}"
        return f"capacity {p.roles[int(self.row_role[r])]} {name}"

    def with_limits(self, limit: np.ndarray) -> Compiled:
        """A copy sharing every array but the row limits (for budget scans)."""
        out = Compiled(**{name: getattr(self, name) for name in self.__slots__})
        out.limit = np.asarray(limit, dtype=np.float64)
        out.tol = _tolerance(out.limit, out.n_budget_rows)
        return out


def blend_values(scores: Sequence[float], npvs: Sequence[float], npv_weight: float) -> np.ndarray:
    """Candidate values mixing a weighted score and an NPV on one scale.

    Each is divided by its largest magnitude, so both run to 1, then mixed as
    ``(1 - npv_weight) * score + npv_weight * npv``.

    Parameters
    ----------
    scores : sequence of float
        Weighted scores (e.g. AHP-weighted criteria).
    npvs : sequence of float
        Net present values, in any money unit.
    npv_weight : float
        In [0, 1]: 0 uses the score alone, 1 the NPV alone.

    Examples
    --------
    >>> blend_values([80, 40], [1_000, 3_000], 0.5).round(4).tolist()
    [0.6667, 0.75]
    """
    if not 0.0 <= npv_weight <= 1.0:
        raise InvalidSelectionInput("npv_weight must be between 0 and 1")
    s = np.asarray(scores, dtype=np.float64)
    v = np.asarray(npvs, dtype=np.float64)
    if s.shape != v.shape:
        raise InvalidSelectionInput("one score and one NPV per candidate")
    s_top = np.abs(s).max(initial=0.0)
    v_top = np.abs(v).max(initial=0.0)
    s_n = s / s_top if s_top > 0 else s
    v_n = v / v_top if v_top > 0 else v
    return (1.0 - npv_weight) * s_n + npv_weight * v_n


def _csr_lists(lists: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    ptr = np.zeros(len(lists) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(x) for x in lists])
    idx = np.fromiter((v for x in lists for v in x), dtype=np.int64, count=int(ptr[-1]))
    return ptr, idx


def _tolerance(limit: np.ndarray, n_budget_rows: int) -> np.ndarray:
    # Money is integer cents, exact in float64, so budget rows get no tolerance; demand is
    # fractional (0.1 FTE), so capacity rows forgive float rounding of the sums.
    tol = 1e-9 * np.maximum(1.0, np.abs(limit))
    tol[:n_budget_rows] = 0.0
    return tol


def _cents(values: Sequence[int], what: str) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64).reshape(-1)
    if arr.size and (not np.all(np.isfinite(arr)) or np.any(arr != np.rint(arr))):
        raise InvalidSelectionInput(f"{what} must be integer cents")
    if arr.size and arr.min() < 0:
        raise InvalidSelectionInput(f"{what} must not be negative")
    return arr


def compile_problem(problem: SelectionProblem) -> Compiled:
    """Validate ``problem`` and build its column-per-start matrix form.

    Parameters
    ----------
    problem : SelectionProblem

    Returns
    -------
    Compiled

    Raises
    ------
    InvalidSelectionInput
        Duplicate or unknown ids, negative or fractional money, negative demand or
        capacity, starts before month 0, ``start_values`` of the wrong length.
    """
    cands = list(problem.candidates)
    ids = [c.id for c in cands]
    index = {cid: i for i, cid in enumerate(ids)}
    if len(index) != len(ids):
        dup = sorted({x for x in ids if ids.count(x) > 1})
        raise InvalidSelectionInput(f"duplicate candidate ids: {', '.join(dup)}")
    mpp = int(problem.months_per_period)
    if mpp < 1:
        raise InvalidSelectionInput("months_per_period must be at least 1")

    budgets: list[tuple[str, np.ndarray]] = []
    for kind in BUDGET_KINDS:
        lim = getattr(problem, f"budget_{kind}")
        if lim is not None:
            budgets.append((kind, _cents(lim, f"budget_{kind}")))
    roles = list(problem.roles)
    role_index = {r: k for k, r in enumerate(roles)}
    if problem.capacity is None:
        capacity = np.zeros((len(roles), 0))
    else:
        capacity = np.asarray(problem.capacity, dtype=np.float64)
        if capacity.ndim != 2 or capacity.shape[0] != len(roles):
            raise InvalidSelectionInput("capacity must have shape (len(roles), n_months)")
        if np.any(~np.isfinite(capacity)) or np.any(capacity < 0):
            raise InvalidSelectionInput("capacity must be finite and not negative")
    n_months = capacity.shape[1]

    row_kind: list[str] = []
    row_period: list[int] = []
    row_role: list[int] = []
    limits: list[np.ndarray] = []
    kind_base: dict[str, int] = {}
    for kind, lim in budgets:
        kind_base[kind] = len(row_kind)
        row_kind += [kind] * len(lim)
        row_period += list(range(len(lim)))
        row_role += [-1] * len(lim)
        limits.append(lim)
    n_budget_rows = len(row_kind)
    for k in range(len(roles)):
        row_kind += [CAPACITY] * n_months
        row_period += list(range(n_months))
        row_role += [k] * n_months
    limits.append(capacity.reshape(-1))
    limit = np.concatenate(limits) if limits else np.zeros(0)

    item_ptr = [0]
    opt_item: list[int] = []
    opt_start: list[int] = []
    opt_value: list[float] = []
    cols_r: list[np.ndarray] = []
    cols_v: list[np.ndarray] = []
    cols_c: list[np.ndarray] = []
    for i, c in enumerate(cands):
        starts = [int(s) for s in c.starts]
        if not starts or min(starts) < 0 or len(set(starts)) != len(starts):
            raise InvalidSelectionInput(f"{c.id}: starts must be distinct months >= 0")
        order = np.argsort(starts, kind="stable")
        if c.start_values is not None:
            if len(c.start_values) != len(starts):
                raise InvalidSelectionInput(f"{c.id}: one start value per allowed start")
            vals = [float(c.start_values[k]) for k in order]
        else:
            first = starts[order[0]]
            keep = 1.0 - float(problem.delay_discount)
            vals = [float(c.value) * keep ** (starts[k] - first) for k in order]
        capex = _cents(c.capex, f"{c.id}: capex")
        opex = _cents(c.opex, f"{c.id}: opex")
        spend = {"capex": capex, "opex": opex}
        dur = max(len(capex), len(opex))
        total = np.zeros(dur)
        total[: len(capex)] += capex
        total[: len(opex)] += opex
        spend["total"] = total
        dem: list[tuple[int, np.ndarray]] = []
        for role, arr in c.demand.items():
            if role not in role_index:
                raise InvalidSelectionInput(f"{c.id}: unknown role {role!r}")
            a = np.asarray(arr, dtype=np.float64).reshape(-1)
            if np.any(~np.isfinite(a)) or np.any(a < 0):
                raise InvalidSelectionInput(f"{c.id}: demand must be finite and not negative")
            dem.append((role_index[role], a))
        for pos, k in enumerate(order):
            s = starts[k]
            rr: list[np.ndarray] = []
            vv: list[np.ndarray] = []
            for kind, lim in budgets:
                arr = spend[kind]
                if not arr.size:
                    continue
                per = (s + np.arange(arr.size)) // mpp
                sums = np.bincount(per, weights=arr)[: len(lim)]
                nz = np.flatnonzero(sums)
                rr.append(kind_base[kind] + nz)
                vv.append(sums[nz])
            for role, a in dem:
                months = s + np.arange(a.size)
                keep_m = (months < n_months) & (a > 0)
                rr.append(n_budget_rows + role * n_months + months[keep_m])
                vv.append(a[keep_m])
            r_all = np.concatenate(rr) if rr else np.zeros(0, dtype=np.int64)
            v_all = np.concatenate(vv) if vv else np.zeros(0)
            j = len(opt_item)
            cols_r.append(r_all.astype(np.int64))
            cols_v.append(v_all)
            cols_c.append(np.full(r_all.size, j, dtype=np.int64))
            opt_item.append(i)
            opt_start.append(s)
            opt_value.append(vals[pos])
        item_ptr.append(len(opt_item))

    n_opts = len(opt_item)
    n_rows = len(limit)
    rows = np.concatenate(cols_r) if cols_r else np.zeros(0, dtype=np.int64)
    vals_all = np.concatenate(cols_v) if cols_v else np.zeros(0)
    cols = np.concatenate(cols_c) if cols_c else np.zeros(0, dtype=np.int64)
    # coo -> csc sums duplicates (a role listed twice would add up, as it should)
    matrix = sp.csc_matrix((vals_all, (rows, cols)), shape=(n_rows, n_opts))
    matrix.sum_duplicates()
    matrix.sort_indices()
    csr = matrix.tocsr()
    csr.sort_indices()

    req_lists: list[list[int]] = [[] for _ in cands]
    dep_lists: list[list[int]] = [[] for _ in cands]
    for i, c in enumerate(cands):
        for rid in c.requires:
            if rid not in index:
                raise InvalidSelectionInput(f"{c.id} requires unknown candidate {rid!r}")
            a = index[rid]
            if a != i and a not in req_lists[i]:
                req_lists[i].append(a)
                dep_lists[a].append(i)
    grp_lists: list[list[int]] = [[] for _ in cands]
    members: list[list[int]] = []
    for g, group in enumerate(problem.exclusive_groups):
        mem: list[int] = []
        for cid in group:
            if cid not in index:
                raise InvalidSelectionInput(f"exclusive group {g} names unknown candidate {cid!r}")
            if index[cid] not in mem:
                mem.append(index[cid])
                grp_lists[index[cid]].append(g)
        members.append(mem)
    req_ptr, req_idx = _csr_lists(req_lists)
    dep_ptr, dep_idx = _csr_lists(dep_lists)
    grp_ptr, grp_idx = _csr_lists(grp_lists)
    return Compiled(
        problem=problem,
        ids=ids,
        index=index,
        item_ptr=np.asarray(item_ptr, dtype=np.int64),
        opt_item=np.asarray(opt_item, dtype=np.int64),
        opt_start=np.asarray(opt_start, dtype=np.int64),
        opt_value=np.asarray(opt_value, dtype=np.float64),
        matrix=matrix,
        col_ptr=matrix.indptr.astype(np.int64),
        col_idx=matrix.indices.astype(np.int64),
        col_val=matrix.data.astype(np.float64),
        row_ptr=csr.indptr.astype(np.int64),
        row_idx=csr.indices.astype(np.int64),
        row_val=csr.data.astype(np.float64),
        limit=limit.astype(np.float64),
        tol=_tolerance(limit.astype(np.float64), n_budget_rows),
        row_kind=row_kind,
        row_period=np.asarray(row_period, dtype=np.int64),
        row_role=np.asarray(row_role, dtype=np.int64),
        n_budget_rows=n_budget_rows,
        mandatory=np.asarray([bool(c.mandatory) for c in cands], dtype=np.bool_),
        req_ptr=req_ptr,
        req_idx=req_idx,
        dep_ptr=dep_ptr,
        dep_idx=dep_idx,
        grp_ptr=grp_ptr,
        grp_idx=grp_idx,
        n_groups=len(members),
        group_members=members,
    )
