"""The project register of a portfolio as CSV, as a PMO hands it to finance or auditors."""

import csv
from collections.abc import Callable
from pathlib import Path

from .models import Project

COLUMNS = [
    ("code", "Code"),
    ("name", "Name"),
    ("program", "Program"),
    ("status", "Status"),
    ("phase", "Phase"),
    ("priority", "Priority"),
    ("health", "Health"),
    ("planned_start", "Planned start"),
    ("planned_finish", "Planned finish"),
    ("manager", "Manager"),
    ("sponsor", "Sponsor"),
    ("objectives", "Objectives"),
]


def write_projects_csv(
    projects, path: Path, progress: Callable[[float, str], None] | None = None
) -> int:
    """Write ``projects`` (a queryset) to ``path``; returns the number of rows written."""
    queryset = projects.select_related("program", "manager", "sponsor").prefetch_related(
        "objectives"
    )
    total = queryset.count()
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([title for _, title in COLUMNS])
        for project in queryset.iterator(chunk_size=500):
            writer.writerow(_row(project))
            written += 1
            if progress and (written % 100 == 0 or written == total):
                progress(100 * written / max(total, 1), f"{written} of {total} projects")
    return written


def _row(project: Project) -> list:
    return [
        project.code,
        project.name,
        project.program.name if project.program else "",
        project.get_status_display(),
        project.get_phase_display(),
        project.priority,
        project.get_health_display(),
        project.planned_start.isoformat() if project.planned_start else "",
        project.planned_finish.isoformat() if project.planned_finish else "",
        str(project.manager) if project.manager else "",
        str(project.sponsor) if project.sponsor else "",
        "; ".join(o.code for o in project.objectives.all()),
    ]
