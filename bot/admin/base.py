"""The dashboard blueprint and what every page shares: services, security headers, error pages."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, current_app, g, render_template, session
from werkzeug.exceptions import HTTPException

from bot.admin import texts as t
from bot.admin.images import img_src_policy
from bot.clock import local

blueprint = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates",
                      static_folder="static", static_url_path="/static")

# No inline scripts or styles anywhere; photos only from Zalo's servers (https) or the sandbox's uploads.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; {img_src}; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'")
ERRORS = {400: (t.ERROR_TITLE, t.BAD_REQUEST), 403: (t.FORBIDDEN_TITLE, t.FORBIDDEN),
          404: (t.NOT_FOUND_TITLE, t.NOT_FOUND), 405: (t.ERROR_TITLE, t.NOT_BY_LINK)}


OA_SESSION_KEY = "oa"  # the OA a staff member logged in to (several OAs: EXTRA_OAS)


def deployment():
    return current_app.extensions["bot_deployment"]


def services():
    """The services of the OA this browser is logged in to (the main OA before login, or with one OA)."""
    return deployment().for_oa(session.get(OA_SESSION_KEY)) or deployment().main


def now() -> datetime:
    """The bot's clock (UTC, naive): tests move it."""
    return services().runtime.clock()


def local_time(value: datetime | None, pattern: str = "%d/%m/%Y %H:%M") -> str:
    """A stored UTC time as Vietnam local time."""
    return local(value).strftime(pattern) if value else ""


@blueprint.app_template_filter("local_time")
def _local_time_filter(value: datetime | None, pattern: str = "%d/%m/%Y %H:%M") -> str:
    return local_time(value, pattern)


@blueprint.context_processor
def _shared() -> dict:
    several = deployment().several
    return {"t": t, "sandbox": services().settings.sandbox, "staff": g.get("staff"),
            "neighborhood": services().runtime.catalog.neighborhood.name if several else None}


@blueprint.after_request
def _security_headers(response: Response) -> Response:
    """A strict policy, and no copies of residents' data in caches or referrers."""
    response.headers["Content-Security-Policy"] = CSP.format(img_src=img_src_policy(services().settings.sandbox))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    if not response.headers.get("Cache-Control"):
        response.headers["Cache-Control"] = "no-store"
    return response


def error_page(status: int, message: str | None = None) -> tuple[str, int]:
    title, default = ERRORS.get(status, (t.ERROR_TITLE, t.BAD_REQUEST))
    return render_template("admin/error.html", title=title, message=message or default), status


@blueprint.errorhandler(400)
@blueprint.errorhandler(403)
@blueprint.errorhandler(404)
def _http_error(error: HTTPException) -> tuple[str, int]:
    """Vietnamese error pages instead of Werkzeug's English ones."""
    return error_page(error.code or 400)
