"""Messages waiting for residents outside Zalo's 7-day window."""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.store.driver import Hot
from bot.store.models import PendingNotice, utcnow

# Asked for every message a resident sends: built once.
_WAITING = (PendingNotice.oa_id == bindparam("oa_id"), PendingNotice.user_id == bindparam("user_id"),
            PendingNotice.delivered_at.is_(None))
WAITING_FOR_USER = select(PendingNotice).where(*_WAITING).order_by(PendingNotice.id)
# Asked for every message, and almost always nothing waits: a one-column Core select first.
ANY_WAITING = Hot(select(PendingNotice.id).where(*_WAITING).limit(1))


class NoticeRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def hold(self, user_id: str, kind: str, text: str) -> None:
        self.session.add(PendingNotice(oa_id=self.oa_id, user_id=user_id, kind=kind, text=text, created_at=utcnow()))

    def take(self, user_id: str) -> list[tuple[str, str]]:
        """The user's waiting messages as (kind, text), oldest first, marked delivered."""
        self.session.flush()  # a notice held in this unit counts too
        which = {"oa_id": self.oa_id, "user_id": user_id}
        if ANY_WAITING.scalar(self.session, which) is None:
            return []
        rows = list(self.session.scalars(WAITING_FOR_USER, which))
        for row in rows:
            row.delivered_at = utcnow()
        return [(row.kind, row.text) for row in rows]

