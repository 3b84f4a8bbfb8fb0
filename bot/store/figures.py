"""What /metrics reads from the database at each scrape, for one OA: the queues and their ages, replies of
the last day, the token, announcements, handoffs and requests. Counts, statuses, Zalo error codes, request
kinds and ages only: never a user id, a name or what anyone wrote. Each query is served by an index on
status (or a small table), so a scrape stays cheap however long the history."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from bot.store.models import Announcement, Event, Handoff, OutboxMessage, ServiceRequest, ZaloToken

WAITING_EVENTS = ("pending", "processing", "failed")  # failed: gave up after its attempts, still kept
UNSENT = ("queued", "sending", "failed")
OUTBOX_STATES = ("queued", "retrying", "sending", "failed")
ANNOUNCING = ("scheduled", "sending")
OPEN_HANDOFFS = ("waiting", "claimed")


@dataclass(frozen=True)
class Figures:
    events: dict[str, int]  # by status (WAITING_EVENTS)
    oldest_event_at: datetime | None  # received, of those pending or processing
    outbox: dict[str, int]  # queued (never tried), retrying, sending, failed
    oldest_due_at: datetime | None  # of the queued messages already due: what the lag is measured from
    sent_since: int
    failed_since: dict[int | None, int]  # Zalo's error code (an HTTP status for transport failures) → count
    token_expires_at: datetime | None
    token_refresh_failed: bool
    announcements: dict[str, int]  # by status (ANNOUNCING)
    handoffs: dict[str, int]  # by status (OPEN_HANDOFFS)
    oldest_handoff_at: datetime | None
    requests: dict[tuple[str, str], int]  # (kind, status) → count


def _grouped(session: Session, key, *where, every: tuple = ()) -> dict:
    """Row counts by `key` (a column, an expression or a tuple of columns) under the conditions; each of
    `every` is there, 0 when no row has it (a series that vanishes at zero is hard to alert on)."""
    keys = key if isinstance(key, tuple) else (key,)
    rows = session.execute(select(*keys, func.count()).where(*where).group_by(*keys))
    return dict.fromkeys(every, 0) | {(tuple(row[:-1]) if len(keys) > 1 else row[0]): row[-1] for row in rows}


def _of_oa(session: Session, oa_column, oa_id: str, value, *where):
    """One OA's `value` (an aggregate) under conditions on status: grouped by OA rather than filtered by it,
    which would make SQLite walk the OA's whole history by its (oa_id, …) index (bot/store/per_oa.py)."""
    rows = session.execute(select(oa_column, value).where(*where).group_by(oa_column))
    return next((found for oa, found in rows if oa == oa_id), None)


def _by_status(session: Session, oa_column, oa_id: str, key, *where, every: tuple = ()) -> dict[str, int]:
    """One OA's row counts by `key` under conditions on status (grouped by OA, as _of_oa)."""
    rows = session.execute(select(oa_column, key, func.count()).where(*where).group_by(oa_column, key))
    return dict.fromkeys(every, 0) | {status: count for oa, status, count in rows if oa == oa_id}


def _outbox(session: Session, oa_id: str, now: datetime) -> tuple[dict[str, int], datetime | None]:
    row = OutboxMessage
    state = case((and_(row.status == "queued", row.attempts > 0), "retrying"), else_=row.status)
    counts = _by_status(session, row.oa_id, oa_id, state, row.status.in_(UNSENT), every=OUTBOX_STATES)
    oldest = _of_oa(session, row.oa_id, oa_id, func.min(row.next_attempt_at), row.status == "queued",
                    row.next_attempt_at <= now)
    return counts, oldest


def _replies_since(session: Session, oa_id: str, since: datetime) -> tuple[int, dict[int | None, int]]:
    """Replies sent and failed whose last attempt was due since then (next_attempt_at: indexed with status)."""
    row = OutboxMessage
    sent = _of_oa(session, row.oa_id, oa_id, func.count(), row.status == "sent", row.next_attempt_at >= since)
    return sent or 0, _by_status(session, row.oa_id, oa_id, row.error_code, row.status == "failed",
                                 row.next_attempt_at >= since)


def read_figures(session: Session, oa_id: str, now: datetime, since: datetime) -> Figures:
    """Every figure of one OA at `now` (naive UTC); replies counted since `since`."""
    outbox, oldest_due = _outbox(session, oa_id, now)
    sent, failed = _replies_since(session, oa_id, since)
    token = session.get(ZaloToken, oa_id)
    open_handoff = and_(Handoff.oa_id == oa_id, Handoff.status.in_(OPEN_HANDOFFS))
    return Figures(
        events=_by_status(session, Event.oa_id, oa_id, Event.status, Event.status.in_(WAITING_EVENTS),
                          every=WAITING_EVENTS),
        oldest_event_at=_of_oa(session, Event.oa_id, oa_id, func.min(Event.received_at),
                               Event.status.in_(("pending", "processing"))),
        outbox=outbox, oldest_due_at=oldest_due, sent_since=sent, failed_since=failed,
        token_expires_at=token.expires_at if token else None,
        token_refresh_failed=bool(token and token.refresh_error),
        announcements=_grouped(session, Announcement.status, Announcement.oa_id == oa_id,
                               Announcement.status.in_(ANNOUNCING), every=ANNOUNCING),
        handoffs=_grouped(session, Handoff.status, open_handoff, every=OPEN_HANDOFFS),
        oldest_handoff_at=session.scalar(select(func.min(Handoff.created_at)).where(open_handoff)),
        requests=_grouped(session, (ServiceRequest.kind, ServiceRequest.status), ServiceRequest.oa_id == oa_id))
