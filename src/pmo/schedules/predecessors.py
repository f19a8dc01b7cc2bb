"""The predecessor notation planners type in a task table: "3, 5SS+2d, 7FF-1d, 9FS+50%"."""

import re
from dataclasses import dataclass

from .durations import parse_duration

SPEC = re.compile(
    r"^\s*(?P<ref>[\d.]+)\s*(?P<type>FS|SS|FF|SF)?\s*(?:(?P<sign>[+-])\s*(?P<lag>[\d.,]+\s*[a-z%]*))?\s*$",
    re.I,
)


ELAPSED_MINUTES = {"m": 1, "h": 60, "d": 1440, "w": 10080}


@dataclass(frozen=True)
class PredecessorSpec:
    outline: str
    type: str
    lag: int
    lag_unit: str


def parse_predecessors(text: str, hours_per_day: int = 8) -> list[PredecessorSpec]:
    """Parse a comma-separated list; references are outline numbers ("1.2")."""
    specs = []
    for number, part in enumerate(filter(None, (p.strip() for p in (text or "").split(","))), 1):
        match = SPEC.match(part)
        if not match:
            raise ValueError(
                f"Predecessor {number} ({part!r}) is not understood; write e.g. 3, 5SS+2d, "
                "7FF-1d or 9FS+50%."
            )
        lag, unit = 0, "wm"
        if match.group("lag"):
            raw = match.group("lag").strip().lower()
            if raw.endswith("%"):
                lag, unit = int(float(raw[:-1].replace(",", "."))), "pct"
            elif re.fullmatch(r"[\d.,]+\s*e[mhdw]", raw):
                # Elapsed lags count wall-clock time: a day is 24 hours, weekends included.
                amount = float(raw[:-2].strip().replace(",", "."))
                lag, unit = round(amount * ELAPSED_MINUTES[raw[-1]]), "em"
            else:
                lag = parse_duration(raw, hours_per_day)
            if match.group("sign") == "-":
                lag = -lag
        specs.append(
            PredecessorSpec(match.group("ref"), (match.group("type") or "FS").upper(), lag, unit)
        )
    return specs


def format_predecessors(links, outline_of: dict[int, str], hours_per_day: int = 8) -> str:
    from .durations import format_duration

    parts = []
    for link in links:
        ref = outline_of.get(link["predecessor_id"], link.get("external_label") or "?")
        text = ref if link["type"] == "FS" else f"{ref}{link['type']}"
        if link["lag"]:
            if link["type"] == "FS":
                text = f"{ref}FS"
            sign = "+" if link["lag"] > 0 else "-"
            if link["lag_unit"] == "pct":
                text += f"{sign}{abs(link['lag'])}%"
            elif link["lag_unit"] == "em":
                text += f"{sign}{abs(link['lag']) / 1440:g}ed"
            else:
                text += f"{sign}{format_duration(abs(link['lag']), hours_per_day)}"
        parts.append(text)
    return ", ".join(parts)
