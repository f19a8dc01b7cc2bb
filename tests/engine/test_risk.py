"""Monte Carlo schedule risk: analytic validation, risk events, correlation, costs."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from scipy.stats import spearmanr

from pmo.engine.calendars import Calendar
from pmo.engine.cpm import Activities, prepare, schedule
from pmo.engine.network import compile_network
from pmo.engine.risk import (
    Distribution,
    Estimates,
    InvalidCorrelation,
    InvalidEstimate,
    RiskEvents,
    iman_conover,
    moments,
    simulate,
)

EPOCH = np.datetime64("1970-01-01T00:00", "m")


def minutes(dates) -> np.ndarray:
    """Minutes since the 1970 origin of the continuous default calendar."""
    return (np.asarray(dates) - EPOCH).astype(np.int64)


def chain(n: int):
    net = compile_network(list(range(n - 1)), list(range(1, n)), n=n)
    return prepare(net, Activities(duration=np.full(n, 1000)))


@pytest.mark.parametrize(
    "kind",
    [Distribution.TRIANGULAR, Distribution.PERT, Distribution.UNIFORM, Distribution.LOGNORMAL],
)
def test_chain_of_iid_tasks_matches_analytic_mean_and_variance(kind):
    n, iterations = 12, 20_000
    a, m, b = 600.0, 900.0, 1800.0
    sim = simulate(
        chain(n),
        Estimates(np.full(n, m), np.full(n, a), np.full(n, b), np.full(n, kind)),
        iterations=iterations,
        seed=42,
    )
    mean1, var1 = moments([a], [m], [b], [kind])
    total = minutes(sim.finish).astype(float)
    # A sum of n independent durations: n times the mean, n times the variance
    # (plus 1/12 per task for rounding to whole minutes).
    mean, var = n * mean1[0], n * (var1[0] + 1 / 12)
    assert abs(total.mean() - mean) < 4 * np.sqrt(var / iterations)
    assert total.var() == pytest.approx(var, rel=0.05)
    assert sim.criticality.tolist() == [1.0] * n


def test_two_parallel_paths_reproduce_the_merge_bias_of_the_maximum():
    net = compile_network([0, 1], [2, 2], n=3)
    prep = prepare(net, Activities(duration=[1500, 1500, 0]))
    a, b, iterations = 1000.0, 2000.0, 20_000
    est = Estimates([1500, 1500, 0], [a, a, 0], [b, b, 0], [Distribution.UNIFORM] * 3)
    sim = simulate(prep, est, iterations=iterations, seed=3)
    total = minutes(sim.finish).astype(float)
    # max of two independent U(a, b): mean a + 2(b - a)/3, variance (b - a)^2 / 18.
    assert abs(total.mean() - (a + 2 * (b - a) / 3)) < 4 * np.sqrt((b - a) ** 2 / 18 / iterations)
    assert total.var() == pytest.approx((b - a) ** 2 / 18, rel=0.05)
    # Each path alone meets its mean half the time; both together only a quarter.
    assert sim.probability_by(sim.deterministic_finish) == pytest.approx(0.25, abs=0.015)
    assert sim.criticality[:2] == pytest.approx([0.5, 0.5], abs=0.02)
    assert sim.criticality[2] == 1.0


def test_same_seed_same_results_and_another_seed_differs():
    est = Estimates(np.full(5, 900), np.full(5, 600), np.full(5, 1800))
    one = simulate(chain(5), est, iterations=300, seed=11)
    two = simulate(chain(5), est, iterations=300, seed=11)
    other = simulate(chain(5), est, iterations=300, seed=12)
    assert np.array_equal(one.finish, two.finish)
    assert np.array_equal(one.sensitivity, two.sensitivity)
    assert not np.array_equal(one.finish, other.finish)


def test_certain_risk_event_adds_its_delay_and_cost_exactly():
    est = Estimates([600, 600], [600, 600], [600, 600])
    risks = RiskEvents(
        probability=[1.0], activities=[[1]], delay=[[120, 120, 120]], cost=[[5000, 5000, 5000]]
    )
    sim = simulate(chain(2), est, iterations=50, seed=1, risks=risks, costs=[10_000, 20_000])
    assert set(minutes(sim.finish).tolist()) == {1320}
    assert minutes([sim.deterministic_finish]).tolist() == [1200]
    assert set(sim.cost.tolist()) == {10_000 + 20_000 * 720 / 600 + 5000}
    assert sim.deterministic_cost == 30_000
    assert sim.risk_occurrences.tolist() == [50]
    # An activity listed twice in a risk event is still delayed once.
    twice = RiskEvents(probability=[1.0], activities=[[1, 1]], delay=[[120, 120, 120]])
    again = simulate(chain(2), est, iterations=50, seed=1, risks=twice)
    assert set(minutes(again.finish).tolist()) == {1320}


def test_probable_risk_event_sets_the_percentiles_and_the_probability_of_a_date():
    est = Estimates([600], [600], [600])
    risks = RiskEvents(probability=[0.3], activities=[[0]], delay=[[480, 480, 480]])
    sim = simulate(chain(1), est, iterations=10_000, seed=5, risks=risks)
    occurred = int(sim.risk_occurrences[0])
    assert occurred == pytest.approx(3000, abs=200)
    base, late = np.datetime64("1970-01-01T10:00"), np.datetime64("1970-01-01T18:00")
    assert sim.probability_by(base) == 1 - occurred / 10_000
    assert sim.probability_by(late) == 1.0
    assert sim.percentiles([10, 50, 60, 80, 90]) == {
        10: base,
        50: base,
        60: base,
        80: late,
        90: late,
    }
    assert sim.risk_sensitivity[0] == pytest.approx(1.0)


def test_percentile_is_the_earliest_date_reached_in_that_share_of_iterations():
    # P50 is a drawn value with at least half the iterations at or before it, and a
    # minute earlier fewer than half.
    sim = simulate(chain(1), Estimates([300], [0], [600], [2]), iterations=1001, seed=9)
    values = np.sort(minutes(sim.finish))
    p50 = minutes([sim.percentiles([50])[50]])[0]
    assert p50 == values[500]
    assert sim.probability_by(np.datetime64(int(p50), "m")) >= 0.5
    assert sim.probability_by(np.datetime64(int(p50) - 1, "m")) < 0.5


def test_calendar_and_fixed_estimates_give_the_deterministic_cpm_finish_every_time():
    paris = ZoneInfo("Europe/Paris")
    cal = Calendar.standard(timezone="Europe/Paris")
    start = datetime(2026, 3, 2, 8, 0, tzinfo=paris)
    net = compile_network([0, 1], [1, 2], n=3, link_type=[0, 0])
    acts = Activities(duration=[480, 960, 240])
    prep = prepare(net, acts, calendars=[cal], start=start)
    sim = simulate(prep, Estimates([480, 960, 240]), iterations=20, seed=0, watch=[1])
    expected = schedule(net, acts, calendars=[cal], start=start).dates("early_finish")
    # 08:00 Mon + 1 + 2 days + 4 h: Thursday 12:00 in Paris (11:00 UTC).
    assert set(sim.finish.tolist()) == {np.datetime64("2026-03-05T11:00").item()}
    assert sim.finish[0] == expected[2]
    assert sim.milestone_percentiles([50])[0][50] == expected[1]


def test_correlated_durations_widen_the_spread_of_a_chain():
    est = Estimates([900, 900], [600, 600], [1800, 1800])
    pairs = ([[0, 1]], [0.9])
    free = simulate(chain(2), est, iterations=8000, seed=2)
    tied = simulate(chain(2), est, iterations=8000, seed=2, correlations=pairs)
    _, var1 = moments([600], [900], [1800], [0])
    assert minutes(free.finish).var() == pytest.approx(2 * var1[0], rel=0.07)
    # var(x + y) = 2 v (1 + r) with Pearson r close to the rank correlation 0.9.
    assert minutes(tied.finish).var() == pytest.approx(2 * var1[0] * 1.9, rel=0.07)


def test_iman_conover_keeps_marginals_and_reaches_the_target_rank_correlation():
    rng = np.random.default_rng(4)
    x = np.column_stack([rng.triangular(0, 1, 3, 5000), rng.random(5000), rng.random(5000)])
    target = np.array([[1, 0.7, -0.4], [0.7, 1, 0.0], [-0.4, 0.0, 1]])
    y = iman_conover(x, target, rng)
    assert np.array_equal(np.sort(y, axis=0), np.sort(x, axis=0))
    rho = spearmanr(y).statistic
    assert rho[0, 1] == pytest.approx(0.7, abs=0.03)
    assert rho[0, 2] == pytest.approx(-0.4, abs=0.03)
    assert rho[1, 2] == pytest.approx(0.0, abs=0.03)


def test_contradicting_correlations_are_refused_naming_the_activities():
    net = compile_network([0, 1], [1, 2], n=3, ids=[101, 102, 103])
    prep = prepare(net, Activities(duration=[60, 60, 60]))
    est = Estimates([60] * 3, [30] * 3, [90] * 3)
    pairs = ([[0, 1], [1, 2], [0, 2]], [0.9, 0.9, -0.9])
    with pytest.raises(InvalidCorrelation, match=r"activities \[101, 102, 103\]") as err:
        simulate(prep, est, iterations=100, correlations=pairs)
    assert err.value.ids == (101, 102, 103)


def test_bad_estimates_are_refused_naming_the_activities():
    net = compile_network([0], [1], n=2, ids=[7, 8])
    prep = prepare(net, Activities(duration=[60, 60]))
    with pytest.raises(InvalidEstimate, match=r"optimistic duration above the most likely: \[8\]"):
        simulate(prep, Estimates([60, 60], [30, 90], [90, 120]), iterations=10)
    with pytest.raises(InvalidEstimate, match=r"most likely duration above the pessimistic: \[7\]"):
        simulate(prep, Estimates([60, 60], [30, 30], [50, 120]), iterations=10)
    with pytest.raises(InvalidEstimate, match=r"risk probability outside 0..1: \[3\]"):
        simulate(prep, Estimates([60, 60]), risks=RiskEvents([1.5], [[0]], ids=[3]), iterations=10)


def test_sensitivity_ranks_the_widest_task_first_and_skips_tasks_beyond_the_limit():
    # 0 -> 1 -> 3 is the long path; 2 runs in parallel with plenty of float.
    net = compile_network([0, 1, 0], [1, 3, 2], n=4)
    prep = prepare(net, Activities(duration=[600, 600, 60, 0]))
    est = Estimates([600, 600, 60, 0], [500, 590, 50, 0], [1500, 610, 70, 0])
    sim = simulate(prep, est, iterations=3000, seed=8, sensitivity_limit=2)
    assert sim.sensitivity[0] > 0.95
    assert 0 < sim.sensitivity[1] < 0.2
    assert np.isnan(sim.sensitivity[2]) and np.isnan(sim.sensitivity[3])
    assert sim.criticality.tolist() == [1.0, 1.0, 0.0, 1.0]


def test_histogram_cumulative_and_progress():
    seen = []
    sim = simulate(
        chain(3),
        Estimates([900] * 3, [600] * 3, [1800] * 3),
        iterations=1000,
        seed=1,
        progress=lambda done, total: seen.append((done, total)),
    )
    edges, counts = sim.histogram(bins=20)
    assert counts.sum() == 1000 and edges.shape == (21,)
    assert edges[0] == sim.finish.min() and edges[-1] == sim.finish.max()
    dates, probs = sim.cumulative(points=11)
    assert probs[0] == 0 and probs[-1] == 1 and dates[-1] == sim.finish.max()
    assert np.all(np.diff(dates.astype(np.int64)) >= 0)
    assert seen[-1] == (1000, 1000)


def test_several_calendars_give_the_deterministic_finish_in_utc():
    # A night-shift calendar in another zone puts the passes on Unix minutes.
    london = Calendar.standard(timezone="Europe/London")
    sydney = Calendar.standard(timezone="Australia/Sydney")
    start = datetime(2026, 3, 2, 8, 0, tzinfo=ZoneInfo("Europe/London"))
    net = compile_network([0], [1], n=2)
    acts = Activities(duration=[480, 480], calendar=[0, 1])
    prep = prepare(net, acts, calendars=[london, sydney], start=start)
    sim = simulate(prep, Estimates([480, 480]), iterations=10, seed=0)
    expected = schedule(net, acts, calendars=[london, sydney], start=start).dates("early_finish")
    assert set(sim.finish.tolist()) == {expected.max().item()}
    assert sim.deterministic_finish == expected.max()


def test_histogram_by_calendar_day_and_week():
    est = Estimates([600], [600], [600])
    risks = RiskEvents(probability=[0.5], activities=[[0]], delay=[[2880, 2880, 2880]])
    sim = simulate(chain(1), est, iterations=1000, seed=2, risks=risks)
    # Finishes: 1 Jan 1970 10:00 (no event) or 3 Jan 10:00 (two days later).
    edges, counts = sim.histogram(bins="day")
    assert [str(e) for e in edges] == [
        "1970-01-01T00:00", "1970-01-02T00:00", "1970-01-03T00:00", "1970-01-04T00:00",
    ]  # fmt: skip
    assert counts.tolist() == [1000 - sim.risk_occurrences[0], 0, sim.risk_occurrences[0]]
    edges, counts = sim.histogram(bins="week")
    # 1 January 1970 was a Thursday: its week starts on Monday 29 December 1969.
    assert [str(e) for e in edges] == ["1969-12-29T00:00", "1970-01-05T00:00"]
    assert counts.tolist() == [1000]


def test_cost_sensitivity_names_the_risk_that_drives_the_cost():
    est = Estimates([600, 600], [500, 600], [900, 600])
    risks = RiskEvents(probability=[0.5], activities=[[]], cost=[[400_000, 500_000, 600_000]])
    sim = simulate(chain(2), est, iterations=4000, seed=6, risks=risks, costs=[60_000, 10_000])
    # The event adds 4,000-6,000.00 half the time; task 0 moves the cost by at most 300.00.
    assert sim.risk_cost_sensitivity[0] > 0.8
    assert 0 < sim.cost_sensitivity[0] < 0.5
    assert np.isnan(sim.cost_sensitivity[1])  # fixed duration, fixed cost
    assert np.isnan(sim.risk_sensitivity[0])  # no delay: it never moves the finish


def test_estimates_of_started_work_are_remaining_work_in_the_plan_too():
    # Task 0 started on Monday 08:00 and is 960 minutes long; at the status date
    # (Tuesday 08:00) it is estimated at 240 more minutes, whatever its % complete.
    net = compile_network([0], [1], n=2)
    acts = Activities(
        duration=[960, 480], actual_start=[datetime(2026, 3, 2, 8, 0, tzinfo=UTC), None]
    )
    cal = Calendar.standard(timezone="UTC")
    prep = prepare(net, acts, calendars=[cal], start=datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
                   status_date=datetime(2026, 3, 3, 8, 0, tzinfo=UTC))  # fmt: skip
    sim = simulate(prep, Estimates([240, 480]), iterations=20, seed=0)
    # Tuesday 08:00 + 240 min = 12:00, + 480 working minutes (lunch 12-13) = Wed 12:00.
    assert str(sim.deterministic_finish) == "2026-03-04T12:00"
    assert set(sim.finish.tolist()) == {sim.deterministic_finish}
