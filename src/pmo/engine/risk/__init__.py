"""Monte Carlo schedule and cost risk analysis on the critical path engine.

Three-point duration estimates (triangular, PERT-Beta, uniform, shifted lognormal),
risk events that occur with a probability and delay the activities they are mapped
to (and cost money), and rank correlation between durations (Iman-Conover). Every
iteration replays the full CPM of :mod:`pmo.engine.cpm` (link types, lags,
calendars, constraints, progress), 32 iterations at a time
(:mod:`pmo.engine.risk.passes`), with durations drawn from counter-based streams
(:mod:`pmo.engine.risk.draws`). Results:
percentile finish dates of the project and its milestones, histogram and S-curve,
probability of meeting a date, criticality index, Spearman sensitivity (tornado),
and the same for cost. Seeded: the same seed gives the same results, whatever the
number of threads.

Examples
--------
>>> from pmo.engine.cpm import Activities, prepare
>>> from pmo.engine.network import compile_network
>>> net = compile_network([0, 1], [2, 2], n=3)  # two parallel tasks merge into a third
>>> prep = prepare(net, Activities(duration=[600, 600, 0]))
>>> est = Estimates([600, 600, 0], optimistic=[480, 480, 0], pessimistic=[900, 900, 0])
>>> sim = simulate(prep, est, iterations=2000, seed=7)
>>> sim.probability_by(sim.deterministic_finish) < 0.3  # merge bias: the plan is optimistic
True
"""

from pmo.engine.risk.sampling import (
    Distribution,
    Estimates,
    InvalidCorrelation,
    InvalidEstimate,
    RiskEvents,
    iman_conover,
    moments,
)
from pmo.engine.risk.simulation import PERCENTILES, Simulation, simulate

__all__ = [
    "PERCENTILES",
    "Distribution",
    "Estimates",
    "InvalidCorrelation",
    "InvalidEstimate",
    "RiskEvents",
    "Simulation",
    "iman_conover",
    "moments",
    "simulate",
]
