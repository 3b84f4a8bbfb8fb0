"""Requests residents submit, with reference codes like KS-0042."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.store.casework import OPEN
from bot.store.models import Counter, ReportFollower, RequestClosing, ServiceRequest, utcnow
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

    # --- reports of the same thing, and the residents who follow them (issue 28) -------------------
    def open_of_kind(self, kind: str, limit: int = 500) -> list[ServiceRequest]:
        """Open requests of a kind, newest first (their answers are sealed: the caller compares them)."""
        return list(self.session.scalars(select(ServiceRequest).where(
            ServiceRequest.oa_id == self.oa_id, ServiceRequest.kind == kind,
            ServiceRequest.status.in_(OPEN))
            .order_by(ServiceRequest.id.desc()).limit(limit)))

    def add_follower(self, request_id: int, user_id: str, at: datetime | None = None) -> None:
        """The resident follows the request (once; its author needs no row)."""
        self.session.execute(insert_ignoring_conflicts(
            self.session, ReportFollower, ["oa_id", "request_id", "user_id"], oa_id=self.oa_id,
            request_id=request_id, user_id=user_id, created_at=at or utcnow()))

    def followers_of(self, request_id: int) -> list[str]:
        """Zalo ids of the residents following a request, first to follow first."""
        return list(self.session.scalars(select(ReportFollower.user_id).where(
            ReportFollower.oa_id == self.oa_id, ReportFollower.request_id == request_id)
            .order_by(ReportFollower.id)))

    def follower_count(self, request_id: int) -> int:
        return self.session.scalar(select(func.count()).select_from(ReportFollower).where(
            ReportFollower.oa_id == self.oa_id, ReportFollower.request_id == request_id)) or 0

    # --- closings: the proof a request was closed with, and its rating (issue 28) ---------------------------
    def add_closing(self, request_id: int, by_id: str, by_name: str, at: datetime, note: str = "",
                    photo_url: str = "", photo: bytes | None = None, photo_type: str = "") -> RequestClosing:
        row = RequestClosing(oa_id=self.oa_id, request_id=request_id, by_id=by_id, by_name=by_name[:128],
                             note=note.strip()[:1000] or None, photo_url=photo_url or None, photo=photo or None,
                             photo_type=photo_type[:64] or None, closed_at=at)
        self.session.add(row)
        self.session.flush()
        return row

    def closing(self, closing_id: int) -> RequestClosing | None:
        row = self.session.get(RequestClosing, closing_id)
        return row if row is not None and row.oa_id == self.oa_id else None

    def latest_closing(self, request_id: int) -> RequestClosing | None:
        return self.session.scalar(select(RequestClosing).where(
            RequestClosing.oa_id == self.oa_id, RequestClosing.request_id == request_id)
            .order_by(RequestClosing.id.desc()).limit(1))

    def rate_closing(self, request_id: int, score: int, at: datetime) -> None:
        """Keep the resident's rating on the request's latest closing."""
        closing = self.latest_closing(request_id)
        if closing is not None:
            closing.rating, closing.rated_at = score, at

    def ratings_between(self, since: datetime, until: datetime) -> list[tuple[str, int]]:
        """(kind, score) of each closing rated, for requests closed in [since, until)."""
        return [tuple(row) for row in self.session.execute(select(ServiceRequest.kind, RequestClosing.rating).join(
            ServiceRequest, ServiceRequest.id == RequestClosing.request_id).where(
            RequestClosing.oa_id == self.oa_id, RequestClosing.rating.is_not(None),
            RequestClosing.closed_at >= since, RequestClosing.closed_at < until))]

    # --- promised times (bot/flows/promises.py) -------------------------------------------------------
    def promised_between(self, since: datetime, until: datetime) -> list[ServiceRequest]:
        """Requests with a promise (due_at) made in [since, until)."""
        return list(self.session.scalars(select(ServiceRequest).where(
            ServiceRequest.oa_id == self.oa_id, ServiceRequest.due_at.is_not(None),
            ServiceRequest.created_at >= since, ServiceRequest.created_at < until)))

    def first_answers(self, request_ids: list[int]) -> dict[int, datetime]:
        """When a person first answered each request: moved it on from «Mới», or gave it to someone (the
        old and new values are sealed, so they are compared here, not in SQL)."""
        from bot.store.models import RequestChange
        changes = self.session.scalars(select(RequestChange).where(
            RequestChange.oa_id == self.oa_id, RequestChange.request_id.in_(request_ids),
            RequestChange.kind.in_(("status", "assignee")),
            RequestChange.actor_id.not_in(("resident", "system"))).order_by(RequestChange.at, RequestChange.id))
        answered: dict[int, datetime] = {}
        for change in changes:
            if (change.kind == "status" and change.old == "moi") or (change.kind == "assignee" and change.new):
                answered.setdefault(change.request_id, change.at)
        return answered
