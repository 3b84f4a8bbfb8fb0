"""Outbox: every outbound message, written before it is sent, with its outcome."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import and_, bindparam, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot.store.driver import Hot
from bot.store.models import OutboxMessage, StaffReply, utcnow
from bot.store.per_oa import count_of_oa

ECHO_WINDOW = timedelta(minutes=10)


def _claim_statement():
    """Built once (run for every message sent): queued → sending, unless an earlier message to the
    same recipient is queued, or being sent, other than those of the batch being claimed with it.

    The batch (`batch`: ids claimed together, in order, by one send lane) is the only exception: an
    earlier message being sent by this very worker may still wait in one of its send lanes, so the
    sweeper must not overtake it either.

    A user's earlier messages and a group's are looked up apart, each by equality on its own
    columns, so the indexes on (oa_id, user_id, id) and (oa_id, group_id, id) find them: one
    subquery with an OR between the two would scan every message the OA ever sent, and the outbox
    keeps two years of them."""
    earlier = aliased(OutboxMessage)
    in_the_way = or_(earlier.status == "queued",
                     and_(earlier.status == "sending", earlier.id.not_in(bindparam("batch", expanding=True))))
    before = and_(earlier.oa_id == OutboxMessage.oa_id, earlier.id < OutboxMessage.id, in_the_way)
    user_blocked = and_(OutboxMessage.user_id.is_not(None),
                        exists().where(earlier.user_id == OutboxMessage.user_id, before))
    group_blocked = and_(OutboxMessage.user_id.is_(None),
                         exists().where(earlier.user_id.is_(None), earlier.group_id == OutboxMessage.group_id, before))
    return (update(OutboxMessage).where(OutboxMessage.id == bindparam("message_id"),
                                        OutboxMessage.status == "queued", ~or_(user_blocked, group_blocked))
            .values(status="sending", claimed_by=bindparam("worker"), attempts=OutboxMessage.attempts + 1,
                    next_attempt_at=bindparam("now")))


CLAIM = _claim_statement()
# Run for every reply: built once (building a statement costs more than running it).
ADD = Hot(insert(OutboxMessage).values(
    **{name: bindparam(name) for name in ("oa_id", "user_id", "group_id", "event_id", "kind", "payload", "status",
                                          "claimed_by", "attempts", "next_attempt_at", "created_at",
                                          "about_user_id")}
).returning(OutboxMessage.id))
MARK_SENT = Hot(update(OutboxMessage).where(OutboxMessage.id == bindparam("message_id")).values(
    status="sent", zalo_message_id=bindparam("zalo_message_id"), sent_at=bindparam("now"),
    error_code=None, error_message=None))


def _unsent_statement(to_group: bool, before: bool):
    """The first message still queued or being sent to a user (or, `to_group`, a group without a
    user), if `before`, older than the message bound as `before`."""
    recipient = ((OutboxMessage.user_id.is_(None), OutboxMessage.group_id == bindparam("group_id")) if to_group
                 else (OutboxMessage.user_id == bindparam("user_id"),))
    query = select(OutboxMessage.id).where(OutboxMessage.oa_id == bindparam("oa_id"), *recipient,
                                           OutboxMessage.status.in_(("queued", "sending")))
    if before:
        query = query.where(OutboxMessage.id < bindparam("before"))
    return query.limit(1)


UNSENT = {(to_group, before): Hot(_unsent_statement(to_group, before)) for to_group in (False, True) for before in (False, True)}


class OutboxRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def add(self, kind: str, payload: dict, user_id: str | None = None,
            group_id: str | None = None, event_id: int | None = None,
            hold: timedelta = timedelta(0), claimed_by: str | None = None, about: str | None = None) -> int:
        """Queue a message and return its id; `hold` keeps the sweeper off it while its writer sends
        it itself. With `claimed_by` it is written already claimed by that worker (status 'sending',
        its first attempt counted), as `claim` would leave it."""
        now = utcnow()
        return ADD.scalar(self.session, {
            "oa_id": self.oa_id, "user_id": user_id, "group_id": group_id, "event_id": event_id, "kind": kind,
            "payload": json.dumps(payload, ensure_ascii=False), "status": "sending" if claimed_by else "queued",
            "claimed_by": claimed_by, "attempts": 1 if claimed_by else 0,
            "next_attempt_at": now if claimed_by else now + hold, "created_at": now, "about_user_id": about})

    def get(self, message_id: int) -> OutboxMessage | None:
        return self.session.get(OutboxMessage, message_id)

    def due(self, limit: int = 100) -> list[OutboxMessage]:
        """Queued messages whose time has come, oldest first, never overtaking an earlier
        message to the same recipient that is still waiting for its retry."""
        now = utcnow()
        queued = self.session.scalars(
            select(OutboxMessage).where(OutboxMessage.oa_id == self.oa_id, OutboxMessage.status == "queued")
            .order_by(OutboxMessage.id).limit(limit * 4))
        waiting: set[str | None] = set()
        ready: list[OutboxMessage] = []
        for row in queued:
            recipient = row.user_id or row.group_id
            if recipient in waiting:
                continue
            if row.next_attempt_at > now:
                waiting.add(recipient)
                continue
            ready.append(row)
            if len(ready) >= limit:
                break
        return ready

    def recipient_of(self, message_id: int) -> tuple[str | None, str | None] | None:
        """(user_id, group_id) of a message, without loading it (it is claimed, then read afresh)."""
        row = self.session.connection().execute(select(OutboxMessage.user_id, OutboxMessage.group_id)
                                   .where(OutboxMessage.id == message_id)).first()
        return (row.user_id, row.group_id) if row is not None else None

    def has_unsent_to(self, user_id: str | None, group_id: str | None = None, before: int | None = None) -> bool:
        """True when a message to this user (or, with no user, this group), older than message
        `before` if given, is still queued or being sent: a newer one must go after it."""
        query = UNSENT[not user_id, before is not None]
        params = {"oa_id": self.oa_id, "user_id": user_id, "group_id": group_id, "before": before}
        return query.scalar(self.session, params) is not None

    def release_hold(self, ids: list[int]) -> None:
        """Hand these messages to the sweeper now (their writer will not send them itself)."""
        if ids:
            self.session.execute(update(OutboxMessage).where(
                OutboxMessage.id.in_(ids), OutboxMessage.status == "queued").values(next_attempt_at=utcnow()))

    def requeue(self, ids: list[int]) -> None:
        """Claimed but not tried: back to the queue, due now, the claim's attempt not counted."""
        if ids:
            self.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(
                status="queued", attempts=OutboxMessage.attempts - 1, next_attempt_at=utcnow()))

    def retrying(self, ids: list[int]) -> int:
        """How many of these are back in the queue after a failed try (waiting for their retry)."""
        if not ids:
            return 0
        return self.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.id.in_(ids), OutboxMessage.status == "queued", OutboxMessage.attempts > 0)) or 0

    def claim(self, message_id: int, by: str, batch: list[int] | tuple[int, ...] = ()) -> bool:
        """Take a queued message for sending by worker `by`; False if someone else has it, or if an
        earlier message to the same recipient is still queued or being sent (each recipient's
        messages leave in order, even with several worker processes), unless it is one of `batch`,
        the ids this claim belongs with (claimed in order in the same transaction)."""
        result = self.session.connection().execute(CLAIM, {"message_id": message_id, "worker": by, "now": utcnow(),
                                                           "batch": list(batch)})
        return result.rowcount == 1

    def mark_sent(self, message_id: int, zalo_message_id: str | None) -> None:
        # Straight to the connection, as the claim: no row here is held as an object that must follow.
        MARK_SENT.rowcount(self.session, {"message_id": message_id, "zalo_message_id": zalo_message_id,
                                                      "now": utcnow()})

    def mark_retry(self, message_id: int, delay: timedelta, code: int | None, error: str) -> None:
        self.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
            status="queued", next_attempt_at=utcnow() + delay, error_code=code, error_message=error[:2000]))

    def mark_failed(self, message_id: int, code: int | None, error: str) -> None:
        self.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
            status="failed", error_code=code, error_message=error[:2000]))

    def zalo_ids_sent(self, user_id: str) -> list[str]:
        """Zalo's ids of every message sent to the user (a long text goes as several)."""
        rows = self.session.scalars(select(OutboxMessage.zalo_message_id).where(
            OutboxMessage.oa_id == self.oa_id, OutboxMessage.user_id == user_id, OutboxMessage.status == "sent"))
        return [zalo_id for ids in rows for zalo_id in (ids or "").split(",") if zalo_id]

    def due_now(self) -> int:
        """On worker start: queued messages held for a process that is gone (or waiting for a retry)
        become due now."""
        result = self.session.execute(
            update(OutboxMessage).where(OutboxMessage.oa_id == self.oa_id, OutboxMessage.status == "queued")
            .values(next_attempt_at=utcnow()))
        return result.rowcount

    def is_own_echo(self, user_id: str, msg_id: str | None, text: str | None) -> bool:
        """True when an oa_send_* event echoes a message this bot sent: by Zalo's id (a long text is
        sent in parts, so a row may hold several ids), or by the same text to the same user lately."""
        mine = select(OutboxMessage.id).where(OutboxMessage.oa_id == self.oa_id)
        if msg_id and self.session.scalar(mine.where(OutboxMessage.zalo_message_id == msg_id).limit(1)):
            return True  # by the index on Zalo's id
        recently_to_them = mine.where(OutboxMessage.user_id == user_id,
                                      OutboxMessage.created_at >= utcnow() - ECHO_WINDOW)
        if msg_id and self.session.scalar(recently_to_them.where(
                OutboxMessage.zalo_message_id.contains(msg_id, autoescape=True)).limit(1)):
            return True  # one part of a long text
        if not text:
            return False
        recent = self.session.scalars(select(OutboxMessage.payload).where(
            OutboxMessage.oa_id == self.oa_id, OutboxMessage.user_id == user_id,
            OutboxMessage.created_at >= utcnow() - ECHO_WINDOW).order_by(OutboxMessage.id.desc()).limit(50))
        quoted = json.dumps(text, ensure_ascii=False)[1:-1]  # payloads are sealed: compare in Python
        return any(quoted in payload for payload in recent)

    def record_staff_reply(self, user_id: str, msg_id: str | None, text: str | None,
                           event_id: int | None) -> None:
        self.session.add(StaffReply(oa_id=self.oa_id, user_id=user_id, msg_id=msg_id, text=text,
                                    event_id=event_id, at=utcnow()))

    def unsent_now(self) -> int:
        """Messages being sent, or queued and not waiting for a later retry."""
        return count_of_oa(self.session, OutboxMessage.oa_id, self.oa_id, or_(
            OutboxMessage.status == "sending", (OutboxMessage.status == "queued") & (OutboxMessage.attempts == 0)))

    def counts(self) -> dict[str, int]:
        rows = self.session.execute(select(OutboxMessage.status, func.count())
                                    .where(OutboxMessage.oa_id == self.oa_id)
                                    .group_by(OutboxMessage.status))
        return {status: n for status, n in rows}

    def sent_to_between(self, user_id: str, limit: int, since=None, until=None) -> list[OutboxMessage]:
        """The last `limit` messages written for one user from `since` to before `until` (naive UTC; None:
        no bound), whatever their outcome, newest first: the conversation of one request."""
        query = select(OutboxMessage).where(OutboxMessage.oa_id == self.oa_id, OutboxMessage.user_id == user_id)
        if since is not None:
            query = query.where(OutboxMessage.created_at >= since)
        if until is not None:
            query = query.where(OutboxMessage.created_at < until)
        return list(self.session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit)))
