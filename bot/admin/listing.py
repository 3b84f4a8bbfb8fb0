"""The request list: filters, search, and links to each request; the export buttons keep the filter."""
from __future__ import annotations

from flask import g, render_template, request

from bot.admin.base import blueprint, now, services
from bot.admin.filters import Filters, choices, read_filters
from bot.admin.rows import Presenter

LIST_LIMIT = 500


@blueprint.get("/")
def requests():
    """Newest first; volunteers see their own and unassigned requests only."""
    filters = read_filters(request.args, g.staff)
    if filters.errors:
        return bad_filters(filters)
    catalog = services().runtime.catalog
    with services().store.unit() as uow:
        found = uow.casework.find(filters.query, limit=LIST_LIMIT)
        presenter = Presenter(uow, catalog, now=now())
        rows = [presenter.row(r) for r in found]
        options = choices(catalog, uow.staff.list(), g.staff)
    return render_template("admin/list.html", rows=rows, filters=filters, options=options,
                           limited=len(rows) >= LIST_LIMIT, limit=LIST_LIMIT)


def bad_filters(filters: Filters) -> tuple[str, int]:
    """400: the form again with what is wrong, and no list (it would not be what was asked for)."""
    with services().store.unit() as uow:
        options = choices(services().runtime.catalog, uow.staff.list(), g.staff)
    return render_template("admin/list.html", rows=None, filters=filters, options=options,
                           limited=False, limit=LIST_LIMIT), 400
