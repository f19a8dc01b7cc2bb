"""Random durations: three-point distributions, risk events and rank correlation."""

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtri

from pmo.engine.errors import EngineError
from pmo.engine.risk.draws import FIXED

__all__ = [
    "Distribution",
    "Estimates",
    "InvalidCorrelation",
    "InvalidEstimate",
    "RiskEvents",
    "iman_conover",
    "moments",
    "parameters",
]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


class InvalidEstimate(EngineError, ValueError):
    """Three-point estimates or risk events are malformed (ids: the activities or risks)."""


class InvalidCorrelation(EngineError, ValueError):
    """The rank correlations cannot hold together (ids: the activities involved)."""


class Distribution(IntEnum):
    """Shape of a duration between its optimistic and pessimistic estimates."""

    TRIANGULAR = 0  #: mode at the most likely value
    PERT = 1  #: Beta with alpha = 1 + 4(m - a)/(b - a), beta = 1 + 4(b - m)/(b - a)
    UNIFORM = 2  #: every value between optimistic and pessimistic equally likely
    #: shifted lognormal: floor at the optimistic value, mean and variance of the triangle
    LOGNORMAL = 3


@dataclass(frozen=True, eq=False)
class Estimates:
    """Three-point duration estimates per activity, in working minutes.

    An activity with equal optimistic and pessimistic values keeps that duration in
    every iteration. Only ``most_likely`` is required (then nothing is uncertain).

    Attributes
    ----------
    most_likely : array_like of int, shape (n,)
    optimistic, pessimistic : array_like of int, shape (n,), optional
    distribution : array_like of int, shape (n,), optional
        :class:`Distribution` per activity; default triangular.
    """

    most_likely: ArrayLike
    optimistic: ArrayLike | None = None
    pessimistic: ArrayLike | None = None
    distribution: ArrayLike | None = None

    def arrays(self, n: int, ids: I64) -> tuple[F64, F64, F64, NDArray[np.int8]]:
        """Checked ``(optimistic, most_likely, pessimistic, distribution)`` arrays."""
        m = _vector(self.most_likely, n, "most_likely")
        a = m.copy() if self.optimistic is None else _vector(self.optimistic, n, "optimistic")
        b = m.copy() if self.pessimistic is None else _vector(self.pessimistic, n, "pessimistic")
        kind = (
            np.zeros(n, dtype=np.int8)
            if self.distribution is None
            else np.asarray(self.distribution, dtype=np.int8)
        )
        if kind.shape != (n,):
            raise InvalidEstimate(f"distribution has shape {kind.shape}, expected ({n},)")
        _refuse(a < 0, ids, "negative optimistic duration")
        _refuse(a > m, ids, "optimistic duration above the most likely")
        _refuse(m > b, ids, "most likely duration above the pessimistic")
        _refuse((kind < 0) | (kind > Distribution.LOGNORMAL), ids, "unknown distribution")
        return a, m, b, kind


@dataclass(frozen=True, eq=False)
class RiskEvents:
    """Risk events: each occurs with its probability and then delays its activities.

    Attributes
    ----------
    probability : array_like of float, shape (r,)
        Chance of occurring in one iteration, 0 - 1.
    activities : sequence of sequences of int
        Positions of the activities each event delays (the same delay is added to
        each of them when it occurs); may be empty for a cost-only event.
    delay : array_like of int, shape (r, 3), optional
        Minimum, most likely and maximum delay in working minutes (triangular).
    cost : array_like of int, shape (r, 3), optional
        Minimum, most likely and maximum cost in cents (triangular), counted once.
    ids : array_like of int, shape (r,), optional
        Caller's ids, used in error messages.
    """

    probability: ArrayLike
    activities: tuple[tuple[int, ...], ...] | list[list[int]]
    delay: ArrayLike | None = None
    cost: ArrayLike | None = None
    ids: ArrayLike | None = None

    def checked(self, n: int) -> tuple[F64, list[I64], F64, F64, I64]:
        """``(probability, activities, delay (r, 3), cost (r, 3), ids)``, validated."""
        p = np.asarray(self.probability, dtype=np.float64).reshape(-1)
        r = p.shape[0]
        ids = np.arange(r) if self.ids is None else np.asarray(self.ids, dtype=np.int64)
        if ids.shape != (r,):
            raise InvalidEstimate(f"risk ids have shape {ids.shape}, expected ({r},)")
        _refuse((p < 0) | (p > 1) | np.isnan(p), ids, "risk probability outside 0..1")
        if len(self.activities) != r:
            raise InvalidEstimate(f"{len(self.activities)} activity lists for {r} risk events")
        # An activity listed twice is still delayed once.
        mapped = [np.unique(np.asarray(list(t), dtype=np.int64)) for t in self.activities]
        bad = [i for i, t in enumerate(mapped) if t.size and (t.min() < 0 or t.max() >= n)]
        if bad:
            raise InvalidEstimate(
                f"risk events map to activity positions outside 0..{n - 1}: risks "
                f"{ids[bad][:10].tolist()}",
                ids[bad],
            )
        delay = _triples(self.delay, r, "delay", ids)
        cost = _triples(self.cost, r, "cost", ids)
        return p, mapped, delay, cost, ids


