"""The error raised by the earned value engine on malformed input."""

__all__ = ["EvmError"]


class EvmError(ValueError):
    """Input to the earned value engine is malformed.

    Raised for shapes, types and orderings that no figure could be computed from
    (a float money array, a decreasing planned-value curve, a task outside the period
    grid). Data conditions such as "no planned value yet" or "no actual cost" never
    raise: the affected ratios are NaN (arrays) or None (snapshots).

    Parameters
    ----------
    message : str
        What is wrong, in words a user can act on.
    rows : sequence of int, optional
        Positions (in the input arrays) of the offending tasks or entities, so the
        adapter can name them.

    Examples
    --------
    >>> err = EvmError("finish before start", rows=[3, 7])
    >>> err.rows
    (3, 7)
    """

    def __init__(self, message: str, rows: "tuple[int, ...] | list[int]" = ()) -> None:
        super().__init__(message)
        self.rows: tuple[int, ...] = tuple(int(r) for r in rows)
