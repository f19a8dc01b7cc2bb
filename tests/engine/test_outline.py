"""Outlined calls and stashed values (pmo.engine.outline)."""

import re
import sys

import numpy as np
import pytest
from numba import njit
from numba.core.errors import TypingError

from pmo.engine.outline import outlined, stash, unstash


@njit
def _weighted(i, ctx):
    values, weights, scale = unstash(ctx)
    return values[i] * weights[i] * scale


weighted = outlined(_weighted)


@njit
def _pair(a, b):
    return a + b, a - b


pair = outlined(_pair)


@njit
def _checked(x):
    if x < 0:
        raise ValueError("negative input")
    return x * 2


checked = outlined(_checked)


@njit
def weighted_total(values, weights, scale):
    ctx = stash((values, weights, scale))
    acc = 0.0
    for i in range(values.shape[0]):
        acc += weighted(i, ctx)
    return acc


@njit
def pairs(n):
    out = np.empty((n, 2), dtype=np.int64)
    for i in range(n):
        out[i, 0], out[i, 1] = pair(i, 3)
    return out


@njit
def doubled(values):
    acc = 0
    for x in values:
        acc += checked(x)
    return acc


@njit
def unstashed_sum(values, weights):
    ctx = stash((values, weights))
    v, w = unstash(ctx)  # read back in a function that counts references
    return (v * w).sum()


def test_an_outlined_function_returns_what_the_function_returns():
    values = np.array([1.0, 2.0, 3.0])
    weights = np.array([0.5, 2.0, 1.0])
    assert weighted_total(values, weights, 10.0) == pytest.approx(10 * (0.5 + 4.0 + 3.0))
    assert pairs(3).tolist() == [[3, -3], [4, -2], [5, -1]]


def test_an_exception_raised_in_an_outlined_function_reaches_the_caller():
    assert doubled(np.array([1, 2])) == 6
    with pytest.raises(ValueError, match="negative input"):
        doubled(np.array([1, -2]))


def test_the_call_stays_a_call():
    # In the optimised IR of the caller, a call instruction names the outlined
    # function (mangled with its length, ``5_pair``); inlined, no call names it. (The
    # machine code calls through registers, so it cannot tell the two apart.)
    pairs(1)
    llvm = pairs.inspect_llvm(pairs.signatures[0])
    assert re.search(r"\bcall [^\n]*@\S*5_pairB", llvm)


def test_stashed_arrays_are_borrowed_not_leaked():
    # A reference taken and not given back (or the reverse) would show in the
    # arrays' reference counts after a few calls.
    values = np.arange(1000, dtype=np.float64)
    weights = np.ones(1000)
    weighted_total(values, weights, 1.0)
    before = sys.getrefcount(values), sys.getrefcount(weights)
    for _ in range(50):
        assert weighted_total(values, weights, 2.0) == pytest.approx(2 * values.sum())
        assert unstashed_sum(values, weights) == pytest.approx(values.sum())
    assert (sys.getrefcount(values), sys.getrefcount(weights)) == before


def test_unstash_needs_a_stash_pointer():
    @njit
    def wrong(x):
        return unstash(x)

    with pytest.raises(TypingError):
        wrong(3)
