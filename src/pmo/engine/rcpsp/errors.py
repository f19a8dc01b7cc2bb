"""Typed errors of the resource-constrained scheduling engine.

``pmo.engine.errors`` did not exist when this package was written, so the hierarchy
is rooted locally in :class:`LevelingError`; each error carries the activity and
resource indices the caller needs to tell the user what is wrong.
"""

__all__ = ["InfeasibleLeveling", "InvalidInstance", "LevelingError"]


class LevelingError(Exception):
    """Base class of every error raised by :mod:`pmo.engine.rcpsp`."""


class InvalidInstance(LevelingError, ValueError):
    """The instance is malformed: wrong shapes, negative values or a cyclic network.

    Parameters
    ----------
    message : str
        What is wrong.
    activities : tuple of int, optional
        Indices of the activities involved (the cycle, for a cyclic network).
    """

    def __init__(self, message: str, activities: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.activities = tuple(int(a) for a in activities)


class InfeasibleLeveling(LevelingError):
    """No schedule satisfies the hard constraints.

    Raised when an activity needs more of a resource than is ever available, or when
    fixed activities contradict the precedence relations between them.

    Parameters
    ----------
    message : str
        What is wrong.
    activities : tuple of int, optional
        Indices of the activities involved.
    resource : int, optional
        Index of the resource involved, ``-1`` when none.
    """

    def __init__(self, message: str, activities: tuple[int, ...] = (), resource: int = -1) -> None:
        super().__init__(message)
        self.activities = tuple(int(a) for a in activities)
        self.resource = int(resource)
