"""A per-session random token that every dashboard form carries and every POST must echo."""
from __future__ import annotations

import hmac
import secrets

from flask import request, session

from bot.admin import texts as t
from bot.admin.base import blueprint, error_page

FIELD = "csrf_token"


def token() -> str:
    """The session's token, made on first use."""
    if not session.get(FIELD):
        session[FIELD] = secrets.token_urlsafe(32)
    return session[FIELD]


def renew() -> None:
    """A fresh token (after login, so a token seen before login is worthless)."""
    session[FIELD] = secrets.token_urlsafe(32)


def check():
    """Refuse a POST whose hidden token does not match the session's (400, in Vietnamese)."""
    if request.method != "POST":
        return None
    expected, given = session.get(FIELD) or "", request.form.get(FIELD) or ""
    if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
        return error_page(400, t.CSRF_FAILED)
    return None


@blueprint.context_processor
def _token_field() -> dict:
    return {"csrf_token": token}
