"""Server-drawn SVG charts for documents (PDF has no JavaScript): line series on a date
axis, scaled to a fixed box.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join


@dataclass(frozen=True)
class Series:
    label: str
    points: list[tuple[dt.date, float]]
    color: str
    dashed: bool = False


def line_chart(series: list[Series], *, width: int = 640, height: int = 240) -> str:
    """An SVG with one polyline per series, month ticks and a money axis."""
    points = [p for s in series for p in s.points]
    if not points:
        return ""
    left, bottom, top, right = 70, 24, 10, 10
    x0 = min(p[0] for p in points).toordinal()
    x1 = max(p[0] for p in points).toordinal()
    y1 = max(p[1] for p in points) or 1.0
    span = max(x1 - x0, 1)

    def x(day: dt.date) -> float:
        return left + (width - left - right) * (day.toordinal() - x0) / span

    def y(value: float) -> float:
        return top + (height - top - bottom) * (1 - value / y1)

    grid = []
    for k in range(5):
        value = y1 * k / 4
        grid.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#e3e7ec"/>'
                '<text x="{}" y="{}" font-size="9" text-anchor="end" fill="#5f6b7a">{}</text>',
                left,
                width - right,
                f"{y(value):.1f}",
                f"{y(value):.1f}",
                left - 4,
                f"{y(value) + 3:.1f}",
                f"{value:,.0f}",
            )
        )
    first = dt.date.fromordinal(x0).replace(day=1)
    months = (dt.date.fromordinal(x1).year - first.year) * 12 + dt.date.fromordinal(x1).month
    step = max(1, (months - first.month) // 8 + 1)
    cursor = first
    while cursor.toordinal() <= x1:
        if cursor.toordinal() >= x0:
            grid.append(
                format_html(
                    '<text x="{}" y="{}" font-size="9" text-anchor="middle" fill="#5f6b7a">'
                    "{}</text>",
                    f"{x(cursor):.1f}",
                    height - 8,
                    cursor.strftime("%b %y"),
                )
            )
        month = cursor.month - 1 + step
        cursor = dt.date(cursor.year + month // 12, month % 12 + 1, 1)
    lines = format_html_join(
        "",
        '<polyline fill="none" stroke="{}" stroke-width="2" {} points="{}"/>',
        (
            (
                s.color,
                'stroke-dasharray="6 4"' if s.dashed else "",
                " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in s.points),
            )
            for s in series
            if s.points
        ),
    )
    legend = format_html_join(
        "",
        '<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
        '<text x="{}" y="{}" font-size="10" fill="#1f2d3d">{}</text>',
        (
            (left + 10 + 110 * i, top, s.color, left + 24 + 110 * i, top + 9, s.label)
            for i, s in enumerate(series)
        ),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}">'
        "{}{}{}</svg>",
        width,
        height,
        width,
        height,
        format_html_join("", "{}", ((g,) for g in grid)),
        lines,
        legend,
    )


def s_curve_svg(curve: dict, **size) -> str:
    """The dashboard's S-curve (see ``dashboards._s_curve``) as an SVG."""

    def pts(rows):
        return [(dt.date.fromisoformat(r["x"]), r["y"]) for r in rows]

    return line_chart(
        [
            Series("PV (baseline)", pts(curve["pv"]), "#1f4e79"),
            Series("EV", pts(curve["ev"]), "#1e8e3e"),
            Series("AC", pts(curve["ac"]), "#c5221f"),
            Series("Forecast", pts(curve["forecast"]), "#e8a100", dashed=True),
        ],
        **size,
    )
