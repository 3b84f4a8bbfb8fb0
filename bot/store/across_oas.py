"""Questions asked of every OA at once: which OAs have something to do. One deployment may serve hundreds
of OAs; an idle one must cost nothing, so the worker and the scheduler ask once for all, by the status
indexes, and then work only on the OAs named. (The worker's claim of every OA's pending events is one
query too: bot/store/events.py `pending_heads_everywhere`.)"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from bot.store.models import Announcement, Event, OutboxMessage

DUE_OUTBOX = (select(OutboxMessage.oa_id).where(OutboxMessage.status == "queued",
                                                OutboxMessage.next_attempt_at <= bindparam("now")).distinct())
UNFINISHED_EVENTS = select(func.count()).select_from(Event).where(Event.status.in_(("pending", "processing")))
UNSENT_NOW = select(func.count()).select_from(OutboxMessage).where(or_(
    OutboxMessage.status == "sending", (OutboxMessage.status == "queued") & (OutboxMessage.attempts == 0)))
ANNOUNCEMENTS_DUE = (select(Announcement.oa_id).where(or_(
    Announcement.status == "sending",
    (Announcement.status == "scheduled") & (Announcement.send_at <= bindparam("now")))).distinct())
SCHEDULED = (select(Announcement.id, Announcement.oa_id, Announcement.send_at)
             .where(Announcement.status == "scheduled").order_by(Announcement.send_at).limit(bindparam("limit")))


class AcrossOAs:
    def __init__(self, session: Session):
        self.session = session

    def with_due_outbox(self, now: datetime) -> list[str]:
        return list(self.session.connection().scalars(DUE_OUTBOX, {"now": now}))

    def work_left(self) -> bool:
        """An event waiting or being processed, or a reply to send now, in any OA."""
        connection = self.session.connection()
        return bool(connection.scalar(UNFINISHED_EVENTS) or connection.scalar(UNSENT_NOW))

    def with_announcements_due(self, now: datetime) -> list[str]:
        """OAs with an announcement being sent, or scheduled and due."""
        return list(self.session.connection().scalars(ANNOUNCEMENTS_DUE, {"now": now}))

    def scheduled_announcements(self, limit: int = 1000) -> list[tuple[int, str, datetime | None]]:
        """(id, OA, send time) of every scheduled announcement, soonest first."""
        return [tuple(row) for row in self.session.connection().execute(SCHEDULED, {"limit": limit})]
