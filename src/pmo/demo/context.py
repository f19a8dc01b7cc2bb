"""What the demo steps share: the organisation built so far and the seeded generator.

Apps extend the demo by providing a ``demo`` module with ``build(context)``; the steps
run in the order of ``settings.PMO_APPS``, inside the demo's single transaction, and
draw every random number from ``context.rng`` so the demo stays deterministic.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from django.conf import settings

#: Where the demo organisation works: its people see times there, and its calendar
#: counts working hours there.
OFFICE_TIMEZONE = "Europe/Amsterdam"
OFFICE_COUNTRY = "NL"


@dataclass
class DemoContext:
    rng: random.Random
    as_of: dt.date
    say: Callable[[str], None]
    portfolio: object
    objectives: list
    programs: list
    projects: list
    people: dict[str, list]
    plan_size: tuple[int, int] = (30, 300)
    counts: dict[str, int] = field(default_factory=dict)


def run_app_steps(context: DemoContext, apps=None) -> None:
    """Run the demo step of each app (of those in ``apps`` when given), in PMO_APPS order."""
    for app in settings.PMO_APPS:
        if apps is not None and app not in apps:
            continue
        if find_spec(f"{app}.demo") is not None:
            import_module(f"{app}.demo").build(context)
