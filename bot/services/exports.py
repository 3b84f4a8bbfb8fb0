"""Files staff open in a spreadsheet: every CSV and XLSX the project writes goes through here, so no cell
a resident typed («=HYPERLINK(…)», «@SUM(…)», «+1+1», «-2+3+cmd|…») ever runs as a formula."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Iterable, TextIO

from bot.clock import local
from bot.flows.catalog import Catalog
from bot.store import UnitOfWork

# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP «CSV injection»).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ("code", "procedure_id", "status", "channel", "created_at", "resident", "answers")
XLSX_DATE_FORMAT = "dd/mm/yyyy hh:mm"  # as the dashboard writes times


def spreadsheet_safe(value: object) -> str:
    """The cell as text; one a spreadsheet would run as a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(out: TextIO, header: Iterable[object], rows: Iterable[Iterable[object]]) -> int:
    """Write a header and rows as CSV, every cell made safe; return how many rows were written."""
    writer = csv.writer(out)
    writer.writerow([spreadsheet_safe(cell) for cell in header])
    count = 0
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
        count += 1
    return count


def xlsx_bytes(title: str, header: Iterable[object], rows: Iterable[Iterable[object]],
               widths: Iterable[int] = ()) -> bytes:
    """One sheet, bold header; a datetime as a date (naive, the time it is written in), every other cell
    stored as text (openpyxl would store «=…» as a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for number, row in enumerate([header, *rows], start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(number, column)
            if isinstance(value, datetime):
                cell.value, cell.number_format = value, XLSX_DATE_FORMAT
                continue
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
            cell.data_type = "s"  # text as typed, never a formula
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _answers_text(catalog: Catalog, kind: str, answers: dict) -> str:
    """'Label: value' pairs in the procedure's order; fields the file no longer has keep their key."""
    procedure = catalog.procedures.get(kind)
    labels = {s.field: s.label for s in procedure.steps} if procedure else {}
    return "; ".join(f"{labels.get(key, key)}: {value}" for key, value in answers.items())


def write_requests_csv(out: TextIO, uow: UnitOfWork, catalog: Catalog) -> int:
    """Write every request of the OA as CSV; return how many rows were written."""
    return write_csv(out, COLUMNS, (_request_cells(uow, catalog, row) for row in uow.requests.all()))


def _request_cells(uow: UnitOfWork, catalog: Catalog, row) -> tuple[str, ...]:
    member = uow.members.get(row.user_id)
    resident = f"{member.display_name} ({row.user_id})" if member and member.display_name else row.user_id
    created = local(row.created_at).strftime("%Y-%m-%d %H:%M")
    return (row.code, row.kind, row.status, row.channel or "", created, resident,
            _answers_text(catalog, row.kind, json.loads(row.answers or "{}")))
