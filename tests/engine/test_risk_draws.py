"""The compiled draws follow their distributions, and depend on the seed alone."""

import numba
import numpy as np
import pytest
from numba import njit
from scipy import stats

from pmo.engine.cpm import Activities, prepare
from pmo.engine.network import compile_network
from pmo.engine.risk import Distribution, Estimates, RiskEvents, simulate, simulation
from pmo.engine.risk.draws import draw, normal, stream
from pmo.engine.risk.sampling import parameters


@njit(cache=True)
def _many(code, lo, mode, hi, p1, p2, p3, p4, size, key):
    out = np.empty(size)
    for i in range(size):
        out[i] = draw(code, lo, mode, hi, p1, p2, p3, p4, stream(key, i))
    return out


@njit(cache=True)
def _normals(size, key):
    out = np.empty(size)
    for i in range(size):
        out[i], _ = normal(stream(key, i))
    return out


def test_normal_draws_are_standard_normal_out_into_the_tails():
    z = _normals(4_000_000, np.uint64(99))
    assert stats.kstest(z, stats.norm.cdf).pvalue > 0.01
    # Beyond the base layer's edge (3.4426) the ziggurat switches to its tail method;
    # the share drawn there must match the normal tail (about 5.8 per 10,000).
    beyond = np.abs(z) > 3.442619855899
    expected = 2 * stats.norm.sf(3.442619855899) * z.size
    assert abs(beyond.sum() - expected) < 4 * np.sqrt(expected)
    # About 27 expected beyond 4.5: the far tail is reached, and not overdone.
    far = np.abs(z) > 4.5
    assert 8 <= far.sum() <= 55


def sample(kind, a, m, b, size=100_000, key=12345):
    code, lo, mode, hi, p1, p2, p3, p4 = (x[0] for x in parameters(
        np.array([a], dtype=float), np.array([m], dtype=float), np.array([b], dtype=float),
        np.array([kind], dtype=np.int8),
    ))  # fmt: skip
    return _many(code, lo, mode, hi, p1, p2, p3, p4, size, np.uint64(key))


@pytest.mark.parametrize(
    ("kind", "a", "m", "b", "reference"),
    [
        (Distribution.TRIANGULAR, 2.0, 3.0, 7.0, stats.triang(0.2, loc=2, scale=5)),
        (Distribution.UNIFORM, 2.0, 3.0, 7.0, stats.uniform(2, 5)),
        # PERT: alpha = 1 + 4 (m - a) / (b - a), beta = 1 + 4 (b - m) / (b - a).
        (Distribution.PERT, 0.0, 25.0, 100.0, stats.beta(2, 4, scale=100)),
        (Distribution.PERT, 0.0, 80.0, 100.0, stats.beta(4.2, 1.8, scale=100)),
        (Distribution.PERT, 10.0, 10.0, 20.0, stats.beta(1, 5, loc=10, scale=10)),
        (Distribution.PERT, 10.0, 20.0, 20.0, stats.beta(5, 1, loc=10, scale=10)),
    ],
)
def test_draws_follow_the_distribution(kind, a, m, b, reference):
    x = sample(kind, a, m, b)
    assert x.min() >= a and x.max() <= b
    assert stats.kstest(x, reference.cdf).pvalue > 0.01
    assert abs(x.mean() - reference.mean()) < 4 * reference.std() / np.sqrt(x.size)


def test_lognormal_draws_have_the_triangle_mean_and_variance_above_the_optimistic_value():
    x = sample(Distribution.LOGNORMAL, 100.0, 200.0, 600.0, size=400_000)
    mean = (100 + 200 + 600) / 3
    var = (100**2 + 200**2 + 600**2 - 100 * 200 - 100 * 600 - 200 * 600) / 18
    assert x.min() > 100
    assert abs(x.mean() - mean) < 4 * np.sqrt(var / x.size)
    assert abs(x.var() / var - 1) < 0.05
    logs = np.log(x - 100)
    assert stats.kstest(logs, stats.norm(logs.mean(), logs.std()).cdf).pvalue > 0.01


def test_streams_are_independent_of_each_other():
    # Neighbouring counters (the same activity in consecutive iterations, or
    # consecutive activities) must not give related numbers.
    x = sample(Distribution.UNIFORM, 0.0, 0.5, 1.0, size=200_000)
    assert abs(np.corrcoef(x[:-1], x[1:])[0, 1]) < 0.01
    other = sample(Distribution.UNIFORM, 0.0, 0.5, 1.0, size=200_000, key=12346)
    assert abs(np.corrcoef(x, other)[0, 1]) < 0.01


def test_results_depend_on_the_seed_and_not_on_the_threads_or_the_chunks(monkeypatch):
    net = compile_network([0, 1, 0], [1, 2, 2], n=3, link_type=[0, 1, 0])
    prep = prepare(net, Activities(duration=[600, 600, 300]))
    est = Estimates([600, 600, 300], [400, 500, 100], [900, 1200, 700], [0, 1, 3])
    risks = RiskEvents([0.3], [[1]], delay=[[60, 120, 480]], cost=[[10, 20, 30]])
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("numba runs one thread here")
    threads = numba.get_num_threads()
    runs = []
    try:
        for count in (1, 2):
            numba.set_num_threads(count)
            runs.append(simulate(prep, est, iterations=3000, seed=4, risks=risks, costs=[1, 2, 3]))
    finally:
        numba.set_num_threads(threads)
    # Three calls of the lanes instead of one.
    monkeypatch.setattr(simulation, "_CHUNK_ELEMENTS", 3)
    runs.append(simulate(prep, est, iterations=3000, seed=4, risks=risks, costs=[1, 2, 3]))
    first = runs[0]
    for other in runs[1:]:
        assert other.finish.tolist() == first.finish.tolist()
        assert other.cost.tolist() == first.cost.tolist()
        assert other.criticality.tolist() == first.criticality.tolist()
