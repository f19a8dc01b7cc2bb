"""The ranking as an Excel workbook, as a PMO takes it to the investment board."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

MONEY = "#,##0.00"
PERCENT = "0.0%"


def ranking_workbook(figures, ranking, currency: str) -> bytes:
    """One row per proposal, best value first: scores per criterion (mean of the
    assessors), financial figures and value; money as numbers with cents, not text.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = "Ranking"
    criteria = figures.criteria
    head = [
        "Rank",
        "Code",
        "Proposal",
        "State",
        "Risk",
        *[f"{c.code} (mean)" for c in criteria],
        "Weighted score",
        "Assessors",
        f"NPV ({currency})",
        "IRR",
        "Payback (years)",
        "ROI",
        f"Capex ({currency})",
        f"Opex ({currency})",
        f"Benefit ({currency})",
        "Value",
        "Mandatory",
    ]
    sheet.append(head)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
    for rank, p in enumerate(ranking, start=1):
        sheet.append(
            [
                rank,
                p.code,
                p.title,
                p.state,
                p.risk_level,
                *[None if s.mean is None else round(s.mean, 2) for s in p.stats],
                round(p.score, 2),
                p.scored,
                p.fin.npv,
                p.fin.irr,
                p.fin.payback_years,
                p.fin.roi,
                p.fin.capex,
                p.fin.opex,
                p.fin.benefit,
                round(p.value, 2),
                "yes" if p.mandatory else "",
            ]
        )
    first_money = 6 + len(criteria) + 2
    formats = {
        first_money: MONEY,
        first_money + 1: PERCENT,
        first_money + 2: "0.00",
        first_money + 3: PERCENT,
        first_money + 4: MONEY,
        first_money + 5: MONEY,
        first_money + 6: MONEY,
    }
    for column, number_format in formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = number_format
    for k, title in enumerate(head, start=1):
        sheet.column_dimensions[get_column_letter(k)].width = max(10, min(40, len(title) + 4))
    sheet.column_dimensions["C"].width = 36
    sheet.freeze_panes = "D2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
