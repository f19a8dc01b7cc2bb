"""Typed errors of the resource-constrained scheduling engine.

They extend the engine-wide hierarchy of :mod:`pmo.engine.errors`; each carries the
activity (and resource) indices the caller needs to tell the user what is wrong. A
cyclic network raises the shared :class:`~pmo.engine.errors.CyclicDependency`.
"""

from pmo.engine.errors import EngineError, InfeasibleSchedule, InvalidNetwork

__all__ = ["InfeasibleLeveling", "InvalidInstance", "LevelingError"]


class LevelingError(EngineError):
    """Base class of the errors raised only by :mod:`pmo.engine.rcpsp`."""

    @property
    def activities(self) -> tuple[int, ...]:
        """Indices of the activities involved (the same as ``ids``)."""
        return tuple(int(i) for i in self.ids)


class InvalidInstance(LevelingError, InvalidNetwork):
    """The instance is malformed: wrong shapes, negative values, bad indices.

    Parameters
    ----------
    message : str
        What is wrong.
    activities : tuple of int, optional
        Indices of the activities involved.
    """

    def __init__(self, message: str, activities: tuple[int, ...] = ()) -> None:
        super().__init__(message, activities)


class InfeasibleLeveling(LevelingError, InfeasibleSchedule):
    """No schedule satisfies the hard constraints.

    Raised when an activity needs more of a resource than the capacity profile ever
    offers for its duration, or when fixed activities contradict the precedence
    relations or cannot have all their predecessors fitted before them.

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
        super().__init__(message, activities)
        self.resource = int(resource)
