"""Which part of a resident's conversation belongs to one request: from their previous request to this
one's creation, then the handoff until it closed («gặp người»), or a day at most until their next request.
Earlier talk (another procedure, with other people's names) is shown only on a deliberate click."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.admin.transcript import LIMIT, Line, transcript
from bot.store.models import ServiceRequest

AFTER_CREATION = timedelta(hours=24)  # the bot's confirmation, the resident's thanks or questions
AFTER_CLOSE = timedelta(minutes=1)  # the bot's closing words are written just after the handoff closes


@dataclass(frozen=True)
class Window:
    since: datetime | None  # UTC; None: from the start of the resident's history
    until: datetime | None  # UTC, exclusive; None: still going on (an open handoff)


@dataclass(frozen=True)
class Conversation:
    lines: list[Line]
    window: Window
    older_before: datetime | None  # older messages exist before this time; None: none


def request_window(uow, row: ServiceRequest) -> Window:
    """The time span of the request's own conversation."""
    others = [(r.created_at, r.id) for r in uow.requests.of_user(row.user_id) if r.id != row.id]
    here = (row.created_at, row.id)
    since = max((at for at, rid in others if (at, rid) < here), default=None)
    handoff = uow.handoffs.by_code(row.code)
    if handoff is not None and handoff.request_id == row.id:
        # never before the request itself (tests move the bot's clock; requests are stamped with real time)
        closed = max(handoff.closed_at, row.created_at) if handoff.closed_at else None
        return Window(since, closed + AFTER_CLOSE if closed else None)
    later = [at for at, rid in others if (at, rid) > here]
    return Window(since, min([row.created_at + AFTER_CREATION, *later]))


def request_conversation(uow, row: ServiceRequest, sandbox: bool = False) -> Conversation:
    """The messages of the request's window, and where older ones start."""
    window = request_window(uow, row)
    lines = transcript(uow, row.user_id, window.since, window.until, sandbox=sandbox)
    cut = len(lines) >= LIMIT  # the window may hold more than is shown: older ones are before the first shown
    return Conversation(lines, window, lines[0].at if cut else window.since)


def older_messages(uow, row: ServiceRequest, sandbox: bool = False) -> list[Line]:
    """The messages before the request's conversation (the last LIMIT of them)."""
    before = request_conversation(uow, row, sandbox).older_before
    return transcript(uow, row.user_id, until=before, sandbox=sandbox) if before else []
