"""Requests residents submit, with reference codes like KS-0042."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.store.models import Counter, ServiceRequest, utcnow
from bot.store.upsert import insert_ignoring_conflicts


class RequestRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def next_code(self, prefix: str) -> str:
        """Hand out the next reference code for a prefix; safe when several workers do it at once."""
        self.session.execute(insert_ignoring_conflicts(self.session, Counter, ["oa_id", "prefix"],
                                                       oa_id=self.oa_id, prefix=prefix, value=0))
        value = self.session.scalar(update(Counter).where(Counter.oa_id == self.oa_id, Counter.prefix == prefix)
                                    .values(value=Counter.value + 1).returning(Counter.value))
        return f"{prefix}-{value:04d}"

    def create(self, prefix: str, kind: str, user_id: str, answers: dict, channel: str | None,
               consent_at: datetime | None = None, urgent: bool = False,
               at: datetime | None = None) -> ServiceRequest:
        now = at or utcnow()
        row = ServiceRequest(oa_id=self.oa_id, code=self.next_code(prefix), kind=kind, user_id=user_id,
                             status="moi", channel=channel, answers=json.dumps(answers, ensure_ascii=False),
                             consent_at=consent_at, urgent=urgent, created_at=now, updated_at=now)
        self.session.add(row)
        self.session.flush()
        return row

    def all(self) -> list[ServiceRequest]:
        return list(self.session.scalars(select(ServiceRequest).where(ServiceRequest.oa_id == self.oa_id)
                                         .order_by(ServiceRequest.created_at, ServiceRequest.id)))

    def of_user(self, user_id: str) -> list[ServiceRequest]:
        """One resident's requests, oldest first."""
        return list(self.session.scalars(select(ServiceRequest).where(
            ServiceRequest.oa_id == self.oa_id, ServiceRequest.user_id == user_id).order_by(ServiceRequest.id)))

    def set_status(self, request_id: int | None, status: str) -> None:
        if request_id is not None:
            self.session.execute(update(ServiceRequest).where(ServiceRequest.id == request_id)
                                 .values(status=status, updated_at=utcnow()))

    def latest_open(self, user_id: str, kind: str, since: datetime) -> ServiceRequest | None:
        """The user's newest open request of a kind made since a time (an emergency still going on)."""
        return self.session.scalar(select(ServiceRequest).where(
            ServiceRequest.oa_id == self.oa_id, ServiceRequest.user_id == user_id, ServiceRequest.kind == kind,
            ServiceRequest.status.in_(("moi", "dang_xu_ly")), ServiceRequest.created_at >= since)
            .order_by(ServiceRequest.id.desc()).limit(1))

    def set_answers(self, row: ServiceRequest, answers: dict) -> None:
        row.answers, row.updated_at = json.dumps(answers, ensure_ascii=False), utcnow()

    def answers_of(self, request_id: int | None) -> dict:
        """A request's answers (opened from their seal); {} for none."""
        row = self.session.get(ServiceRequest, request_id) if request_id is not None else None
        return json.loads(row.answers or "{}") if row is not None and row.oa_id == self.oa_id else {}

    def by_code(self, code: str) -> ServiceRequest | None:
        return self.session.scalar(select(ServiceRequest).where(
            ServiceRequest.oa_id == self.oa_id, ServiceRequest.code == code.upper()))
