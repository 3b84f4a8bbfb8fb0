"""Dashboard pages open only as pages: a browser loading one as an image, script, style, media or embedded
object (an <img src="/admin/..."> slipped into something staff read) is refused before anything runs."""
from __future__ import annotations

from flask import request

from bot.admin import texts as t
from bot.admin.base import error_page

# Sec-Fetch-Dest values of a page a person opens (a link, a form, the address bar). Browsers that do
# not send the header (and command-line clients) are let through: the session and CSRF checks still apply.
AS_A_PAGE = {"document", "empty"}
STATIC = "admin.static"  # the stylesheet is loaded as a style, as it should be


def refuse_subresource_loads():
    """403, with no side effect, when the browser says it is not opening a page."""
    destination = request.headers.get("Sec-Fetch-Dest", "").strip().lower()
    if destination and destination not in AS_A_PAGE and request.endpoint != STATIC:
        return error_page(403, t.NOT_AS_A_PAGE)
    return None
