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


# Three 8 MiB arrays allocated and freed, three times: the faults of the last round.
_REUSE_SCRIPT = """
import resource
import numpy as np
import pmo.engine

for _ in range(3):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    arrays = [np.ones(1 << 20) for _ in range(3)]
    del arrays
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults_of_reused_arrays(**env: str) -> int:
    base = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run(
        [sys.executable, "-c", _REUSE_SCRIPT],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return int(out.stdout.split()[-1])


@pytest.mark.skipif(
    not (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc"), reason="glibc's malloc"
)
def test_freed_arrays_are_reused_without_page_faults_unless_the_user_says_otherwise():
    # Each large schedule faulted in all of its arrays again: 32-37 ms a run instead
    # of 22-26 at 100,000 activities.
    assert _faults_of_reused_arrays() < 50
    # glibc's own defaults, as the user asked: the freed heap went back to the kernel.
    assert _faults_of_reused_arrays(MALLOC_TRIM_THRESHOLD_="131072") > 500
