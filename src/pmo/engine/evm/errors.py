"""The error raised by the earned value engine on malformed input."""

import numpy as np
from numpy.typing import NDArray

from pmo.engine.errors import EngineError

__all__ = ["EvmError"]


class EvmError(EngineError, ValueError):
    """Input to the earned value engine is malformed.

    Raised for shapes, types and orderings that no figure could be computed from
    (a float money array, a decreasing planned-value curve, a task outside the period
    grid). Data conditions such as "no planned value yet" or "no actual cost" never
    raise: the affected ratios are NaN (arrays) or None (snapshots).

    ``ids`` holds the row positions (in the input arrays) of the offending tasks or
    entities, so the adapter can map them back to its own ids and name them.

    Examples
    --------
    >>> err = EvmError("finish before start", ids=[3, 7])
    >>> err.ids
    (3, 7)
    """


def at_rows(what: str, bad: NDArray[np.bool_]) -> EvmError:
    """An :class:`EvmError` naming the rows where the mask ``bad`` is true."""
    rows = np.flatnonzero(bad)
    shown = ", ".join(str(int(r)) for r in rows[:10])
    more = f" and {rows.size - 10} more" if rows.size > 10 else ""
    return EvmError(f"{what} (rows {shown}{more})", ids=rows.tolist())
