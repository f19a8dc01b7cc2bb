"""AHP weights and consistency against a published example.

Source: T. L. Saaty, "How to make a decision: The Analytic Hierarchy Process",
European Journal of Operational Research 48 (1990) 9-26, the house-buying example:
- the eight criteria (size, transportation, neighbourhood, age, yard space, modern
  facilities, general condition, financing) with published priorities
  .173 .054 .188 .018 .031 .036 .167 .333, lambda_max = 9.669 and C.R. = 0.17;
- the three houses compared on size: priorities .754 .181 .065, lambda_max = 3.136,
  C.I. = 0.068, C.R. = 0.117.
Random index: Saaty, "The Analytic Hierarchy Process", McGraw-Hill, 1980.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmo.engine.ahp import (
    RANDOM_INDEX,
    AhpResult,
    InvalidComparisons,
    ahp_weights,
    pairwise_matrix,
)
from pmo.engine.errors import EngineError

HOUSE_CRITERIA = """
1   5   3   7   6   6   1/3 1/4
1/5 1   1/3 5   3   3   1/5 1/7
1/3 3   1   6   3   4   6   1/5
1/7 1/5 1/6 1   1/3 1/4 1/7 1/8
1/6 1/3 1/3 3   1   1/2 1/5 1/6
1/6 1/3 1/4 4   2   1   1/5 1/6
3   5   1/6 7   5   5   1   1/2
4   7   5   8   6   6   2   1
"""


def parse(text: str) -> np.ndarray:
    return np.array(
        [[float(Fraction(x)) for x in row.split()] for row in text.strip().splitlines()]
    )


def test_saaty_1990_house_criteria() -> None:
    r = ahp_weights(parse(HOUSE_CRITERIA))
    assert isinstance(r, AhpResult)
    assert r.weights.round(3).tolist() == [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
    assert round(r.lambda_max, 3) == 9.669
    assert round(r.consistency_ratio, 2) == 0.17
    assert r.consistency_index == pytest.approx((r.lambda_max - 8) / 7)
    # published as too inconsistent to accept without review
    assert not r.consistent


def test_saaty_1990_houses_on_size() -> None:
    r = ahp_weights([[1, 6, 8], [1 / 6, 1, 4], [1 / 8, 1 / 4, 1]])
    assert r.weights.round(3).tolist() == [0.754, 0.181, 0.065]
    assert round(r.lambda_max, 3) == 3.136
    assert round(r.consistency_index, 3) == 0.068
    assert round(r.consistency_ratio, 3) == 0.117
    assert not r.consistent
    assert ahp_weights([[1, 6, 8], [1 / 6, 1, 4], [1 / 8, 1 / 4, 1]], threshold=0.12).consistent


def test_random_index_is_saatys_table() -> None:
    assert RANDOM_INDEX == {
        1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49
    }  # fmt: skip


@given(st.lists(st.integers(1, 9), min_size=1, max_size=10))
def test_consistent_judgments_recover_the_weights(raw: list[int]) -> None:
    w = np.asarray(raw, dtype=float) / sum(raw)
    r = ahp_weights(np.outer(w, 1 / w))
    np.testing.assert_allclose(r.weights, w, rtol=1e-9)
    assert r.lambda_max == pytest.approx(len(raw), rel=1e-9)
    assert r.consistency_ratio == pytest.approx(0.0, abs=1e-9) and r.consistent


def test_two_criteria_are_always_consistent() -> None:
    r = ahp_weights(pairwise_matrix(2, {(1, 0): 3}))
    assert r.weights.tolist() == pytest.approx([0.25, 0.75])
    assert (r.consistency_index, r.consistency_ratio, r.consistent) == (0.0, 0.0, True)


def test_pairwise_matrix_fills_reciprocals() -> None:
    a = pairwise_matrix(3, {(0, 1): 3, (0, 2): 5, (2, 1): 0.5})
    assert a.tolist() == [[1, 3, 5], [1 / 3, 1, 2], [0.2, 0.5, 1]]
    with pytest.raises(InvalidComparisons, match=r"missing judgments for pairs \[\(1, 2\)\]"):
        pairwise_matrix(3, {(0, 1): 3, (0, 2): 5})
    with pytest.raises(InvalidComparisons, match="compared twice"):
        pairwise_matrix(2, {(0, 1): 3, (1, 0): 1 / 3})


def test_invalid_matrices() -> None:
    with pytest.raises(InvalidComparisons, match="reciprocal"):
        ahp_weights([[1, 3], [3, 1]])
    with pytest.raises(InvalidComparisons, match="positive"):
        ahp_weights([[1, -2], [-0.5, 1]])
    with pytest.raises(InvalidComparisons, match="square"):
        ahp_weights([[1, 2, 3]])
    with pytest.raises(InvalidComparisons, match="itself as 1"):
        ahp_weights([[2, 1], [1, 2]])
    with pytest.raises(EngineError, match="11 criteria"):
        ahp_weights(np.ones((11, 11)))
    # rounded reciprocals, as typed in a form, are accepted
    assert ahp_weights([[1, 3], [0.33, 1]]).weights.round(2).tolist() == [0.75, 0.25]
