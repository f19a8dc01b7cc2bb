"""Critical path method: forward and backward passes, floats, constraints, progress.

:func:`schedule` takes a compiled :class:`~pmo.engine.network.Network` and per-activity
:class:`Activities` data (durations in working minutes, calendars, constraints,
deadlines, progress) and returns a :class:`ScheduleResult` of arrays indexed like the
activities. :func:`prepare` does the checks and conversions once so that
:meth:`PreparedSchedule.run` replays the passes cheaply, and
:meth:`PreparedSchedule.replay` hands the prepared arrays to other compiled passes
(the Monte Carlo lanes of :mod:`pmo.engine.risk`).

Conventions
-----------
* Dates are working minutes of the project calendar since the origin (the project
  start, or the finish when scheduling backward). A start value ``w`` is the instant
  working minute ``w`` begins, a finish value the instant minute ``w - 1`` ends: a
  480-minute task from 0 on an 8-hour day finishes at 17:00, its FS successor starts
  at 08:00 the next working day. A milestone shows at the end of the working time
  before it, never before the project start.
* Relationships FS, SS, FF, SF take positive or negative lags: working minutes
  (counted on the predecessor's calendar by default, see ``lag_calendar``), elapsed
  minutes, or basis points of the predecessor's duration, working or elapsed.
* Constraints: ASAP, ALAP, SNET, SNLT, FNET, FNLT, MSO and MFO (the mandatory ones
  override logic in both passes); deadlines limit late finishes only. A constraint
  or deadline that cannot be met shows as negative total float on the activities
  that drive it; late finishes never exceed the project finish.
* Progress: finished activities keep their actual dates (no float); started ones keep
  their actual start and schedule their remaining work no earlier than the status
  date and, with retained logic, after unfinished FS predecessors; unstarted work
  starts no earlier than the status date.
* With one calendar the passes add integers (the fast path). When activities use
  several calendars they work on instants (Unix minutes): durations count on each
  activity's calendar, floats are working minutes of the activity's own calendar and
  :meth:`ScheduleResult.dates` gives the exact instants. The two models agree except
  where a finish at the end of a working day and a start on the next morning tie
  (same working minute, different instants): milestones there, and SF links without
  lag, may then differ by a minute.

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

from pmo.engine.cpm.model import NO_DATE, Activities, Constraint, ScheduleResult
from pmo.engine.cpm.scheduling import PreparedSchedule, prepare, schedule

__all__ = [
    "NO_DATE",
    "Activities",
    "Constraint",
    "PreparedSchedule",
    "ScheduleResult",
    "prepare",
    "schedule",
]