def _vector(values: ArrayLike, n: int, name: str) -> F64:
    arr = np.asarray(values, dtype=np.float64)
    if arr.shape != (n,):
        raise InvalidEstimate(f"{name} has shape {arr.shape}, expected ({n},)")
    if np.any(np.isnan(arr)):
        raise InvalidEstimate(f"{name} has missing values")
    return arr


def _triples(values: ArrayLike | None, r: int, name: str, ids: I64) -> F64:
    if values is None:
        return np.zeros((r, 3))
    arr = np.asarray(values, dtype=np.float64).reshape(-1, 3) if r else np.zeros((0, 3))
    if arr.shape != (r, 3):
        raise InvalidEstimate(f"risk {name} has shape {arr.shape}, expected ({r}, 3)")
    _refuse(arr[:, 0] < 0, ids, f"negative minimum {name}")
    _refuse(
        (arr[:, 0] > arr[:, 1]) | (arr[:, 1] > arr[:, 2]), ids, f"{name} not min <= likely <= max"
    )
    return arr


def _refuse(mask: NDArray[np.bool_], ids: I64, what: str) -> None:
    if np.any(mask):
        bad = ids[mask]
        raise InvalidEstimate(f"{what}: {bad[:10].tolist()}", bad)


def moments(a: ArrayLike, m: ArrayLike, b: ArrayLike, kind: ArrayLike) -> tuple[F64, F64]:
    """Mean and variance of each distribution (analytic), for checks and reports.

    Examples
    --------
    >>> mean, var = moments([0], [1], [2], [Distribution.TRIANGULAR])
    >>> float(mean[0]), round(float(var[0]), 4)
    (1.0, 0.1667)
    """
    a, m, b = (np.asarray(x, dtype=np.float64) for x in (a, m, b))
    kind = np.asarray(kind)
    tri_mean = (a + m + b) / 3
    tri_var = (a * a + m * m + b * b - a * m - a * b - m * b) / 18
    w = np.where(b > a, b - a, 1.0)
    alpha = 1 + 4 * (m - a) / w
    beta = 1 + 4 * (b - m) / w
    pert_mean = a + (b - a) * alpha / (alpha + beta)
    pert_var = (b - a) ** 2 * alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1))
    uni_mean = (a + b) / 2
    uni_var = (b - a) ** 2 / 12
    mean = np.select(
        [kind == Distribution.PERT, kind == Distribution.UNIFORM], [pert_mean, uni_mean], tri_mean
    )
    var = np.select(
        [kind == Distribution.PERT, kind == Distribution.UNIFORM], [pert_var, uni_var], tri_var
    )
    return mean, var


