"""Inbound events: insert once, claim in per-user order, mark the outcome."""
from __future__ import annotations

from sqlalchemy import bindparam, exists, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, aliased

from bot.store.upsert import insert_ignoring_conflicts
from bot.store.models import Event, utcnow

MAX_ATTEMPTS = 5


def insert_event_statement(bind: Session | Engine):
    """INSERT … ON CONFLICT DO NOTHING RETURNING id that stores one delivery at most once. Built once
    per store with bound parameters (see `event_values`): building it costs more than running it."""
    names = ["oa_id", "dedupe_key", "event_name", "user_id", "raw", "status", "attempts", "received_at"]
    return insert_ignoring_conflicts(bind, Event, ["oa_id", "dedupe_key"],
                                     **{name: bindparam(name) for name in names}).returning(Event.id)


def event_values(oa_id: str, dedupe_key: str, event_name: str, user_id: str | None, raw: str,
                 status: str = "pending") -> dict:
    return {"oa_id": oa_id, "dedupe_key": dedupe_key[:255], "event_name": event_name[:64],
            "user_id": user_id, "raw": raw, "status": status, "attempts": 0, "received_at": utcnow()}


def _claim_statement():
    """Built once (every worker runs it for every event): pending → processing, unless an earlier
    event of the same user is still pending or being processed."""
    earlier = aliased(Event)
    unfinished_before = exists().where(earlier.oa_id == Event.oa_id, earlier.user_id == Event.user_id,
                                       earlier.id < Event.id, earlier.status.in_(("pending", "processing")))
    return (update(Event).where(Event.id == bindparam("event_id"), Event.status == "pending",
                                or_(Event.user_id.is_(None), ~unfinished_before))
            .values(status="processing", claimed_at=bindparam("now"), claimed_by=bindparam("worker"),
                    attempts=Event.attempts + 1))


CLAIM = _claim_statement()


class EventRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def get(self, event_id: int) -> Event | None:
        return self.session.get(Event, event_id)

    def pending_heads(self, exclude_users: set[str], limit: int) -> list[Event]:
        """Return the oldest pending event of each user not busy, oldest first."""
        busy = set(exclude_users) | set(self.session.scalars(
            select(Event.user_id).where(Event.status == "processing", Event.oa_id == self.oa_id).distinct())) - {None}
        query = select(Event).where(Event.status == "pending", Event.oa_id == self.oa_id)
        if busy:
            query = query.where(or_(Event.user_id.is_(None), Event.user_id.not_in(busy)))
        query = query.order_by(Event.id).limit(limit * 4)
        if self.session.get_bind().dialect.name == "postgresql":
            # Several worker processes: each takes rows the others are not claiming right now.
            query = query.with_for_update(skip_locked=True)
        rows = self.session.scalars(query)
        heads: dict[str | None, Event] = {}
        for row in rows:
            key = row.user_id or f"#{row.id}"
            if row.user_id in busy or key in heads:
                continue
            heads[key] = row
            if len(heads) >= limit:
                break
        return list(heads.values())

    def claim(self, event_id: int, by: str) -> bool:
        """Mark a pending event as being processed by worker `by`; False if another worker took it,
        or if an earlier event of the same user is not finished (one user's events go in order, even
        when several worker processes pick from the queue at once)."""
        result = self.session.execute(CLAIM, {"event_id": event_id, "worker": by, "now": utcnow()})
        return result.rowcount == 1

    def finish(self, event_id: int, status: str = "done", error: str | None = None) -> None:
        self.session.execute(update(Event).where(Event.id == event_id)
                             .values(status=status, error=error, processed_at=utcnow()))

    def release(self, event: Event, error: str) -> None:
        """Put a failed event back for another try, or give up after MAX_ATTEMPTS."""
        status = "failed" if event.attempts >= MAX_ATTEMPTS else "pending"
        self.session.execute(update(Event).where(Event.id == event.id)
                             .values(status=status, error=error[:2000], claimed_at=None, claimed_by=None))

    def recent_texts(self, user_id: str, limit: int = 3) -> list[str]:
        """The user's last few text messages, oldest first (shown to the volunteer taking the chat)."""
        import json
        rows = self.session.scalars(select(Event.raw).where(
            Event.oa_id == self.oa_id, Event.user_id == user_id, Event.event_name == "user_send_text")
            .order_by(Event.id.desc()).limit(limit))
        texts = [json.loads(raw).get("message", {}).get("text", "") for raw in rows]
        return [t for t in reversed(texts) if t]

    def sent_by_user(self, user_id: str, limit: int) -> list[Event]:
        """The user's last `limit` messages to the OA (text, image, location, ...), newest first."""
        return list(self.session.scalars(select(Event).where(
            Event.oa_id == self.oa_id, Event.user_id == user_id,
            Event.event_name.startswith("user_send_", autoescape=True))
            .order_by(Event.id.desc()).limit(limit)))

    def count(self, status: str | None = None) -> int:
        from sqlalchemy import func
        query = select(func.count()).select_from(Event).where(Event.oa_id == self.oa_id)
        if status:
            query = query.where(Event.status == status)
        return self.session.scalar(query) or 0
