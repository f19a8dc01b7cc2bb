"""Row operations of the Monte Carlo lanes: exact lane arithmetic, saturating at int32."""

import numpy as np
import pytest
from numba import njit
from numba.core.errors import TypingError

from pmo.engine.risk.rows import (
    LANES,
    place_early,
    place_late,
    prefetch_rows,
    pull_min,
    push_max,
)

I32 = np.iinfo(np.int32)

# Not cached on disk: numba keys the cache on this file alone, so a cached kernel would
# go on testing the intrinsics as rows.py was when it was compiled (they compile fast).


@njit
def _push(dst, src, lag):
    push_max(dst, (1, 0), src, (0, 1), lag)


@njit
def _pull(dst, src, lag):
    pull_min(dst, (1,), src, (2, 0), lag)


@njit
def _prefetch_all(rows):
    for i in range(rows.shape[0]):
        prefetch_rows(rows, i)


@njit
def _early(early, req, d, u, lo):
    place_early(early, req, d, u, lo)


@njit
def _late(late, hi, d, early, u, cap, threshold, live):
    return place_late(late, hi, d, early, u, cap, threshold, live)


def test_push_max_raises_the_target_row_to_the_source_row_plus_the_lag():
    rng = np.random.default_rng(1)
    dst = rng.integers(-1000, 1000, (2, 2, LANES)).astype(np.int32)
    src = rng.integers(-1000, 1000, (2, 2, LANES)).astype(np.int32)
    expected = dst.copy()
    expected[1, 0] = np.maximum(dst[1, 0], src[0, 1] + 37)
    _push(dst, src, np.int32(37))
    np.testing.assert_array_equal(dst, expected)  # and nothing else moved


def test_pull_min_lowers_the_target_row_to_the_source_row_minus_the_lag():
    rng = np.random.default_rng(2)
    dst = rng.integers(-1000, 1000, (2, LANES)).astype(np.int32)
    src = rng.integers(-1000, 1000, (3, 2, LANES)).astype(np.int32)
    expected = dst.copy()
    expected[1] = np.minimum(dst[1], src[2, 0] - (-250))
    _pull(dst, src, np.int32(-250))
    np.testing.assert_array_equal(dst, expected)


def test_row_arithmetic_saturates_instead_of_wrapping():
    dst = np.full((2, 2, LANES), I32.min, dtype=np.int32)
    src = np.full((2, 2, LANES), I32.max - 5, dtype=np.int32)
    _push(dst, src, np.int64(1 << 40))  # a lag beyond int32 is clamped too
    assert (dst[1, 0] == I32.max).all()
    low = np.full((2, LANES), I32.max, dtype=np.int32)
    _pull(low, np.full((3, 2, LANES), I32.min + 5, dtype=np.int32), np.int32(100))
    assert (low[1] == I32.min).all()


def test_place_early_starts_after_both_requirements_and_the_project_start():
    rng = np.random.default_rng(3)
    req = rng.integers(-500, 500, (3, 2, LANES)).astype(np.int32)
    d = rng.integers(0, 400, (3, LANES)).astype(np.int32)
    early = np.zeros((3, 2, LANES), dtype=np.int32)
    _early(early, req, d, 2, 10)
    start = np.maximum(np.maximum(10, req[2, 0]), req[2, 1] - d[2])
    np.testing.assert_array_equal(early[2, 0], start)
    np.testing.assert_array_equal(early[2, 1], start + d[2])
    assert not early[:2].any()


def test_place_late_finishes_by_every_limit_and_counts_critical_live_lanes():
    rng = np.random.default_rng(4)
    hi = rng.integers(0, 2000, (2, LANES)).astype(np.int32)
    d = rng.integers(0, 400, (2, LANES)).astype(np.int32)
    early = rng.integers(0, 2000, (2, 2, LANES)).astype(np.int32)
    late = np.zeros((2, 2, LANES), dtype=np.int32)
    cap, threshold, live = 1500, 30, LANES - 3
    hits = _late(late, hi, d, early, 1, cap, threshold, live)
    finish = np.minimum(np.minimum(hi[1], cap), hi[0] + d[1])
    np.testing.assert_array_equal(late[1, 1], finish)
    np.testing.assert_array_equal(late[1, 0], finish - d[1])
    critical = finish - early[1, 1] <= threshold
    assert hits == critical[:live].sum()
    assert not late[0].any()


def test_place_late_takes_no_deadline_as_no_limit():
    hi = np.stack([np.full(LANES, 1 << 30), np.arange(LANES) + 100]).astype(np.int32)
    d = np.full((1, LANES), 10, dtype=np.int32)
    early = np.zeros((1, 2, LANES), dtype=np.int32)
    early[0, 1] = np.arange(LANES) + 100
    late = np.empty((1, 2, LANES), dtype=np.int32)
    hits = _late(late, hi, d, early, 0, 1 << 62, 0, LANES)  # kernels.POS: no deadline
    np.testing.assert_array_equal(late[0, 1], np.arange(LANES) + 100)
    assert hits == LANES


def _strided(shape):
    return np.zeros((*shape[:-1], 2 * LANES), dtype=np.int32)[..., ::2]


@pytest.mark.parametrize(
    "dst, src",
    [
        (_strided((2, 2, LANES)), np.zeros((2, 2, LANES), np.int32)),  # not contiguous
        (np.zeros((2, 2, LANES), np.int32), _strided((2, 2, LANES))),
        (np.zeros((2, 2, LANES), np.int64), np.zeros((2, 2, LANES), np.int64)),  # not int32
        (np.zeros((2, 2, 2, LANES), np.int32), np.zeros((2, 2, LANES), np.int32)),  # an axis more
    ],
    ids=["strided target", "strided source", "int64", "extra axis"],
)
def test_arrays_whose_rows_are_not_int32_lane_vectors_are_refused(dst, src):
    # The intrinsics read a row as LANES adjacent int32 values: anything else would be
    # misread (or written past its end) without a word.
    with pytest.raises(TypingError):
        _push(dst, src, 0)


def test_a_read_only_target_row_is_refused():
    dst = np.zeros((2, 2, LANES), np.int32)
    dst.flags.writeable = False
    with pytest.raises(TypingError):
        _push(dst, np.zeros((2, 2, LANES), np.int32), 0)
    with pytest.raises(TypingError):
        _early(dst, np.zeros((3, 2, LANES), np.int32), np.zeros((3, LANES), np.int32), 0, 0)


def test_prefetching_every_block_up_to_the_last_leaves_the_rows_alone():
    rows = np.arange(3 * 2 * LANES, dtype=np.int32).reshape(3, 2, LANES)
    _prefetch_all(rows)  # the last block's lines end at the array's end: no fault
    np.testing.assert_array_equal(rows.ravel(), np.arange(3 * 2 * LANES))
