"""Inbound events: insert once, claim in per-user order, mark the outcome."""
from __future__ import annotations

from sqlalchemy import bindparam, exists, func, literal, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, aliased

from bot.store.driver import Hot
from bot.store.models import Event, OutboxMessage, utcnow
from bot.store.per_oa import count_of_oa
from bot.store.upsert import insert_ignoring_conflicts

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
    event of the same user is still pending or being processed; and, for an oa_send_* echo, unless
    a message to that user is being sent. Its Zalo id is not recorded yet, so the echo could not be
    told from a reply typed in the OA console, which would silence the bot for that resident. (In
    one process the send lanes hold such events back; this holds them back from other processes.)"""
    earlier = aliased(Event)
    unfinished_before = exists().where(earlier.oa_id == Event.oa_id, earlier.user_id == Event.user_id,
                                       earlier.id < Event.id, earlier.status.in_(("pending", "processing")))
    on_the_wire = exists().where(OutboxMessage.status == "sending", OutboxMessage.oa_id == Event.oa_id,
                                 OutboxMessage.user_id == Event.user_id)
    return (update(Event).where(Event.id == bindparam("event_id"), Event.status == "pending",
                                or_(Event.user_id.is_(None), ~unfinished_before),
                                or_(~Event.event_name.startswith("oa_send_"), ~on_the_wire))
            .values(status="processing", claimed_at=bindparam("now"), claimed_by=bindparam("worker"),
                    attempts=Event.attempts + 1))


def _settle_statement():
    """Built once: pending oa_send_* events in an id range whose Zalo message id (the rest of their
    dedupe key) is one the outbox recorded as sent by this OA become done. Not filtered by OA in
    the WHERE (the outbox match is per OA): so SQLite reads them by the status index."""
    ours = exists().where(OutboxMessage.oa_id == Event.oa_id, OutboxMessage.zalo_message_id == func.substr(
        Event.dedupe_key, func.length(Event.event_name) + 2))
    return (update(Event).where(Event.status == "pending", Event.id > bindparam("after"),
                                Event.id <= bindparam("top"), Event.event_name.startswith("oa_send_"), ours)
            .values(status="done", processed_at=bindparam("now")))


CLAIM = Hot(_claim_statement())
SETTLE_ECHOES = Hot(_settle_statement())
# The dispatcher runs these many times a second and the worker once per event: built once, as
# building a statement costs more than running it.
LAST_ID = Hot(select(func.max(Event.id)))
BEING_PROCESSED = Hot(select(Event.user_id, Event.oa_id).where(Event.status == "processing").distinct())


def _pending_statement(some_busy: bool, locking: bool, one_oa: bool = True):
    """Pending events of one OA (or of every OA), oldest first, echoes only up to the id bound as
    `settled`; `some_busy`: not of the users bound as `busy`; `locking` (PostgreSQL, several worker
    processes): skipping rows another worker is claiming."""
    query = select(Event.id, Event.user_id, Event.oa_id).where(
        Event.status == "pending", Event.oa_id == bindparam("oa_id") if one_oa else literal(True),
        or_(Event.id <= bindparam("settled"), ~Event.event_name.startswith("oa_send_")))
    if some_busy:
        query = query.where(or_(Event.user_id.is_(None), Event.user_id.not_in(bindparam("busy", expanding=True))))
    query = query.order_by(Event.id).limit(bindparam("limit"))
    return query.with_for_update(skip_locked=True) if locking else query


PENDING = {(some_busy, locking): _pending_statement(some_busy, locking)
           for some_busy in (False, True) for locking in (False, True)}
PENDING_EVERYWHERE = {(some_busy, locking): _pending_statement(some_busy, locking, one_oa=False)
                      for some_busy in (False, True) for locking in (False, True)}
# Read for every message (flood control): through the connection, not the ORM, which cost five times more.
ARRIVALS = Hot(select(Event.received_at).where(Event.oa_id == bindparam("oa_id"), Event.user_id == bindparam("user_id"),
                                            Event.id <= bindparam("up_to"),
                                            Event.event_name.startswith("user_send_", autoescape=True))
            .order_by(Event.id.desc()).limit(bindparam("limit")))
EVERY_ID = 2 ** 62  # `settled` when every echo may be a head: above any event id
RAW = Hot(select(Event.raw).where(Event.id == bindparam("event_id")))
FINISH = Hot(update(Event).where(Event.id == bindparam("event_id"))
          .values(status=bindparam("status"), error=bindparam("error"), processed_at=bindparam("now")))
SETTLE_KEYS = (update(Event).where(Event.oa_id == bindparam("of_oa"),
                                   Event.dedupe_key.in_(bindparam("keys", expanding=True)), Event.status == "pending")
               .values(status="done", processed_at=bindparam("now")))


class EventRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def get(self, event_id: int) -> Event | None:
        return self.session.get(Event, event_id)

    def raw_of(self, event_id: int) -> str | None:
        """The event as Zalo sent it (the worker's read of each event it processes)."""
        return RAW.scalar(self.session, {"event_id": event_id})

    def being_processed(self) -> list[tuple[str | None, str]]:
        """(user, OA) of every event being processed, in any OA: by status alone, then the OA in Python;
        with the OA in the query SQLite walks the (oa_id, user_id) index over every event the OA ever had."""
        return BEING_PROCESSED.rows(self.session, {})

    def pending_heads(self, exclude_users: set[str], limit: int, echoes_settled_to: int | None = None,
                      processing: list[tuple[str | None, str]] | None = None) -> list:
        """Return (id, user_id) of the oldest pending event of each user not busy, oldest first.

        `echoes_settled_to`: the last event id `settle_own_echoes` looked at; echoes stored after it
        wait for its next pass, which settles the bot's own in bulk, instead of being processed alone.
        `processing`: `being_processed()` when the caller asked already, or [] when no other worker runs
        (this one's own are in `exclude_users`; the claim itself refuses a user with an unfinished event)."""
        processing = self.being_processed() if processing is None else processing
        busy = set(exclude_users) | {user for user, oa in processing if oa == self.oa_id} - {None}
        return self._heads(PENDING, {"oa_id": self.oa_id}, busy, limit, echoes_settled_to)

    def pending_heads_everywhere(self, exclude_users: set[str], limit: int, echoes_settled_to: int,
                                 processing: list[tuple[str | None, str]] | None = None) -> list:
        """`pending_heads` of every OA in one query, each row with its `oa_id` (the worker serving several
        OAs). Users are told apart by id alone here: a user busy in one OA waits in another too, if ever
        one id were in two OAs."""
        processing = self.being_processed() if processing is None else processing
        busy = set(exclude_users) | {user for user, _oa in processing} - {None}
        return self._heads(PENDING_EVERYWHERE, {}, busy, limit, echoes_settled_to)

    def _heads(self, statements: dict, params: dict, busy: set[str], limit: int, settled: int | None) -> list:
        connection = self.session.connection()
        query = statements[bool(busy), connection.dialect.name == "postgresql"]
        params = {**params, "limit": limit * 4, "settled": settled if settled is not None else EVERY_ID}
        if busy:
            params["busy"] = list(busy)
        heads: dict[tuple, object] = {}
        for row in connection.execute(query, params):
            key = (row.oa_id, row.user_id or f"#{row.id}")
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
        return CLAIM.rowcount(self.session, {"event_id": event_id, "worker": by, "now": utcnow()}) == 1

    def finish(self, event_id: int, status: str = "done", error: str | None = None) -> None:
        # Hot writes go straight to the session's connection: the ORM's bookkeeping of an UPDATE
        # costs more than the statement, and no row here is held as an object that must follow.
        FINISH.rowcount(self.session, {"event_id": event_id, "status": status, "error": error,
                                                   "now": utcnow()})

    def settle_own_echoes(self, after_id: int) -> int:
        """Mark done, in one statement, the pending echoes stored after event `after_id` of messages
        this bot sent: they need no processing, and a resident's next message no longer waits
        behind them. Return the last event id looked at. An echo that arrived before its message
        was recorded as sent is settled by the sender (`settle`) or, failing both, by the ordinary
        processing of events."""
        top = LAST_ID.scalar(self.session, {}) or 0
        if top > after_id:
            SETTLE_ECHOES.rowcount(self.session, {"after": after_id, "top": top, "now": utcnow()})
        return max(top, after_id)

    def settle(self, dedupe_keys: list[str]) -> int:
        """Mark done the pending events with these dedupe keys (echoes of messages just sent)."""
        if not dedupe_keys:
            return 0
        return self.session.connection().execute(SETTLE_KEYS, {"of_oa": self.oa_id, "keys": list(dedupe_keys),
                                                               "now": utcnow()}).rowcount

    def release(self, event: Event, error: str) -> None:
        """Put a failed event back for another try, or give up after MAX_ATTEMPTS."""
        status = "failed" if event.attempts >= MAX_ATTEMPTS else "pending"
        self.session.execute(update(Event).where(Event.id == event.id)
                             .values(status=status, error=error[:2000], claimed_at=None, claimed_by=None))

    def arrival_times(self, user_id: str, up_to_id: int, limit: int) -> list:
        """When the user's last `limit` messages to the OA up to event `up_to_id` arrived, newest first."""
        return ARRIVALS.column(self.session, {"oa_id": self.oa_id, "user_id": user_id, "up_to": up_to_id, "limit": limit})

    def recent_texts(self, user_id: str, limit: int = 3) -> list[str]:
        """The user's last few text messages, oldest first (shown to the volunteer taking the chat)."""
        import json
        rows = self.session.scalars(select(Event.raw).where(
            Event.oa_id == self.oa_id, Event.user_id == user_id, Event.event_name == "user_send_text")
            .order_by(Event.id.desc()).limit(limit))
        texts = [json.loads(raw).get("message", {}).get("text", "") for raw in rows]
        return [t for t in reversed(texts) if t]

    def count(self, status: str | None = None) -> int:
        if status:
            return count_of_oa(self.session, Event.oa_id, self.oa_id, Event.status == status)
        return self.session.scalar(select(func.count()).select_from(Event).where(Event.oa_id == self.oa_id)) or 0

    def sent_by_user_between(self, user_id: str, limit: int, since=None, until=None) -> list[Event]:
        """The user's last `limit` messages to the OA received from `since` to before `until` (naive UTC;
        None: no bound), newest first: the conversation of one request."""
        query = select(Event).where(Event.oa_id == self.oa_id, Event.user_id == user_id,
                                    Event.event_name.startswith("user_send_", autoescape=True))
        if since is not None:
            query = query.where(Event.received_at >= since)
        if until is not None:
            query = query.where(Event.received_at < until)
        return list(self.session.scalars(query.order_by(Event.id.desc()).limit(limit)))
