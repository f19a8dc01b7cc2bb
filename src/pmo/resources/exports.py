"""The capacity heatmap as an Excel workbook (openpyxl), red where people are over."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

RED = PatternFill("solid", fgColor="C5221F")
AMBER = PatternFill("solid", fgColor="FEF7E0")
SHADES = {1: "DCEFE2", 2: "A9D9B8", 3: "5FB37D"}


def heatmap_workbook(heat: dict) -> bytes:
    """Two sheets: utilisation (%) coloured like the page, and the hours behind it."""
    book = Workbook()
    pct_sheet = book.active
    pct_sheet.title = "Utilisation"
    hours_sheet = book.create_sheet("Hours")
    labels = [p["label"] for p in heat["periods"]]
    pct_sheet.append([heat["group"].title(), *labels])
    hours_sheet.append(
        [
            heat["group"].title(),
            *(f"{label} {what}" for label in labels for what in ("work h", "available h")),
        ]
    )
    for row in heat["rows"]:
        cells = row.cells
        pct_sheet.append(
            [row.label, *("no capacity" if c["no_capacity"] else c["pct"] for c in cells)]
        )
        hours_sheet.append([row.label, *(v for c in cells for v in (c["demand"], c["capacity"]))])
        excel_row = pct_sheet.max_row
        for column, cell in enumerate(cells, start=2):
            target = pct_sheet.cell(row=excel_row, column=column)
            target.number_format = '0"%"'
            if cell["over"]:
                target.fill = RED
                target.font = Font(color="FFFFFF", bold=True)
            elif cell["unstaffed"]:
                target.fill = AMBER
            elif cell["level"] in SHADES:
                target.fill = PatternFill("solid", fgColor=SHADES[cell["level"]])
    for sheet in (pct_sheet, hours_sheet):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
        sheet.column_dimensions["A"].width = 32
        for column in range(2, sheet.max_column + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 12
        sheet.freeze_panes = "B2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
