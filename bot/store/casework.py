"""The leader's view of requests: filtered lists, history, counts for statistics."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from bot.store.models import RequestChange, ServiceRequest, utcnow
from bot.store.name_index import NameIndexRepository

OPEN = ("moi", "dang_xu_ly", "cho_bo_sung")


@dataclass(frozen=True)
class RequestFilter:
    kind: str | None = None
    status: str | None = None
    channel: str | None = None
    assignee: str | None = None  # a staff zalo id, or "none" for unassigned
    since: datetime | None = None  # UTC
    until: datetime | None = None  # UTC, exclusive
    search: str | None = None  # reference code or resident name
    visible_to: str | None = None  # a volunteer sees their own and unassigned requests only


class CaseworkRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def get(self, request_id: int) -> ServiceRequest | None:
        row = self.session.get(ServiceRequest, request_id)
        return row if row is not None and row.oa_id == self.oa_id else None

    def find(self, f: RequestFilter, limit: int = 500) -> list[ServiceRequest]:
        """Requests matching the filter: open emergencies first, then the newest first."""
        query = select(ServiceRequest).where(ServiceRequest.oa_id == self.oa_id)
        for column, value in ((ServiceRequest.kind, f.kind), (ServiceRequest.status, f.status),
                              (ServiceRequest.channel, f.channel)):
            if value:
                query = query.where(column == value)
        if f.assignee == "none":
            query = query.where(ServiceRequest.assignee_id.is_(None))
        elif f.assignee:
            query = query.where(ServiceRequest.assignee_id == f.assignee)
        if f.visible_to:
            query = query.where(or_(ServiceRequest.assignee_id == f.visible_to, ServiceRequest.assignee_id.is_(None)))
        if f.since:
            query = query.where(ServiceRequest.created_at >= f.since)
        if f.until:
            query = query.where(ServiceRequest.created_at < f.until)
        if f.search:
            people, typed_in = NameIndexRepository(self.session, self.oa_id).matching(f.search)
            query = query.where(or_(ServiceRequest.code.ilike(f"%{f.search.strip()}%"),
                                    ServiceRequest.user_id.in_(people), ServiceRequest.id.in_(typed_in)))
        urgent_open = and_(ServiceRequest.urgent, ServiceRequest.status.in_(OPEN))
        order = (case((urgent_open, 0), else_=1), ServiceRequest.created_at.desc(), ServiceRequest.id.desc())
        return list(self.session.scalars(query.order_by(*order).limit(limit)))

    def open_oldest_first(self, limit: int = 20) -> list[ServiceRequest]:
        """Open requests: emergencies first, then the oldest first."""
        return list(self.session.scalars(select(ServiceRequest).where(
            ServiceRequest.oa_id == self.oa_id, ServiceRequest.status.in_(OPEN))
            .order_by(ServiceRequest.urgent.desc(), ServiceRequest.created_at, ServiceRequest.id).limit(limit)))

    def record(self, request_id: int, actor_id: str, actor_name: str, kind: str,
               old: str | None = None, new: str | None = None) -> None:
        self.session.add(RequestChange(oa_id=self.oa_id, request_id=request_id, actor_id=actor_id,
                                       actor_name=actor_name, kind=kind, old=old, new=new, at=utcnow()))

    def history(self, request_id: int) -> list[RequestChange]:
        return list(self.session.scalars(select(RequestChange).where(
            RequestChange.oa_id == self.oa_id, RequestChange.request_id == request_id).order_by(RequestChange.id)))

    def counts(self, column_name: str, since: datetime | None = None,
               until: datetime | None = None) -> dict[str, int]:
        """How many requests per kind, status or channel in a period."""
        column = getattr(ServiceRequest, column_name)
        query = select(column, func.count()).where(ServiceRequest.oa_id == self.oa_id)
        if since:
            query = query.where(ServiceRequest.created_at >= since)
        if until:
            query = query.where(ServiceRequest.created_at < until)
        return {key or "": n for key, n in self.session.execute(query.group_by(column))}

    def created_between(self, since: datetime, until: datetime) -> list[ServiceRequest]:
        return list(self.session.scalars(select(ServiceRequest).where(
            ServiceRequest.oa_id == self.oa_id, ServiceRequest.created_at >= since,
            ServiceRequest.created_at < until)))

    def finished_between(self, since: datetime, until: datetime) -> int:
        """Requests moved to «đã xong» in a period."""
        return self.session.scalar(select(func.count(func.distinct(RequestChange.request_id))).where(
            RequestChange.oa_id == self.oa_id, RequestChange.kind == "status", RequestChange.new == "da_xong",
            RequestChange.at >= since, RequestChange.at < until)) or 0

    def due_follow_ups(self, now: datetime) -> list[ServiceRequest]:
        return list(self.session.scalars(select(ServiceRequest).where(
            ServiceRequest.oa_id == self.oa_id, ServiceRequest.follow_up_at.is_not(None),
            ServiceRequest.follow_up_at <= now)))
