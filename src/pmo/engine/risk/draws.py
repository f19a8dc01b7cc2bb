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

# Ziggurat for the standard normal (Marsaglia and Tsang 2000, with Doornik's 2005
# layout): 128 layers of equal area under exp(-x^2 / 2); most draws are one table
# lookup and one comparison.
_LAYERS = 128
_R = 3.442619855899
_AREA = 9.91256303526217e-3


def _ziggurat_tables() -> tuple[np.ndarray, np.ndarray]:
    x = np.empty(_LAYERS + 1)
    f = np.exp(-0.5 * _R * _R)
    x[0] = _AREA / f
    x[1] = _R
    for i in range(2, _LAYERS):
        x[i] = np.sqrt(-2.0 * np.log(_AREA / x[i - 1] + f))
        f = np.exp(-0.5 * x[i] * x[i])
    x[_LAYERS] = 0.0
    return x, x[1:] / x[:-1]


_ZX, _ZRATIO = _ziggurat_tables()
_S8 = np.uint64(8)
_LOW7 = np.uint64(_LAYERS - 1)
_TWO56 = 1.0 / 72057594037927936.0

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
    """``(u, next state)`` with u uniform on (0, 1] (1.0 with probability 2**-53)."""
    state = state + _GOLDEN
    # Through int64: unsigned 64-bit integers convert to float slowly on x86.
    return (np.int64(_mix(state) >> _S11) + 0.5) * _TWO53, state


@njit(cache=True, inline="always")
def normal(state):  # pragma: no cover - compiled
    """``(z, next state)`` with z standard normal (ziggurat)."""
    while True:
        state = state + _GOLDEN
        bits = _mix(state)
        i = np.int64(bits & _LOW7)
        # The top 56 bits give u in (-1, 1); the low 7 bits, independent of them, the layer.
        u = 2.0 * ((np.int64(bits >> _S8) + 0.5) * _TWO56) - 1.0
        if abs(u) < _ZRATIO[i]:
            return u * _ZX[i], state
        if i == 0:
            # The base layer's tail beyond R (Marsaglia 1964).
            while True:
                a, state = uniform(state)
                b, state = uniform(state)
                x = -np.log(a) / _R
                if -2.0 * np.log(b) >= x * x:
                    return (_R + x if u > 0 else -_R - x), state
        x = u * _ZX[i]
        f0 = np.exp(-0.5 * (_ZX[i] * _ZX[i] - x * x))
        f1 = np.exp(-0.5 * (_ZX[i + 1] * _ZX[i + 1] - x * x))
        w, state = uniform(state)
        if f1 + w * (f0 - f1) < 1.0:
            return x, state


@njit(cache=True, inline="always")
def _gamma(shape, c, state):  # pragma: no cover - compiled
    """Gamma(shape, 1) for shape >= 1: Marsaglia and Tsang (2000).

    ``c`` is ``1 / sqrt(9 shape - 3)``, computed once per activity, not per draw.
    """
    d = shape - 1.0 / 3.0
    while True:
        z, state = normal(state)
        v = 1.0 + c * z
        if v <= 0.0:
            continue
        v = v * v * v
        u, state = uniform(state)
        zz = z * z
        if u < 1.0 - 0.0331 * zz * zz:
            return d * v, state
        if np.log(u) < 0.5 * zz + d * (1.0 - v + np.log(v)):
            return d * v, state


@njit(cache=True, inline="always")
def _beta(alpha, beta, c_alpha, c_beta, state):  # pragma: no cover - compiled
    """Beta(alpha, beta) for alpha, beta >= 1, as a ratio of two gammas."""
    x, state = _gamma(alpha, c_alpha, state)
    y, state = _gamma(beta, c_beta, state)
    return x / (x + y)


@njit(cache=True, inline="always")
def triangular(u, lo, mode, hi):  # pragma: no cover - compiled
    """The triangular distribution's inverse CDF at ``u``."""
    width = hi - lo
    if u * width < mode - lo:
        return lo + np.sqrt(u * width * (mode - lo))
    return hi - np.sqrt((1.0 - u) * width * (hi - mode))


@njit(cache=True, inline="always")
def draw(kind, lo, mode, hi, p1, p2, p3, p4, state):  # pragma: no cover - compiled
    """One duration between ``lo`` and ``hi`` from the activity's distribution.

    ``p1``, ``p2``: PERT's alpha and beta, or the lognormal's mu and sigma (of the
    excess over ``lo``); ``p3``, ``p4``: PERT's gamma constants (see
    ``sampling.parameters``); unused otherwise.
    """
    if kind == FIXED:
        return mode
    width = hi - lo
    if kind == LOGNORMAL:
        z, state = normal(state)
        return lo + np.exp(p1 + p2 * z)
    if kind == PERT and p1 != 1.0 and p2 != 1.0:
        return lo + width * _beta(p1, p2, p3, p4, state)
    u, state = uniform(state)
    if kind == TRIANGULAR:
        return triangular(u, lo, mode, hi)
    if kind == UNIFORM:
        return lo + u * width
    # PERT-Beta with the mode at an end (a parameter equals 1): inverse CDF.
    if p1 == 1.0:
        return lo + width * (1.0 - (1.0 - u) ** (1.0 / p2))
    return lo + width * u ** (1.0 / p1)