def parameters(a: F64, m: F64, b: F64, kind: NDArray[np.int8]) -> tuple[NDArray, ...]:
    """``(code, optimistic, most likely, pessimistic, p1, p2, p3, p4)`` for the draws.

    ``code`` is the :class:`Distribution`, or ``draws.FIXED`` where nothing is
    uncertain. PERT: ``p1, p2`` are alpha and beta, ``p3, p4`` the constants
    ``1 / sqrt(9 shape - 3)`` of its two gamma draws. Lognormal: ``p1, p2`` are mu
    and sigma of the excess over the optimistic value (mean and variance of the
    triangle).
    """
    spread = b > a
    code = np.where(spread, kind, FIXED).astype(np.int64)
    width = np.where(spread, b - a, 1.0)
    p1 = np.zeros(m.shape[0])
    p2 = np.zeros(m.shape[0])
    pert = code == Distribution.PERT
    p1[pert] = 1 + 4 * (m[pert] - a[pert]) / width[pert]
    p2[pert] = 1 + 4 * (b[pert] - m[pert]) / width[pert]
    p3 = np.zeros(m.shape[0])
    p4 = np.zeros(m.shape[0])
    p3[pert] = 1 / np.sqrt(9 * p1[pert] - 3)
    p4[pert] = 1 / np.sqrt(9 * p2[pert] - 3)
    logn = code == Distribution.LOGNORMAL
    if logn.any():
        mean, var = moments(a[logn], m[logn], b[logn], np.zeros(int(logn.sum()), dtype=np.int8))
        excess = mean - a[logn]
        sigma2 = np.log1p(var / excess**2)
        p1[logn] = np.log(excess) - sigma2 / 2
        p2[logn] = np.sqrt(sigma2)
    return code, a, m, b, p1, p2, p3, p4


def correlation_matrix(pairs: ArrayLike, rho: ArrayLike, n: int, ids: I64) -> tuple[I64, F64]:
    """``(columns, matrix)``: the activities that take part and their target matrix."""
    p = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    r = np.asarray(rho, dtype=np.float64).reshape(-1)
    if r.shape[0] != p.shape[0]:
        raise InvalidCorrelation(f"{p.shape[0]} pairs for {r.shape[0]} coefficients")
    if p.size and (p.min() < 0 or p.max() >= n):
        raise InvalidCorrelation(f"correlated positions outside 0..{n - 1}")
    self_pairs = p[:, 0] == p[:, 1]
    if np.any(self_pairs):
        raise InvalidCorrelation(
            f"an activity cannot be correlated with itself: {ids[p[self_pairs, 0]].tolist()}",
            ids[p[self_pairs, 0]],
        )
    outside = (r < -1) | (r > 1) | np.isnan(r)
    if np.any(outside):
        bad = ids[p[outside].reshape(-1)]
        raise InvalidCorrelation(f"correlation outside -1..1 between {bad.tolist()}", bad)
    cols = np.unique(p)
    where = {int(c): i for i, c in enumerate(cols)}
    c = np.eye(cols.size)
    for (i, j), value in zip(p.tolist(), r.tolist(), strict=True):
        c[where[i], where[j]] = c[where[j], where[i]] = value
    try:
        np.linalg.cholesky(c)
    except np.linalg.LinAlgError:
        raise InvalidCorrelation(
            "these correlations contradict each other (the matrix is not positive "
            f"definite): activities {ids[cols][:20].tolist()}",
            ids[cols],
        ) from None
    return cols, c


def iman_conover(samples: F64, target: F64, rng: np.random.Generator) -> F64:
    """Reorder each column of ``samples`` so that their rank correlation is ``target``.

    Iman and Conover (1982): van der Waerden scores in random order are given the
    target correlation through Cholesky factors; each column of ``samples`` is then
    arranged in the rank order of its score column. Marginals are untouched.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = rng.random((2000, 2))
    >>> y = iman_conover(x, np.array([[1, 0.8], [0.8, 1]]), rng)
    >>> from scipy.stats import spearmanr
    >>> round(float(spearmanr(y[:, 0], y[:, 1]).statistic), 1)
    0.8
    >>> bool(np.all(np.sort(y, axis=0) == np.sort(x, axis=0)))
    True
    """
    size, k = samples.shape
    if size <= k:
        raise InvalidCorrelation(f"rank correlation needs more than {k} iterations")
    scores = ndtri(np.arange(1, size + 1) / (size + 1))
    s = np.empty((size, k))
    for j in range(k):
        s[:, j] = rng.permutation(scores)
    e = np.corrcoef(s, rowvar=False)
    q = np.linalg.cholesky(e)
    p = np.linalg.cholesky(target)
    t = s @ np.linalg.inv(q).T @ p.T
    out = np.empty_like(samples)
    for j in range(k):
        ranks = np.argsort(np.argsort(t[:, j], kind="stable"), kind="stable")
        out[:, j] = np.sort(samples[:, j])[ranks]
    return out
