"""The filtered list as a file: CSV (UTF-8 with BOM, so Excel reads the diacritics) or XLSX."""
from __future__ import annotations

import csv
import io

from flask import Response, g, request

from bot.admin import texts as t
from bot.admin.base import blueprint, local_time, now, services
from bot.admin.filters import read_filters
from bot.admin.rows import Presenter, RequestRow
from bot.services.exports import spreadsheet_safe

HEADER = (t.COL_CODE, t.COL_KIND, t.COL_STATUS, t.COL_CHANNEL, t.COL_CREATED, t.COL_RESIDENT,
          t.COL_ASSIGNEE, t.COL_ANSWERS)
EXPORT_LIMIT = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
def _rows() -> list[RequestRow]:
    """The same requests the list shows for the same filters (volunteers: only theirs)."""
    filters = read_filters(request.args, g.staff)
    with services().store.unit() as uow:
        presenter = Presenter(uow, services().runtime.catalog)
        rows = [presenter.row(r) for r in uow.casework.find(filters.query, limit=EXPORT_LIMIT)]
        action = "export_xlsx" if request.path.endswith(".xlsx") else "export_csv"
        shown = "&".join(f"{k}={v}" for k, v in request.args.items() if v)
        uow.audit.record(g.staff.zalo_id, g.staff.name, action, t.AUDIT_EXPORT_TARGET.format(n=len(rows), filters=shown or "-"))
        uow.commit()
        return rows


def _cells(row: RequestRow) -> tuple[str, ...]:
    return (row.code, row.kind_title, row.status_label, row.channel_label, row.created, row.resident,
            row.assignee, row.answers_text)


def _download(body: bytes, mimetype: str, extension: str) -> Response:
    name = f"yeu-cau-{local_time(now(), '%Y%m%d-%H%M')}.{extension}"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@blueprint.get("/export.csv")
def export_csv() -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(tuple(spreadsheet_safe(cell) for cell in _cells(row)) for row in _rows())
    return _download(("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv; charset=utf-8", "csv")


@blueprint.get("/export.xlsx")
def export_xlsx() -> Response:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = t.EXPORT_SHEET
    sheet.append(HEADER)
    for row in _rows():
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in _cells(row)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.data_type = "s"  # text as typed, never a formula
    for column, width in zip("ABCDEFGH", (10, 24, 14, 18, 17, 22, 18, 80)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return _download(out.getvalue(), XLSX, "xlsx")
