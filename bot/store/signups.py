"""Residents' answers to an announcement's sign-up: who comes, with how many people, who waits."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store.models import Announcement, Delivery, Signup

GOING, WAITING, CANCELLED, DECLINED = "going", "waiting", "cancelled", "declined"


class SignupRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def get(self, announcement_id: int, user_id: str) -> Signup | None:
        return self.session.scalar(select(Signup).where(
            Signup.oa_id == self.oa_id, Signup.announcement_id == announcement_id, Signup.user_id == user_id))

    def add(self, announcement_id: int, user_id: str, people: int, status: str, now: datetime) -> Signup:
        row = Signup(oa_id=self.oa_id, announcement_id=announcement_id, user_id=user_id, people=people,
                     status=status, queued_at=now, created_at=now, updated_at=now)
        self.session.add(row)
        self.session.flush()
        return row

    def seats_taken(self, announcement_id: int) -> int:
        """People coming: the sum over those going."""
        return self.session.scalar(select(func.coalesce(func.sum(Signup.people), 0)).where(
            Signup.announcement_id == announcement_id, Signup.status == GOING)) or 0

    def waiting_line(self, announcement_id: int) -> list[Signup]:
        """The waiting list, first in line first."""
        return list(self.session.scalars(select(Signup).where(
            Signup.announcement_id == announcement_id, Signup.status == WAITING)
            .order_by(Signup.queued_at, Signup.id)))

    def position(self, signup: Signup) -> int:
        """1 for the first on the waiting list."""
        ahead = self.session.scalar(select(func.count(Signup.id)).where(
            Signup.announcement_id == signup.announcement_id, Signup.status == WAITING,
            (Signup.queued_at < signup.queued_at)
            | ((Signup.queued_at == signup.queued_at) & (Signup.id < signup.id)))) or 0
        return ahead + 1

    def listing(self, announcement_id: int) -> list[Signup]:
        """Everyone who answered: going first (in the order they signed up), then the waiting list in its
        order, then those who cancelled or said no."""
        order = {GOING: 0, WAITING: 1, CANCELLED: 2, DECLINED: 3}
        rows = list(self.session.scalars(select(Signup).where(
            Signup.oa_id == self.oa_id, Signup.announcement_id == announcement_id)))
        return sorted(rows, key=lambda r: (order.get(r.status, 9), r.queued_at, r.id))

    def counts(self, announcement_id: int) -> dict[str, tuple[int, int]]:
        """status → (answers, people)."""
        rows = self.session.execute(select(Signup.status, func.count(), func.coalesce(func.sum(Signup.people), 0))
                                    .where(Signup.announcement_id == announcement_id).group_by(Signup.status))
        return {status: (answers, people) for status, answers, people in rows}

    def going(self, announcement_id: int) -> list[Signup]:
        return list(self.session.scalars(select(Signup).where(
            Signup.announcement_id == announcement_id, Signup.status == GOING).order_by(Signup.id)))

    def open_for(self, user_id: str, now: datetime) -> list[Announcement]:
        """Sign-ups this member can still answer: sent to them (or answered by them already), not yet
        held, oldest first."""
        received = select(Delivery.announcement_id).where(
            Delivery.oa_id == self.oa_id, Delivery.recipient == user_id,
            Delivery.status.in_(("queued", "sent", "delivered")))
        answered = select(Signup.announcement_id).where(Signup.oa_id == self.oa_id, Signup.user_id == user_id)
        return list(self.session.scalars(select(Announcement).where(
            Announcement.oa_id == self.oa_id, Announcement.signup_title.is_not(None),
            Announcement.status.in_(("sending", "done")), Announcement.event_at > now,
            Announcement.id.in_(received.union(answered))).order_by(Announcement.id)))

    def received(self, announcement_id: int, user_id: str) -> bool:
        """The announcement went out to this member."""
        return self.session.scalar(select(Delivery.id).where(
            Delivery.oa_id == self.oa_id, Delivery.announcement_id == announcement_id,
            Delivery.recipient == user_id, Delivery.status.in_(("queued", "sent", "delivered"))).limit(1)) is not None

    def with_event_between(self, start: datetime, end: datetime) -> list[Announcement]:
        """Sign-up announcements (sent) whose event starts in [start, end): the reminders' candidates."""
        return list(self.session.scalars(select(Announcement).where(
            Announcement.oa_id == self.oa_id, Announcement.signup_title.is_not(None),
            Announcement.status.in_(("sending", "done")),
            Announcement.event_at >= start, Announcement.event_at < end).order_by(Announcement.event_at)))

    def erase_user(self, user_id: str) -> int:
        rows = list(self.session.scalars(select(Signup).where(Signup.oa_id == self.oa_id, Signup.user_id == user_id)))
        for row in rows:
            self.session.delete(row)
        return len(rows)
