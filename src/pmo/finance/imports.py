"""Budgets from a spreadsheet: the columns a finance department already keeps.

Expected sheet (first sheet, first row headers, any order, case-insensitive):
Month | Capex/Opex | Category | Amount | Description (optional). Month is a date or
text like 2026-03 or Mar 2026; capex/opex and category take their value or label.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from .choices import CostCategory, Expenditure

COLUMNS = {
    "month": "month",
    "capex/opex": "expenditure",
    "expenditure": "expenditure",
    "category": "category",
    "amount": "amount",
    "description": "description",
}
REQUIRED = ("month", "expenditure", "category", "amount")


def _choice(value, choices, what: str, where: str) -> str:
    text = str(value or "").strip().lower()
    for key, label in choices:
        if text in (key, str(label).lower()):
            return key
    known = ", ".join(str(label) for _, label in choices)
    raise ValidationError(f"{where}: {value!r} is not a {what} (use one of {known}).")


def _month(value, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = str(value or "").strip()
    for pattern in ("%Y-%m", "%Y-%m-%d", "%b %Y", "%B %Y", "%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date().replace(day=1)
        except ValueError:
            continue
    raise ValidationError(f"{where}: {value!r} is not a month (e.g. 2026-03 or Mar 2026).")


def _amount(value, where: str) -> Decimal:
    try:
        return Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{where}: {value!r} is not an amount of money.") from None


TITLES = {"month": "Month", "expenditure": "Capex/Opex", "category": "Category", "amount": "Amount"}
PARSERS = {
    "month": _month,
    "expenditure": lambda v, where: _choice(v, Expenditure.choices, "capex or opex", where),
    "category": lambda v, where: _choice(v, CostCategory.choices, "cost category", where),
    "amount": _amount,
}


def read_budget_workbook(handle) -> list[dict]:
    """Rows for :func:`pmo.finance.services.do_import_budget`; every problem of the file
    is reported at once, each naming its row and column.
    """
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(handle, read_only=True, data_only=True).worksheets[0]
    except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
        raise ValidationError(f"The file is not an Excel workbook (.xlsx): {error}") from None
    rows = sheet.iter_rows(values_only=True)
    header = [str(h or "").strip().lower() for h in next(rows, ())]
    fields = {i: COLUMNS[h] for i, h in enumerate(header) if h in COLUMNS}
    missing = [f for f in REQUIRED if f not in fields.values()]
    if missing:
        raise ValidationError(
            "Row 1: the sheet needs the column(s) " + ", ".join(TITLES[m] for m in missing) + "."
        )
    out, errors = [], []
    for number, values in enumerate(rows, start=2):
        cells = {fields[i]: v for i, v in enumerate(values) if i in fields}
        if all(v in (None, "") for v in cells.values()):
            continue
        line = {"description": str(cells.get("description") or "")[:200]}
        for name, parse in PARSERS.items():
            try:
                line[name] = parse(cells.get(name), f"Row {number}, {TITLES[name]}")
            except ValidationError as error:
                errors.extend(error.messages)
        out.append(line)
    if errors:
        raise ValidationError(errors)
    return out
