"""Reader for PSPLIB single-mode ``.sm`` files and their solution tables.

PSPLIB (Kolisch & Sprecher 1996) numbers jobs ``1..n+2`` with a dummy source (job 1)
and sink (job n+2). The reader keeps them, as activities ``0`` and ``n+1`` with zero
duration, so that indices are the job numbers minus one.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import InvalidInstance
from .instance import Instance

__all__ = ["PsplibProject", "parse_sm", "read_sm", "read_solutions"]


@dataclass(frozen=True)
class PsplibProject:
    """A PSPLIB instance with its header data.

    Attributes
    ----------
    name : str
        File stem, e.g. ``"j301_1"``.
    instance : Instance
        The project (jobs minus one as activity indices).
    critical_path : int
        The ``MPM-Time`` field: the precedence-only lower bound on the makespan.
    horizon : int
        The ``horizon`` field (sum of durations).
    """

    name: str
    instance: Instance
    critical_path: int
    horizon: int


def _field(text: str, label: str) -> int:
    match = re.search(re.escape(label) + r"[^:\n]*:\s*(\d+)", text)
    if match is None:
        raise InvalidInstance(f"not a PSPLIB .sm file: no '{label}' line")
    return int(match.group(1))


def _section(lines: list[str], title: str) -> list[list[int]]:
    # A section runs from its title to the next line of asterisks; rows are the lines
    # that start with a number (this skips the column headers and dashes).
    at = next((k for k, line in enumerate(lines) if line.strip().upper().startswith(title)), -1)
    if at < 0:
        raise InvalidInstance(f"not a PSPLIB .sm file: no {title} section")
    rows = []
    for line in lines[at + 1 :]:
        if line.startswith("*"):
            break
        parts = line.split()
        if parts and parts[0].lstrip("-").isdigit():
            rows.append([int(p) for p in parts])
    return rows


def parse_sm(text: str, name: str = "") -> PsplibProject:
    """Parse the text of a single-mode PSPLIB file.

    Parameters
    ----------
    text : str
        Content of a ``.sm`` file.
    name : str, optional
        Name to record.

    Returns
    -------
    PsplibProject

    Raises
    ------
    InvalidInstance
        If the text is not a single-mode file with renewable resources only.
    """
    n_jobs = _field(text, "jobs (incl. supersource/sink )")
    horizon = _field(text, "horizon")
    n_res = _field(text, "- renewable")
    if _field(text, "- nonrenewable") or _field(text, "- doubly constrained"):
        raise InvalidInstance("only renewable resources are supported")
    lines = text.splitlines()
    info = _section(lines, "PROJECT INFORMATION")
    critical_path = info[0][5] if info and len(info[0]) >= 6 else 0

    edges = []
    prec = _section(lines, "PRECEDENCE RELATIONS")
    if len(prec) != n_jobs:
        raise InvalidInstance(f"expected {n_jobs} precedence rows, got {len(prec)}")
    for row in prec:
        job, modes, count = row[0], row[1], row[2]
        if modes != 1:
            raise InvalidInstance(f"job {job} has {modes} modes; only single-mode is supported")
        edges.extend((job - 1, s - 1) for s in row[3 : 3 + count])

    reqs = _section(lines, "REQUESTS/DURATIONS")
    if len(reqs) != n_jobs:
        raise InvalidInstance(f"expected {n_jobs} request rows, got {len(reqs)}")
    durations = np.zeros(n_jobs, dtype=np.int64)
    demands = np.zeros((n_jobs, n_res), dtype=np.int64)
    for row in reqs:
        job = row[0] - 1
        durations[job] = row[2]
        demands[job] = row[3 : 3 + n_res]

    avail = _section(lines, "RESOURCEAVAILABILITIES")
    if not avail or len(avail[0]) < n_res:
        raise InvalidInstance("missing resource availabilities")
    capacity = np.array(avail[0][:n_res], dtype=np.int64)

    inst = Instance(
        durations=durations,
        demands=demands,
        capacity=capacity,
        edges=np.array(edges, dtype=np.int64).reshape(-1, 2),
    )
    return PsplibProject(name=name, instance=inst, critical_path=critical_path, horizon=horizon)


def read_sm(path: str | os.PathLike) -> PsplibProject:
    """Read a single-mode PSPLIB file.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    PsplibProject
    """
    path = Path(path)
    return parse_sm(path.read_text(encoding="latin-1"), name=path.stem)


def read_solutions(path: str | os.PathLike) -> dict[tuple[int, int], int]:
    """Read a PSPLIB solution table (``j30opt.sm``, ``j120hrs.sm`` ...).

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    dict
        ``(parameter, instance) -> makespan`` for instance file ``j{set}{par}_{inst}``.
    """
    out: dict[tuple[int, int], int] = {}
    for line in Path(path).read_text(encoding="latin-1").splitlines():
        parts = line.split()
        if len(parts) >= 3 and all(p.isdigit() for p in parts[:3]):
            out[(int(parts[0]), int(parts[1]))] = int(parts[2])
    return out
