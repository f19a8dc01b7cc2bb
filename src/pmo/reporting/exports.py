"""Documents: a status report and the portfolio report as PDF (WeasyPrint), the
portfolio as a formatted Excel workbook (openpyxl).
"""

import datetime as dt
import io
from collections.abc import Callable

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from pmo.finance.selectors import evm_history

from . import charts, dashboards
from .choices import Dimension, Rag

RAG_FILLS = {Rag.GREEN: "C6EFCE", Rag.AMBER: "FFEB9C", Rag.RED: "FFC7CE", Rag.NONE: "EDEDED"}
RAG_FONTS = {Rag.GREEN: "006100", Rag.AMBER: "9C5700", Rag.RED: "9C0006", Rag.NONE: "555555"}


def _noop(percent: float, message: str = "") -> None:
    return None


def status_report_html(report) -> str:
    from .selectors import reports_of

    history = [r for r in evm_history(report.project) if r.status_date <= report.status_date]
    trend = charts.line_chart(
        [
            charts.Series(
                "PV", [(r.status_date, r.figures["pv"] / 100) for r in history], "#1f4e79"
            ),
            charts.Series(
                "EV", [(r.status_date, r.figures["ev"] / 100) for r in history], "#1e8e3e"
            ),
            charts.Series(
                "AC", [(r.status_date, r.figures["ac"] / 100) for r in history], "#c5221f"
            ),
        ],
        width=520,
        height=190,
    )
    ratings = {r.dimension: r for r in report.ratings.all()}
    milestones = dashboards.milestones_of([report.project_id], report.status_date)
    return render_to_string(
        "reporting/pdf/status_report.html",
        {
            "report": report,
            "project": report.project,
            "ratings": [ratings[d] for d in dashboards.DIMENSIONS if d in ratings],
            "overall": ratings.get(Dimension.OVERALL),
            "figures": report.key_figures.get("evm", {}),
            "key": report.key_figures,
            "trend_svg": trend,
            "milestones": milestones,
            "previous": [r for r in reports_of(report.project) if r.period < report.period][:6],
            "currency": settings.PMO_CURRENCY,
            "generated": timezone.now(),
        },
    )


