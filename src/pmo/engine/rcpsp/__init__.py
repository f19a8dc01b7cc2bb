"""Resource-constrained scheduling and resource leveling.

Pure numpy/numba: schedule generation schemes (:mod:`.sgs`), priority rules
(:mod:`.priority`), forward-backward improvement (:mod:`.justify`), a genetic algorithm
for the makespan (:mod:`.ga`), the leveling entry point (:mod:`.level`) and a PSPLIB
reader (:mod:`.psplib`). Inputs and outputs are plain dataclasses holding integer
periods; the application maps working time to periods.

Examples
--------
>>> from pmo.engine.rcpsp import Instance, level
>>> inst = Instance(durations=[3, 2, 2], demands=[[2], [1], [1]], capacity=[2],
...                 edges=[[0, 2]])
>>> level(inst, schedules=100).makespan
5
"""

from .errors import InfeasibleLeveling, InvalidInstance, LevelingError
from .ga import GaParams, GaResult, genetic_algorithm
from .instance import Instance, Violation, check_schedule, resource_usage
from .justify import justify
from .level import Conflict, LevelingResult, Move, level
from .priority import RULES, activity_list, priority_values, rule_schedule
from .psplib import PsplibProject, parse_sm, read_sm, read_solutions
from .sgs import parallel_sgs, serial_sgs

__all__ = [
    "RULES",
    "Conflict",
    "GaParams",
    "GaResult",
    "InfeasibleLeveling",
    "Instance",
    "InvalidInstance",
    "LevelingError",
    "LevelingResult",
    "Move",
    "PsplibProject",
    "Violation",
    "activity_list",
    "check_schedule",
    "genetic_algorithm",
    "justify",
    "level",
    "parallel_sgs",
    "parse_sm",
    "priority_values",
    "read_sm",
    "read_solutions",
    "resource_usage",
    "rule_schedule",
    "serial_sgs",
]
