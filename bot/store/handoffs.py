"""Handoffs: chats handed to a person, from waiting to claimed to closed."""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.store.driver import Hot
from bot.store.models import Handoff, utcnow

ACTIVE = ("waiting", "claimed")
# Asked for every message a resident sends (is a person handling this chat?), and almost always
# there is none: built once, the id alone by Core; the handoff itself is loaded only when there is one.
ACTIVE_FOR_USER = Hot(select(Handoff.id).where(Handoff.oa_id == bindparam("oa_id"), Handoff.user_id == bindparam("user_id"),
                                            Handoff.status.in_(ACTIVE)).order_by(Handoff.id.desc()).limit(1))


class HandoffRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def _query(self):
        return select(Handoff).where(Handoff.oa_id == self.oa_id)

    def open(self, code: str, user_id: str, request_id: int | None, procedure_id: str | None,
             source: str = "resident", status: str = "waiting") -> Handoff:
        now = utcnow()
        row = Handoff(oa_id=self.oa_id, code=code, user_id=user_id, request_id=request_id,
                      procedure_id=procedure_id, source=source, status=status, created_at=now,
                      last_staff_at=now if status == "claimed" else None)
        self.session.add(row)
        self.session.flush()
        return row

    def active_for_user(self, user_id: str) -> Handoff | None:
        self.session.flush()  # a handoff opened or closed in this unit counts
        handoff_id = ACTIVE_FOR_USER.scalar(self.session, {"oa_id": self.oa_id, "user_id": user_id})
        return None if handoff_id is None else self.session.get(Handoff, handoff_id)

    def by_code(self, code: str) -> Handoff | None:
        return self.session.scalar(self._query().where(Handoff.code == code.upper()).order_by(Handoff.id.desc())
                                   .limit(1))

    def get(self, handoff_id: int) -> Handoff | None:
        row = self.session.get(Handoff, handoff_id)
        return row if row is not None and row.oa_id == self.oa_id else None

    def claimed_by(self, volunteer_id: str) -> Handoff | None:
        """The volunteer's most recently claimed open handoff (their messages are relayed there)."""
        return self.session.scalar(self._query().where(Handoff.volunteer_id == volunteer_id,
                                                       Handoff.status == "claimed")
                                   .order_by(Handoff.claimed_at.desc()).limit(1))

    def asked_between(self, since, until) -> list[Handoff]:
        """The handovers residents asked for (each with its request; a console answer has none) in [since, until)."""
        return list(self.session.scalars(self._query().where(Handoff.request_id.is_not(None),
                                                             Handoff.created_at >= since, Handoff.created_at < until)
                                         .order_by(Handoff.id)))

    def waiting(self) -> list[Handoff]:
        return list(self.session.scalars(self._query().where(Handoff.status == "waiting").order_by(Handoff.id)))