def render_pdf(html: str, base_url: str | None = None):
    """The WeasyPrint document of ``html`` (``.write_pdf()`` gives the bytes)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).render()


def status_report_pdf(report, base_url: str | None = None) -> bytes:
    return render_pdf(status_report_html(report), base_url).write_pdf()


def portfolio_html(user, portfolio, progress: Callable = _noop, today: dt.date | None = None):
    progress(10, "Reading the portfolio's figures")
    board = dashboards.executive(user, {"portfolio": portfolio.pk}, today=today)
    progress(50, "Drawing the charts")
    return render_to_string(
        "reporting/pdf/portfolio_report.html",
        {
            "portfolio": portfolio,
            "board": board,
            "s_curve_svg": charts.s_curve_svg(board["s_curve"], width=680, height=260),
            "attention": [r for r in board["rows"] if r.overall == Rag.RED],
            "currency": settings.PMO_CURRENCY,
            "generated": timezone.now(),
        },
    )


def portfolio_pdf(user, portfolio, progress: Callable = _noop, today=None) -> bytes:
    html = portfolio_html(user, portfolio, progress, today)
    progress(70, "Laying out the document")
    return render_pdf(html).write_pdf()


def portfolio_xlsx(user, portfolio, progress: Callable = _noop, today=None) -> bytes:
    """The portfolio as a workbook: summary, projects with RAG colours, milestones."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    progress(10, "Reading the portfolio's figures")
    board = dashboards.executive(user, {"portfolio": portfolio.pk}, today=today)
    currency = settings.PMO_CURRENCY
    money_format = f'#,##0 "{currency}";[Red]-#,##0 "{currency}"'
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E79")

    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    summary["A1"] = f"{portfolio.name}: portfolio report"
    summary["A1"].font = Font(bold=True, size=14)
    summary["A2"] = f"Figures as of {board['status_date'] or board['today']:%d %B %Y}"
    k = board["kpis"]
    rows = [
        ("Projects", k["projects"], None),
        ("Red / amber / green", f"{k['red']} / {k['amber']} / {k['green']}", None),
        ("On time (of measured)", f"{k['on_time']} of {k['measured']}", None),
        ("On budget (of measured)", f"{k['on_budget']} of {k['measured']}", None),
        ("Budget at completion", k["bac"] / 100, money_format),
        ("Planned value", k["pv"] / 100, money_format),
        ("Earned value", k["ev"] / 100, money_format),
        ("Actual cost", k["ac"] / 100, money_format),
        ("Estimate at completion", k["eac"] / 100, money_format),
        ("Variance at completion", k["vac"] / 100, money_format),
        ("SPI", k["spi"], "0.00"),
        ("CPI", k["cpi"], "0.00"),
        ("Budget spent", k["burn"], "0.0%"),
    ]
    for i, (label, value, fmt) in enumerate(rows, start=4):
        summary.cell(i, 1, label).font = Font(bold=True)
        cell = summary.cell(i, 2, value)
        if fmt:
            cell.number_format = fmt
    summary.column_dimensions["A"].width = 28
    summary.column_dimensions["B"].width = 22

    progress(40, "Writing the projects")
    sheet = book.create_sheet("Projects")
    headers = [
        "Code",
        "Project",
        "Program",
        "Manager",
        "Phase",
        *[d.label for d in dashboards.DIMENSIONS],
        "BAC",
        "PV",
        "EV",
        "AC",
        "EAC",
        "VAC",
        "SPI",
        "CPI",
        "SPI(t)",
        "Forecast finish",
        "Last report",
    ]
    sheet.append(headers)
    for col in range(1, len(headers) + 1):
        cell = sheet.cell(1, col)
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    first_rag = 6
    for n, row in enumerate(board["all_rows"], start=2):
        f = row.figures
        finish = f.get("forecast_finish_date")
        values = [
            row.project.code,
            row.project.name,
            row.project.program.name if row.project.program else "",
            str(row.project.manager) if row.project.manager else "",
            row.project.get_phase_display(),
            *[Rag(row.ratings.get(d, (Rag.NONE,))[0]).label for d in dashboards.DIMENSIONS],
            *[
                (f.get(key) / 100 if f.get(key) is not None else None)
                for key in ("bac", "pv", "ev", "ac", "eac", "vac")
            ],
            f.get("spi"),
            f.get("cpi"),
            f.get("spi_t"),
            dt.date.fromisoformat(finish) if finish else None,
            row.report.period.strftime("%b %Y") if row.report else "none",
        ]
        sheet.append(values)
        for i, d in enumerate(dashboards.DIMENSIONS):
            rag = row.ratings.get(d, (Rag.NONE,))[0]
            cell = sheet.cell(n, first_rag + i)
            cell.fill = PatternFill("solid", fgColor=RAG_FILLS[rag])
            cell.font = Font(color=RAG_FONTS[rag], bold=True)
            cell.alignment = Alignment(horizontal="center")
        base = first_rag + len(dashboards.DIMENSIONS)
        for col in range(base, base + 6):
            sheet.cell(n, col).number_format = money_format
        for col in range(base + 6, base + 9):
            sheet.cell(n, col).number_format = "0.00"
        sheet.cell(n, base + 9).number_format = "dd mmm yyyy"
    widths = [11, 34, 28, 20, 14, *[10] * len(dashboards.DIMENSIONS), *[15] * 6, 8, 8, 8, 14, 12]
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = sheet.dimensions

    progress(70, "Writing the milestones")
    ms = book.create_sheet("Milestones")
    ms.append(["Project", "Milestone", "Baseline", "Forecast", "Slip (days)", "Status"])
    for col in range(1, 7):
        ms.cell(1, col).font, ms.cell(1, col).fill = header_font, header_fill
    codes = {r.project.pk: r.project.code for r in board["all_rows"]}
    seen = set()
    for kind, items in (
        ("Slipped", board["milestones"]["slipped"]),
        ("Upcoming", board["milestones"]["upcoming"]),
    ):
        for m in items:
            if m["pk"] in seen:
                continue
            seen.add(m["pk"])
            ms.append(
                [
                    codes.get(m["project_id"], ""),
                    m["name"],
                    m["baseline"],
                    m["forecast"],
                    m["slip_days"],
                    kind,
                ]
            )
            ms.cell(ms.max_row, 3).number_format = "dd mmm yyyy"
            ms.cell(ms.max_row, 4).number_format = "dd mmm yyyy"
    for col, width in zip("ABCDEF", (12, 34, 14, 14, 11, 11), strict=True):
        ms.column_dimensions[col].width = width

    progress(80, "Writing the costs by month")
    _cost_sheet(
        book, [r.project.pk for r in board["all_rows"]], money_format, header_font, header_fill
    )

    progress(90, "Saving the workbook")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cost_sheet(book, project_ids, money_format, header_font, header_fill) -> None:
    """Budget, actual and forecast by month, with their running totals and a chart."""
    from openpyxl.chart import LineChart, Reference

    from pmo.finance.selectors import monthly_costs

    sheet = book.create_sheet("Cost by month")
    headers = [
        "Month",
        "Budget",
        "Actual",
        "Forecast",
        "Budget (cumulative)",
        "Actual (cumulative)",
    ]
    sheet.append(headers)
    for col in range(1, len(headers) + 1):
        sheet.cell(1, col).font, sheet.cell(1, col).fill = header_font, header_fill
    for row in monthly_costs(project_ids):
        sheet.append(
            [
                row["month"],
                row["budget"],
                row["actual"],
                row["forecast"],
                row["cum_budget"],
                row["cum_actual"],
            ]
        )
        sheet.cell(sheet.max_row, 1).number_format = "mmm yyyy"
        for col in range(2, 7):
            sheet.cell(sheet.max_row, col).number_format = money_format
    for col, width in zip("ABCDEF", (11, 16, 16, 16, 20, 20), strict=True):
        sheet.column_dimensions[col].width = width
    if sheet.max_row > 2:
        chart = LineChart()
        chart.title = "Budget and actual cost, cumulative"
        chart.height, chart.width = 9, 22
        chart.add_data(
            Reference(sheet, min_col=5, max_col=6, min_row=1, max_row=sheet.max_row),
            titles_from_data=True,
        )
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=sheet.max_row))
        sheet.add_chart(chart, "H2")
