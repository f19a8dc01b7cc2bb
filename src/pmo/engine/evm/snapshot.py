"""Immutable records of the figures at a status date, for storing period by period.

A trend chart must show what was reported at the time, not what today's code would
compute from today's data. So the figures are frozen into plain Python values (int
cents, float, ``None`` for undefined, ``datetime.date``) with the version of the
formulas that produced them, and stored as they are.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from pmo.engine.evm.core import EvmFigures
from pmo.engine.evm.errors import EvmError
from pmo.engine.evm.grid import PeriodGrid

__all__ = ["FORMULA_VERSION", "EvmSnapshot", "snapshot", "snapshots"]

#: Changes whenever a formula or convention of :mod:`pmo.engine.evm` changes, so a
#: stored snapshot says which rules produced it.
FORMULA_VERSION = "pmo.evm/1"

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


@dataclass(frozen=True, slots=True, kw_only=True)
class EvmSnapshot:
    """All earned value and earned schedule figures of one entity at one status date.

    Money is whole cents (``int``; forecasts rounded to the nearest cent), indices are
    ``float``, time is in periods of the grid, and every undefined figure is ``None``.
    Field meanings are those of :class:`~pmo.engine.evm.EvmFigures`; ``*_date`` fields
    are filled when the snapshot was taken with a dated grid.

    Examples
    --------
    >>> from pmo.engine.evm import EvmInput, evaluate
    >>> s = snapshot(evaluate(EvmInput(pv=[[100, 200]], ev=[50], ac=[0]), at=1.0))
    >>> s.spi, s.cpi, s.es
    (0.5, None, 0.5)
    >>> EvmSnapshot.from_dict(s.as_dict()) == s
    True
    """

    formula_version: str
    status_date: dt.date | None
    status_position: float
    eac_method: str
    bac: int
    pv: int
    ev: int
    ac: int
    sv: int
    cv: int
    spi: float | None
    cpi: float | None
    eac_remaining_at_budget: int | None
    eac_cpi: int | None
    eac_cpi_spi: int | None
    eac_bottom_up: int | None
    eac: int | None
    etc: int | None
    vac: int | None
    tcpi_bac: float | None
    tcpi_eac: float | None
    start: float | None
    pd: float | None
    at: float | None
    es: float | None
    sv_t: float | None
    spi_t: float | None
    ieac_t: float | None
    planned_finish: float | None
    forecast_finish: float | None
    planned_finish_date: dt.date | None
    forecast_finish_date: dt.date | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict: dates as ISO strings, everything else as is."""
        return {
            k: v.isoformat() if isinstance(v, dt.date) else v
            for k, v in ((f.name, getattr(self, f.name)) for f in dataclasses.fields(self))
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EvmSnapshot:
        """Rebuild a snapshot stored with :meth:`as_dict`."""
        values = dict(data)
        for name in ("status_date", "planned_finish_date", "forecast_finish_date"):
            if isinstance(values.get(name), str):
                values[name] = dt.date.fromisoformat(values[name])
        return cls(**values)


def _float(value: Any) -> float | None:
    x = float(value)
    return x if math.isfinite(x) else None


def _cents(value: Any) -> int | None:
    x = float(value)
    return None if not math.isfinite(x) else round(x)


def _date(value: np.datetime64) -> dt.date | None:
    if np.isnat(value):
        return None
    return dt.date.fromordinal(_EPOCH_ORDINAL + int(value.astype(np.int64)))


def snapshot(
    figures: EvmFigures,
    index: int = 0,
    *,
    grid: PeriodGrid | None = None,
    status_date: dt.date | None = None,
) -> EvmSnapshot:
    """Freeze the figures of entity ``index`` into an :class:`EvmSnapshot`.

    Parameters
    ----------
    figures : EvmFigures
        Result of :func:`~pmo.engine.evm.evaluate`.
    index : int, default 0
        Row of the entity (0 for a single project or a :func:`rollup` total).
    grid : PeriodGrid, optional
        A dated grid fills the status date and the planned and forecast finish dates.
    status_date : datetime.date, optional
        Overrides the status date read from the grid.

    Returns
    -------
    EvmSnapshot

    Raises
    ------
    EvmError
        If ``index`` is out of range.
    """
    if not -figures.n <= index < figures.n:
        raise EvmError(f"no entity {index}; the figures have {figures.n}", ids=[index])
    dated = grid is not None and grid.dated

    def date_at(position: float) -> dt.date | None:
        if grid is None or not dated or math.isnan(position):
            return None
        return _date(grid.date_of(position)[()])

    row = {
        f.name: getattr(figures, f.name)[index]
        for f in dataclasses.fields(figures)
        if f.name != "eac_method"
    }
    if status_date is None:
        status_date = date_at(float(row["status"]))
    return EvmSnapshot(
        formula_version=FORMULA_VERSION,
        status_date=status_date,
        status_position=float(row["status"]),
        eac_method=figures.eac_method.value,
        **{k: int(row[k]) for k in ("bac", "pv", "ev", "ac", "sv", "cv")},
        **{
            k: _cents(row[k])
            for k in (
                "eac_remaining_at_budget",
                "eac_cpi",
                "eac_cpi_spi",
                "eac_bottom_up",
                "eac",
                "etc",
                "vac",
            )
        },
        **{
            k: _float(row[k])
            for k in (
                "spi",
                "cpi",
                "tcpi_bac",
                "tcpi_eac",
                "start",
                "pd",
                "at",
                "es",
                "sv_t",
                "spi_t",
                "ieac_t",
                "planned_finish",
                "forecast_finish",
            )
        },
        planned_finish_date=date_at(float(row["planned_finish"])),
        forecast_finish_date=date_at(float(row["forecast_finish"])),
    )


def snapshots(figures: EvmFigures, *, grid: PeriodGrid | None = None) -> tuple[EvmSnapshot, ...]:
    """Snapshots of every entity, in row order (see :func:`snapshot`)."""
    return tuple(snapshot(figures, i, grid=grid) for i in range(figures.n))
