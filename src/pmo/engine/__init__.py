"""Pure computation for pmo: scheduling, leveling, risk, earned value, selection.

Nothing under this package imports Django or any other ``pmo`` module; it takes and
returns plain numpy arrays and dataclasses so it can be used and tested without a
database.
"""

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
