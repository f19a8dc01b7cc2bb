"""Counter-based random draws: the same numbers whatever the threads or the chunking.

Every (iteration, activity) pair owns a short stream: a SplitMix64 sequence whose
starting point is a hash of the simulation key and the pair's counter. Any thread can
draw any iteration's durations in any order and get the same values, so results
depend on the seed alone, and no matrix of uniforms has to be generated up front.
"""

import numpy as np
from numba import njit

__all__: list[str] = []

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_KEY = np.uint64(0xD1B54A32D192ED03)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S11, _S27, _S30, _S31 = np.uint64(11), np.uint64(27), np.uint64(30), np.uint64(31)
_TWO53 = 1.0 / 9007199254740992.0
_TWO_PI = 2.0 * np.pi
_LOG4 = np.log(4.0)
_ONE_PLUS_LOG5 = 1.0 + np.log(5.0)

# Distribution codes (mirror pmo.engine.risk.sampling.Distribution) and the two
# special cases of PERT-Beta with a closed-form inverse (mode at an end).
TRIANGULAR, PERT, UNIFORM, LOGNORMAL, FIXED = 0, 1, 2, 3, 4


@njit(cache=True, inline="always")
def _mix(z):  # pragma: no cover - compiled
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def stream(key, counter):  # pragma: no cover - compiled
    """Starting state of the stream of ``counter`` (an iteration x activity index)."""
    return _mix(key ^ (np.uint64(counter) * _KEY))


@njit(cache=True, inline="always")
def uniform(state):  # pragma: no cover - compiled
    """``(u, next state)`` with u uniform on the open interval (0, 1)."""
    state = state + _GOLDEN
    return ((_mix(state) >> _S11) + 0.5) * _TWO53, state


@njit(cache=True)
def _beta(alpha, beta, state):  # pragma: no cover - compiled
    """Beta(alpha, beta) for alpha, beta > 1: Cheng's (1978) algorithm BB."""
    a = min(alpha, beta)
    b = max(alpha, beta)
    total = a + b
    bet = np.sqrt((total - 2.0) / (2.0 * a * b - total))
    gam = a + 1.0 / bet
    while True:
        u1, state = uniform(state)
        u2, state = uniform(state)
        v = bet * np.log(u1 / (1.0 - u1))
        w = a * np.exp(v)
        z = u1 * u1 * u2
        r = gam * v - _LOG4
        s = a + r - w
        if s + _ONE_PLUS_LOG5 >= 5.0 * z:
            break
        t = np.log(z)
        if s >= t:
            break
        if r + total * np.log(total / (b + w)) >= t:
            break
    return w / (b + w) if a == alpha else b / (b + w)


@njit(cache=True)
def draw(kind, lo, mode, hi, p1, p2, state):  # pragma: no cover - compiled
    """One duration between ``lo`` and ``hi`` from the activity's distribution.

    ``p1``, ``p2``: PERT's alpha and beta, or the lognormal's mu and sigma (of the
    excess over ``lo``); unused otherwise.
    """
    if kind == FIXED:
        return mode
    u, state = uniform(state)
    width = hi - lo
    if kind == TRIANGULAR:
        if u * width < mode - lo:
            return lo + np.sqrt(u * width * (mode - lo))
        return hi - np.sqrt((1.0 - u) * width * (hi - mode))
    if kind == UNIFORM:
        return lo + u * width
    if kind == LOGNORMAL:
        # Box-Muller: exact normal from two uniforms.
        u2, state = uniform(state)
        z = np.sqrt(-2.0 * np.log(u)) * np.cos(_TWO_PI * u2)
        return lo + np.exp(p1 + p2 * z)
    # PERT-Beta: inverse CDF when the mode sits at an end (a parameter equals 1).
    if p1 == 1.0:
        return lo + width * (1.0 - (1.0 - u) ** (1.0 / p2))
    if p2 == 1.0:
        return lo + width * u ** (1.0 / p1)
    return lo + width * _beta(p1, p2, state)
