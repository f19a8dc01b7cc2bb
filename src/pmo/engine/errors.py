"""Typed errors shared by every module of :mod:`pmo.engine`.

Each error carries the ids of what is wrong, so the caller can point the user at the
offending activities or calendars instead of printing a stack trace. Modules written
later (leveling, risk, earned value, selection) subclass :class:`EngineError` in their
own modules; this file stays small and stable.

Examples
--------
>>> from pmo.engine.errors import CyclicDependency, EngineError
>>> err = CyclicDependency((7, 3, 9))
>>> isinstance(err, EngineError), err.cycle
(True, (7, 3, 9))
>>> str(err)
'cyclic dependency: 7 -> 3 -> 9 -> 7'
"""

from collections.abc import Iterable

__all__ = [
    "CyclicDependency",
    "EngineError",
    "InfeasibleSchedule",
    "InvalidCalendar",
    "InvalidNetwork",
]


def _as_ids(ids: Iterable[object]) -> tuple[object, ...]:
    # numpy integers print as "np.int64(3)" in tuples; plain ints keep messages readable.
    return tuple(int(i) if hasattr(i, "__index__") else i for i in ids)


class EngineError(Exception):
    """Base class of every error raised by :mod:`pmo.engine`.

    Parameters
    ----------
    message : str
        What is wrong, in words a project manager understands.
    ids : iterable, optional
        Ids of the activities, links or calendars involved.
    """

    def __init__(self, message: str, ids: Iterable[object] = ()) -> None:
        super().__init__(message)
        self.ids: tuple[object, ...] = _as_ids(ids)


class InvalidNetwork(EngineError, ValueError):
    """The activity network is malformed: bad index, negative duration, bad progress...

    ``ids`` holds the activity ids (or link positions, as the message says) at fault.
    """


class CyclicDependency(EngineError, ValueError):
    """The dependencies form a cycle, so no activity on it can ever start.

    Parameters
    ----------
    cycle : iterable
        Activity ids of one cycle, in dependency order: each one is a predecessor of
        the next, and the last one of the first.
    """

    def __init__(self, cycle: Iterable[object]) -> None:
        ids = _as_ids(cycle)
        path = " -> ".join(str(i) for i in (*ids, ids[0])) if ids else "?"
        super().__init__(f"cyclic dependency: {path}", ids)
        self.cycle: tuple[object, ...] = ids


class InfeasibleSchedule(EngineError):
    """No schedule meets the hard constraints (ids: the activities with negative float)."""


class InvalidCalendar(EngineError, ValueError):
    """A calendar is malformed or has no working time where some is needed."""
