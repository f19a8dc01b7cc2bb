"""Critical path method: forward and backward passes, floats, constraints, progress.

:func:`schedule` takes a compiled :class:`~pmo.engine.network.Network` and per-activity
:class:`Activities` data (durations in working minutes, calendars, constraints,
deadlines, progress) and returns a :class:`ScheduleResult` of arrays indexed like the
activities. :func:`prepare` does the conversions once so that
:meth:`PreparedSchedule.run` and :meth:`PreparedSchedule.batch` (many duration arrays,
numba threads) can replay the passes cheaply, as Monte Carlo risk analysis needs.

Relationships FS, SS, FF and SF take positive or negative lags in working minutes,
elapsed minutes or percent of the predecessor's duration. Constraints: ASAP, ALAP,
SNET, SNLT, FNET, FNLT, MSO, MFO; deadlines limit late finishes only. A constraint or
deadline that cannot be met shows as negative total float on the activities that
drive it. Started activities keep their actual start; their remaining work is
scheduled no earlier than the status date and, with retained logic, after unfinished
FS predecessors.

Examples
--------
>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> from pmo.engine.calendars import Calendar
>>> from pmo.engine.network import compile_network
>>> net = compile_network(pred=[0], succ=[1], ids=[101, 102])
>>> cal = Calendar.standard(timezone="Europe/Paris")
>>> start = datetime(2026, 3, 2, 8, 0, tzinfo=ZoneInfo("Europe/Paris"))
>>> res = schedule(net, Activities(duration=[480, 240]), calendars=[cal], start=start)
>>> res.early_finish.tolist()
[480, 720]
>>> [str(d) for d in res.dates("early_finish")]  # UTC: Paris is UTC+1 in March
['2026-03-02T16:00', '2026-03-03T11:00']
"""

from pmo.engine.cpm.model import NO_DATE, Activities, BatchResult, Constraint, ScheduleResult
from pmo.engine.cpm.scheduling import PreparedSchedule, prepare, schedule

__all__ = [
    "NO_DATE",
    "Activities",
    "BatchResult",
    "Constraint",
    "PreparedSchedule",
    "ScheduleResult",
    "prepare",
    "schedule",
]
