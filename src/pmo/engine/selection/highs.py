"""The selection model handed to HiGHS: LP relaxation, MILP with a warm start.

Rows, in order: the resource rows of `Compiled` (budgets, capacities), then one
"at most one start" row per candidate with several starts (``= 1`` when mandatory), one
row per exclusive group, one row per prerequisite ``x_dependent - x_required <= 0``.
"""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from pmo.engine.selection.model import Compiled

__all__ = ["LpResult", "MilpResult", "ModelArrays", "model_arrays", "solve_lp", "solve_milp"]


@dataclass(slots=True)
class ModelArrays:
    """The MILP in matrix form: ``row_lower <= A y <= row_upper``, ``lower <= y <= upper``."""

    a: sp.csc_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    cost: np.ndarray


@dataclass(slots=True)
class LpResult:
    """LP relaxation optimum: its value (an upper bound), columns, row prices."""

    value: float
    y: np.ndarray
    row_dual: np.ndarray
    col_dual: np.ndarray
    optimal: bool


@dataclass(slots=True)
class MilpResult:
    """What HiGHS found within its time: columns (or None), value and dual bound."""

    y: np.ndarray | None
    value: float
    bound: float
    infeasible: bool


def _item_rows(c: Compiled, items: np.ndarray) -> sp.csr_matrix:
    """One row per listed candidate, summing its columns."""
    counts = np.diff(c.item_ptr)[items]
    rows = np.repeat(np.arange(len(items)), counts)
    cols = np.concatenate([np.arange(c.item_ptr[i], c.item_ptr[i + 1]) for i in items])
    return sp.csr_matrix((np.ones(cols.size), (rows, cols)), shape=(len(items), c.n_opts))


def model_arrays(c: Compiled) -> ModelArrays:
    """The full selection MILP of ``c``."""
    n = c.n_opts
    counts = np.diff(c.item_ptr)
    blocks = [sp.csr_matrix(c.matrix)]
    lo = [np.full(c.n_rows, -np.inf)]
    up = [c.limit.astype(np.float64)]
    multi = np.flatnonzero(counts > 1)
    if multi.size:
        blocks.append(_item_rows(c, multi))
        lo.append(np.where(c.mandatory[multi], 1.0, -np.inf))
        up.append(np.ones(multi.size))
    if c.n_groups:
        rows, cols = [], []
        for g, mem in enumerate(c.group_members):
            for i in mem:
                span = np.arange(c.item_ptr[i], c.item_ptr[i + 1])
                rows.append(np.full(span.size, g))
                cols.append(span)
        r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        k = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        blocks.append(sp.csr_matrix((np.ones(k.size), (r, k)), shape=(c.n_groups, n)))
        lo.append(np.full(c.n_groups, -np.inf))
        up.append(np.ones(c.n_groups))
    dep = np.repeat(np.arange(c.n_items), np.diff(c.req_ptr))
    if dep.size:
        req = c.req_idx
        dep_rows = _item_rows(c, dep)
        req_rows = _item_rows(c, req)
        blocks.append((dep_rows - req_rows).tocsr())
        lo.append(np.full(dep.size, -np.inf))
        up.append(np.zeros(dep.size))
    a = sp.vstack(blocks).tocsc()
    a.sort_indices()
    lower = np.zeros(n)
    single_forced = np.flatnonzero(c.mandatory & (counts == 1))
    lower[c.item_ptr[single_forced]] = 1.0
    return ModelArrays(
        a=a,
        row_lower=np.concatenate(lo),
        row_upper=np.concatenate(up),
        lower=lower,
        upper=np.ones(n),
        cost=c.opt_value.astype(np.float64),
    )


@functools.cache
def _silence_banner() -> None:
    """HiGHS prints its banner to the C stdout when the first solver object of a process
    is built, before any option can turn output off; build that one with fd 1 closed so
    servers, workers and command-line tools stay quiet.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _highs(m: ModelArrays, integral: bool, time_limit: float, threads: int | None) -> highspy.Highs:
    _silence_banner()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", max(float(time_limit), 0.01))
    if threads is not None:
        h.setOptionValue("threads", int(threads))
    n = m.a.shape[1]
    h.passModel(
        n,
        m.a.shape[0],
        m.a.nnz,
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMaximize),
        0.0,
        m.cost,
        m.lower,
        m.upper,
        m.row_lower,
        m.row_upper,
        m.a.indptr.astype(np.int32),
        m.a.indices.astype(np.int32),
        m.a.data.astype(np.float64),
        np.full(n, 1 if integral else 0, dtype=np.int32),
    )
    return h


def solve_lp(m: ModelArrays, time_limit: float, threads: int | None = None) -> LpResult | None:
    """The LP relaxation; None when it is infeasible (mandatory projects do not fit)."""
    h = _highs(m, False, time_limit, threads)
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        return None
    sol = h.getSolution()
    optimal = status == highspy.HighsModelStatus.kOptimal
    if not optimal or not sol.dual_valid:
        # without a proven LP optimum there is no bound: the trivial one still holds
        return LpResult(
            value=float(np.maximum(m.cost, 0).sum()),
            y=np.zeros(m.a.shape[1]),
            row_dual=np.zeros(m.a.shape[0]),
            col_dual=np.zeros(m.a.shape[1]),
            optimal=False,
        )
    return LpResult(
        value=float(h.getInfo().objective_function_value),
        y=np.asarray(sol.col_value, dtype=np.float64),
        row_dual=np.asarray(sol.row_dual, dtype=np.float64),
        col_dual=np.asarray(sol.col_dual, dtype=np.float64),
        optimal=True,
    )


def solve_milp(
    m: ModelArrays,
    time_limit: float,
    start: np.ndarray | None = None,
    rel_gap: float = 1e-4,
    threads: int | None = None,
) -> MilpResult:
    """Branch and cut from HiGHS, handed our portfolio ``start`` (0/1 per column)."""
    h = _highs(m, True, time_limit, threads)
    h.setOptionValue("mip_rel_gap", float(rel_gap))
    h.setOptionValue("mip_abs_gap", 1e-9)
    if start is not None:
        idx = np.arange(start.size, dtype=np.int32)
        h.setSolution(int(start.size), idx, start.astype(np.float64))
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if status == highspy.HighsModelStatus.kInfeasible:
        return MilpResult(y=None, value=-np.inf, bound=-np.inf, infeasible=True)
    has = info.primal_solution_status == 2  # kSolutionStatusFeasible
    y = np.asarray(h.getSolution().col_value, dtype=np.float64) if has else None
    bound = float(info.mip_dual_bound)
    if not np.isfinite(bound):
        bound = np.inf
    value = float(info.objective_function_value) if has else -np.inf
    return MilpResult(y=y, value=value, bound=bound, infeasible=False)
