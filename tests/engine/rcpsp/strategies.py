"""Hypothesis strategy for small random projects.

Capacity may vary per period; every demand fits the final capacity, so a schedule
always exists. At most one activity without predecessors is fixed, inside capacity.
"""

import numpy as np
from hypothesis import strategies as st

from pmo.engine.rcpsp import Instance


@st.composite
def projects(draw, max_n: int = 7, max_res: int = 2, varying: bool = True, fixed: bool = True):
    """A random :class:`Instance` of at most ``max_n`` activities."""
    n = draw(st.integers(1, max_n))
    n_res = draw(st.integers(1, max_res))
    durations = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    final = draw(st.lists(st.integers(1, 4), min_size=n_res, max_size=n_res))
    demands = [[draw(st.integers(0, final[r])) for r in range(n_res)] for _ in range(n)]
    if varying and draw(st.booleans()):
        periods = draw(st.integers(1, 6))
        profile = [
            [draw(st.integers(0, 5)) for _ in range(periods)] + [final[r]] for r in range(n_res)
        ]
    else:
        profile = [[f] for f in final]
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=2 * n))
    edges = sorted({(a, b) for a, b in pairs if a < b})
    lags = [draw(st.integers(0, 2)) for _ in edges] if draw(st.booleans()) else [0] * len(edges)
    release = [draw(st.integers(0, 3)) if draw(st.booleans()) else 0 for _ in range(n)]
    fixed_start = [-1] * n
    if fixed and draw(st.booleans()):
        heads = [j for j in range(n) if all(b != j for _, b in edges)]
        j = draw(st.sampled_from(heads))
        s = draw(st.integers(0, 5))
        fixed_start[j] = s
        cols = np.minimum(np.arange(s, s + durations[j]), len(profile[0]) - 1)
        for r in range(n_res):
            low = min((profile[r][c] for c in cols), default=demands[j][r])
            demands[j][r] = min(demands[j][r], low)
    return Instance(
        durations=durations,
        demands=demands,
        capacity=profile,
        edges=np.array(edges, dtype=np.int64).reshape(-1, 2),
        lags=lags,
        fixed_start=fixed_start,
        release=release,
    )
