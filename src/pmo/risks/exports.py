"""A register as an Excel workbook: risks (with their responses) and the RAID log, the
form in which a PMO takes it to a steering committee or an auditor.
"""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

RATING_FILLS = {
    "red": PatternFill("solid", fgColor="F7B4AD"),
    "amber": PatternFill("solid", fgColor="FDE7A7"),
    "green": PatternFill("solid", fgColor="CDEBD3"),
}
RISK_COLUMNS = [
    ("Ref", 9), ("Title", 36), ("Kind", 11), ("Register", 10), ("Project", 10),
    ("Category", 16), ("Owner", 18), ("Cause", 30), ("Event", 30), ("Effect", 30),
    ("P", 4), ("I", 4), ("Score", 7), ("Residual P", 6), ("Residual I", 6), ("Residual", 8),
    ("Delay min (d)", 8), ("Delay likely (d)", 8), ("Delay max (d)", 8), ("Cost min", 11),
    ("Cost likely", 11), ("Cost max", 11), ("Proximity", 18), ("Trigger", 24),
    ("Strategy", 10), ("Response", 36), ("Open actions", 36), ("Status", 10),
]  # fmt: skip
RAID_COLUMNS = [
    ("Ref", 9), ("Kind", 12), ("Title", 40), ("Register", 10), ("Project", 10), ("Owner", 18),
    ("Severity", 10), ("Status", 12), ("Due", 12), ("Depends on", 20), ("From risk", 10),
    ("Description", 40), ("Resolution", 40),
]  # fmt: skip


def _sheet(book, title: str, columns) -> object:
    sheet = book.create_sheet(title)
    sheet.append([name for name, _ in columns])
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"
    return sheet


def register_workbook(risks, raid_items) -> bytes:
    """``risks`` carry ``rating``/``residual_rating`` (see ``selectors.with_ratings``)
    and prefetched open ``actions``; ``raid_items`` any RAID items.
    """
    book = Workbook()
    book.remove(book.active)
    sheet = _sheet(book, "Risks", RISK_COLUMNS)
    for risk in risks:
        actions = "; ".join(
            f"{a.description} ({a.owner or 'no owner'}, due {a.due_date or '—'})"
            for a in risk.actions.all()
            if a.status == "open"
        )
        sheet.append([
            risk.reference, risk.title, risk.get_kind_display(), risk.get_level_display(),
            risk.project.code if risk.project else "", risk.get_category_display(),
            str(risk.owner or ""), risk.cause, risk.event, risk.effect, risk.probability,
            risk.impact, risk.score, risk.residual_probability, risk.residual_impact,
            risk.residual_score, risk.days_min, risk.days_likely, risk.days_max, risk.cost_min,
            risk.cost_likely, risk.cost_max, risk.get_proximity_display(), risk.trigger,
            risk.get_strategy_display(), risk.response, actions, risk.get_status_display(),
        ])  # fmt: skip
        row = sheet.max_row
        for column, rating in ((13, risk.rating), (16, risk.residual_rating)):
            if rating in RATING_FILLS:
                sheet.cell(row=row, column=column).fill = RATING_FILLS[rating]
        for column in (20, 21, 22):
            sheet.cell(row=row, column=column).number_format = "#,##0.00"
    sheet = _sheet(book, "RAID log", RAID_COLUMNS)
    for item in raid_items:
        sheet.append([
            item.reference, item.get_kind_display(), item.title, item.get_level_display(),
            item.project.code if item.project else "", str(item.owner or ""),
            item.get_severity_display(), item.get_status_display(), item.due_date,
            item.counterparty, item.source_risk.reference if item.source_risk else "",
            item.description, item.resolution,
        ])  # fmt: skip
    out = BytesIO()
    book.save(out)
    return out.getvalue()
