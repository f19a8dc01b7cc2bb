import os
import subprocess
import sys

import pytest

# Schedules a network big enough for two threads (libgomp is loaded then), and has
# libgomp print the settings it runs with.
_SETTINGS_SCRIPT = """
import ctypes
import numpy as np
from pmo.engine.network import compile_network, PARALLEL_MIN

n = PARALLEL_MIN + 10_000
pos = np.random.default_rng(9).permutation(n)
compile_network(pos[:-1], pos[1:], n=n)
gomp = next(line.split()[-1] for line in open("/proc/self/maps") if "libgomp" in line)
ctypes.CDLL(gomp).omp_display_env(1)
"""


def _gomp_settings(**env: str) -> str:
    base = {
        k: v for k, v in os.environ.items() if k not in {"OMP_WAIT_POLICY", "NUMBA_NUM_THREADS"}
    }
    out = subprocess.run(
        [sys.executable, "-c", _SETTINGS_SCRIPT],
        env={**base, "NUMBA_NUM_THREADS": "2", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/maps")
def test_openmp_threads_wait_asleep_unless_the_user_says_otherwise():
    # Spinning threads held the core their partner needed whenever another process
    # was busy: 43 ms for a 100,000-activity schedule instead of 15.
    assert "GOMP_SPINCOUNT = '0'" in _gomp_settings()
    assert "GOMP_SPINCOUNT = '0'" not in _gomp_settings(OMP_WAIT_POLICY="ACTIVE")
