"""Analytic Hierarchy Process: criteria weights from pairwise comparisons.

A reciprocal matrix ``a[i, j]`` says how many times more important criterion i is than
j (Saaty's 1-9 scale, ``a[j, i] = 1 / a[i, j]``). The weights are its principal
eigenvector, normalised to sum to 1; how far its principal eigenvalue ``lambda_max``
exceeds n measures the inconsistency of the judgments (Saaty, "The Analytic Hierarchy
Process", McGraw-Hill, 1980):

    CI = (lambda_max - n) / (n - 1),    CR = CI / RI(n)

where RI is the mean CI of random reciprocal matrices. Judgments with CR > 0.1 should be
revisited.

Examples
--------
>>> r = ahp_weights([[1, 3, 5], [1/3, 1, 5/3], [1/5, 3/5, 1]])
>>> r.weights.round(4).tolist(), round(r.consistency_ratio, 12), r.consistent
([0.6522, 0.2174, 0.1304], 0.0, True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from pmo.engine.errors import EngineError

__all__ = [
    "RANDOM_INDEX",
    "AhpResult",
    "InvalidComparisons",
    "ahp_weights",
    "pairwise_matrix",
]

#: Saaty's random consistency index RI(n) (Saaty 1980, Table 1.7), n = 1..10.
RANDOM_INDEX: dict[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
}


class InvalidComparisons(EngineError, ValueError):
    """The comparison matrix is not square, positive and reciprocal, or too large."""


@dataclass(frozen=True, slots=True)
class AhpResult:
    """Weights and consistency of one comparison matrix.

    Attributes
    ----------
    weights : ndarray
        Principal eigenvector, positive, summing to 1.
    lambda_max : float
        Principal eigenvalue (n for perfectly consistent judgments).
    consistency_index : float
        ``(lambda_max - n) / (n - 1)``; 0 for n <= 2.
    consistency_ratio : float
        ``consistency_index / RI(n)``; 0 for n <= 2.
    consistent : bool
        ``consistency_ratio <= threshold`` (0.1 by default).
    """

    weights: np.ndarray
    lambda_max: float
    consistency_index: float
    consistency_ratio: float
    consistent: bool


def pairwise_matrix(n: int, judgments: Mapping[tuple[int, int], float]) -> np.ndarray:
    """A reciprocal matrix from judgments ``{(i, j): a_ij}`` above or below the diagonal.

    Parameters
    ----------
    n : int
        Number of criteria.
    judgments : mapping of (int, int) to float
        Each unordered pair once; the reciprocal fills the mirror cell.

    Raises
    ------
    InvalidComparisons
        A pair is missing, given twice, on the diagonal, or not positive.

    Examples
    --------
    >>> pairwise_matrix(2, {(0, 1): 4}).tolist()
    [[1.0, 4.0], [0.25, 1.0]]
    """
    a = np.ones((n, n))
    seen: set[tuple[int, int]] = set()
    for (i, j), v in judgments.items():
        if not (0 <= i < n and 0 <= j < n) or i == j:
            raise InvalidComparisons(f"judgment ({i}, {j}) is not a pair of criteria 0..{n - 1}")
        key = (min(i, j), max(i, j))
        if key in seen:
            raise InvalidComparisons(f"criteria {key[0]} and {key[1]} are compared twice")
        if not np.isfinite(v) or v <= 0:
            raise InvalidComparisons(f"judgment ({i}, {j}) must be positive, got {v!r}")
        seen.add(key)
        a[i, j] = float(v)
        a[j, i] = 1.0 / float(v)
    missing = [(i, j) for i in range(n) for j in range(i + 1, n) if (i, j) not in seen]
    if missing:
        raise InvalidComparisons(f"missing judgments for pairs {missing}")
    return a


def ahp_weights(
    matrix: Sequence[Sequence[float]] | np.ndarray, *, threshold: float = 0.1
) -> AhpResult:
    """Weights (principal eigenvector) and consistency ratio of a comparison matrix.

    Parameters
    ----------
    matrix : array_like, shape (n, n)
        Positive reciprocal matrix, n <= 10 (the range of Saaty's random index).
        Reciprocals may be rounded to two decimals (0.33 for 1/3, 0.17 for 1/6: 2 %
        off), so they are accepted within 3 %.
    threshold : float
        Largest consistency ratio accepted as consistent.

    Returns
    -------
    AhpResult

    Raises
    ------
    InvalidComparisons
        Not square, not positive, diagonal not 1, not reciprocal, or n > 10.
    """
    a = np.asarray(matrix, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise InvalidComparisons("the comparison matrix must be square and not empty")
    n = a.shape[0]
    if n > max(RANDOM_INDEX):
        raise InvalidComparisons(
            f"{n} criteria: Saaty's random index is published up to {max(RANDOM_INDEX)}; "
            "group the criteria into a hierarchy"
        )
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise InvalidComparisons("every comparison must be a positive number")
    if not np.allclose(np.diag(a), 1.0):
        raise InvalidComparisons("every criterion compares to itself as 1")
    bad = np.argwhere(~np.isclose(a * a.T, 1.0, rtol=0.03, atol=0.0))
    if bad.size:
        i, j = (int(x) for x in bad[0])
        raise InvalidComparisons(
            f"comparison ({i}, {j}) = {a[i, j]:g} but ({j}, {i}) = {a[j, i]:g}: "
            "they must be reciprocal"
        )
    vals, vecs = np.linalg.eig(a)
    # Perron-Frobenius: a positive matrix has one real eigenvalue of largest modulus,
    # with an eigenvector of one sign
    k = int(np.argmax(vals.real))
    lam = float(vals[k].real)
    w = np.abs(vecs[:, k].real)
    w = w / w.sum()
    if n <= 2:
        ci = cr = 0.0
    else:
        ci = max(0.0, (lam - n) / (n - 1))
        cr = ci / RANDOM_INDEX[n]
    return AhpResult(
        weights=w,
        lambda_max=lam,
        consistency_index=ci,
        consistency_ratio=cr,
        consistent=cr <= threshold,
    )
