"""Dashboard sessions kept in the database. The signed Flask cookie holds only a random token; the session
it names can be revoked (logout, a new password, removal from staff) and ends after 12 idle hours, so a
copied cookie does not outlive them."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import session

from bot.admin.base import OA_SESSION_KEY, deployment

TOKEN_KEY = "staff_session"  # where the cookie keeps the token
IDLE_LIMIT = timedelta(hours=12)  # a session unused this long ends
TOUCH_EVERY = timedelta(minutes=1)  # last use is written at most this often: one write a minute, not one a page


def open_session(uow, zalo_id: str, now) -> str:
    """Store a new session for a staff member who gave the right password; return its token."""
    token = secrets.token_urlsafe(32)
    uow.sessions.forget_ended(zalo_id, now - IDLE_LIMIT)
    uow.sessions.open(token, zalo_id, now)
    return token


def remember(token: str, oa_id: str) -> None:
    """Start a fresh cookie (nothing from before login carries over) holding the token and the OA."""
    session.clear()
    session[TOKEN_KEY] = token
    session[OA_SESSION_KEY] = oa_id  # one OA's staff see only that OA's residents


def current_staff():
    """The staff row behind this browser's session; None when there is none, or it was revoked, has been
    idle too long, or its staff member was removed."""
    token, services = session.get(TOKEN_KEY), deployment().for_oa(session.get(OA_SESSION_KEY))
    if not token or services is None:
        return None
    now = services.runtime.clock()
    with services.store.unit() as uow:
        found = uow.sessions.find_live(token, seen_after=now - IDLE_LIMIT)
        staff = uow.staff.get(found.zalo_id) if found is not None else None
        if staff is not None and now - found.last_seen_at >= TOUCH_EVERY:
            uow.sessions.touch(token, now)
            uow.commit()
    return staff


def end() -> None:
    """Revoke this browser's session (logout) and empty the cookie."""
    token, services = session.get(TOKEN_KEY), deployment().for_oa(session.get(OA_SESSION_KEY))
    if token and services is not None:
        with services.store.unit() as uow:
            uow.sessions.revoke(token, services.runtime.clock())
            uow.commit()
    session.clear()
