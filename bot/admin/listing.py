"""The request list: filters, search, and links to each request and to the exports."""
from __future__ import annotations

from flask import g, render_template, request

from bot.admin.base import blueprint, services
from bot.admin.filters import choices, read_filters
from bot.admin.rows import Presenter

LIST_LIMIT = 500


@blueprint.get("/")
def requests():
    """Newest first; volunteers see their own and unassigned requests only."""
    filters = read_filters(request.args, g.staff)
    catalog = services().runtime.catalog
    with services().store.unit() as uow:
        found = uow.casework.find(filters.query, limit=LIST_LIMIT)
        presenter = Presenter(uow, catalog)
        rows = [presenter.row(r) for r in found]
        options = choices(catalog, uow.staff.list(), g.staff)
    return render_template("admin/list.html", rows=rows, filters=filters, options=options,
                           limited=len(rows) >= LIST_LIMIT, limit=LIST_LIMIT)
