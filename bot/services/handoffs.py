"""A chat handed to a person, each change in one function: claimed, closed, cancelled by the resident,
rated. Each writes the request's history (so the dashboard shows who handled it and how it was rated)
and keeps the request's status and assignee in step; the chat handler says what residents and staff read."""
from __future__ import annotations

from datetime import datetime

from bot import texts
from bot.services import casework
from bot.store import UnitOfWork
from bot.store.models import Handoff

RESIDENT = "resident"


def claim(uow: UnitOfWork, handoff: Handoff, staff_id: str, staff_name: str, now: datetime) -> None:
    """A volunteer takes the chat: they become the request's assignee, and it is being handled."""
    handoff.status, handoff.volunteer_id, handoff.claimed_at, handoff.last_staff_at = "claimed", staff_id, now, now
    request = uow.casework.get(handoff.request_id) if handoff.request_id else None
    if request is None:
        return
    uow.casework.record(request.id, staff_id, staff_name, "claimed", None, handoff.code)
    casework.assign(uow, request, staff_id, staff_id, staff_name, now)
    casework.change_status(uow, request, "dang_xu_ly", staff_id, staff_name, now, "", tell=False)


def close(uow: UnitOfWork, handoff: Handoff, staff_id: str, staff_name: str, now: datetime) -> None:
    """The helper (or a leader) ends the chat: the request is done; the resident is asked to rate it."""
    handoff.status, handoff.closed_at = "closed", now
    request = uow.casework.get(handoff.request_id) if handoff.request_id else None
    if request is not None:
        casework.change_status(uow, request, "da_xong", staff_id, staff_name, now, "", tell=False)


def cancel(uow: UnitOfWork, handoff: Handoff, now: datetime) -> None:
    """The resident no longer waits («hủy»)."""
    handoff.status, handoff.closed_at = "closed", now
    request = uow.casework.get(handoff.request_id) if handoff.request_id else None
    if request is not None:
        casework.change_status(uow, request, "da_huy", RESIDENT, texts.RESIDENT, now, "", tell=False)


def rate(uow: UnitOfWork, handoff: Handoff, rating: int) -> None:
    """The resident's 1–3 after the help: kept on the handoff and in the request's history."""
    handoff.rating = rating
    if handoff.request_id is not None:
        uow.casework.record(handoff.request_id, RESIDENT, texts.RESIDENT, "rating", None,
                            texts.RATE_OPTIONS[rating - 1])
