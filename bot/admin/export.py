"""The filtered list as a file: CSV (UTF-8 with BOM, so Excel reads the diacritics) or XLSX (dates as dates);
filtered to one procedure, a column per question (bot/admin/export_columns.py).

Only the list's export form (POST, with the session's CSRF token and the filters as hidden fields)
exports: an address loaded by a page (<img src="/admin/export.csv">) must never make an export in a
leader's name, nor a line in the audit log."""
from __future__ import annotations

import io

from flask import Response, g, request

from bot.admin import texts as t
from bot.admin.base import blueprint, error_page, local_time, now, services
from bot.admin.export_columns import columns_for
from bot.admin.filters import Filters, read_filters
from bot.admin.listing import bad_filters
from bot.admin.rows import Presenter, RequestRow
from bot.services.exports import write_csv, xlsx_bytes

EXPORT_LIMIT = 100_000
CSV = "text/csv; charset=utf-8"  # as the Content-Type, whole: a mimetype would get a second charset from Flask
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(filters: Filters, action: str) -> list[RequestRow]:
    """The same requests the list shows for the same filters (volunteers: only theirs), written to the log."""
    with services().store.unit() as uow:
        presenter = Presenter(uow, services().runtime.catalog)
        rows = [presenter.row(r) for r in uow.casework.find(filters.query, limit=EXPORT_LIMIT)]
        shown = "&".join(f"{key}={value}" for key, value in filters.params.items())
        uow.audit.record(g.staff.zalo_id, g.staff.name, action,
                         t.AUDIT_EXPORT_TARGET.format(n=len(rows), filters=shown or "-"))
        uow.commit()
        return rows


def _download(body: bytes, content_type: str, extension: str) -> Response:
    name = f"yeu-cau-{local_time(now(), '%Y%m%d-%H%M')}.{extension}"
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@blueprint.post("/export.csv")
def export_csv():
    filters = read_filters(request.form, g.staff)
    if filters.errors:
        return bad_filters(filters)
    rows = _rows(filters, "export_csv")
    columns = columns_for(services().runtime.catalog, filters.query.kind, rows)
    out = io.StringIO()
    write_csv(out, columns.header, (columns.cells(row) for row in rows))
    return _download(("\ufeff" + out.getvalue()).encode("utf-8"), CSV, "csv")


@blueprint.post("/export.xlsx")
def export_xlsx():
    filters = read_filters(request.form, g.staff)
    if filters.errors:
        return bad_filters(filters)
    rows = _rows(filters, "export_xlsx")
    columns = columns_for(services().runtime.catalog, filters.query.kind, rows)
    body = xlsx_bytes(t.EXPORT_SHEET, columns.header, (columns.cells(row, dated=True) for row in rows),
                      columns.widths)
    return _download(body, XLSX, "xlsx")


@blueprint.get("/export.csv")
@blueprint.get("/export.xlsx")
def export_by_address():
    """405 and nothing written: a link, an <img> or a typed address cannot export."""
    page, status = error_page(405, t.NOT_BY_LINK)
    return page, status, {"Allow": "POST"}
