"""Pure computation for pmo: scheduling, leveling, risk, earned value, selection.

Nothing under this package imports Django or any other ``pmo`` module; it takes and
returns plain numpy arrays and dataclasses so it can be used and tested without a
database.
"""

import ctypes
import os

# Threads of GNU OpenMP (numba's threading layer here) spin while they wait, at the
# end of a parallel region and for the next one. With another busy process on a
# two-core machine, a spinning thread holds the core its partner needs, and each
# region waits for the scheduler's next tick: a 100,000-activity schedule took 43 ms
# on two threads beside such a process, against 13 ms on one thread and 10-11 ms on
# an idle machine. Waiting passively (asleep) it takes 15.5 ms under that load and
# the same 10-11 ms idle. libgomp reads this when numba first loads it, at the first
# parallel region; a value set by the user wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _keep_freed_memory() -> None:
    """Have glibc's malloc keep freed memory for the next large arrays.

    By default glibc maps large blocks afresh and returns freed memory at the top of
    its heap to the kernel, so each schedule of a large network faults in every page
    of its arrays again: about 4,300 page faults per 100,000-activity schedule, whose
    runs took 32-37 ms against 22-26 ms without them (best of 40, alternating, on a
    two-core VM). Blocks up to 32 MiB (glibc's ceiling for this setting) now come from
    the heap, which keeps up to 256 MiB of free memory. A process keeps, at most, that
    much more memory than it uses. The user's own ``MALLOC_*_THRESHOLD_`` settings win.
    """
    if any(f"MALLOC_{name}_THRESHOLD_" in os.environ for name in ("MMAP", "TRIM")):
        return
    try:
        if not (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc"):
            return
    except (ValueError, OSError):  # no such name: not glibc
        return
    libc = ctypes.CDLL(None)
    m_trim_threshold, m_mmap_threshold = -1, -3  # from glibc's malloc.h
    libc.mallopt(m_mmap_threshold, 32 << 20)
    libc.mallopt(m_trim_threshold, 256 << 20)


_keep_freed_memory()
