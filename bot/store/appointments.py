"""Appointments: help booked in one part of one day, from booked to done (or cancelled)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot.store.models import Appointment, Counter, ServiceRequest, utcnow
from bot.store.upsert import insert_ignoring_conflicts

BOOKED = "booked"


class AppointmentRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def _query(self):
        return select(Appointment).where(Appointment.oa_id == self.oa_id)

    def book(self, request_id: int, user_id: str, day: date, part: str, place: str,
             volunteer_id: str | None, at: datetime | None = None) -> Appointment:
        """Book one place in that part of that day; `at` is when (the handler's clock, UTC)."""
        row = Appointment(oa_id=self.oa_id, request_id=request_id, user_id=user_id, day=day, part=part,
                          place=place, volunteer_id=volunteer_id, status=BOOKED, created_at=at or utcnow())
        self.session.add(row)
        self.session.flush()
        return row

    def lock_day(self, day: date) -> None:
        """Hold that day's booking lock until this transaction ends, so two residents taking the last
        place of a part at the same moment are served one after the other (the second sees it full).
        The lock is a row of the counters table, keyed by the day's ordinal."""
        key = f"@{day.toordinal()}"
        self.session.execute(insert_ignoring_conflicts(self.session, Counter, ["oa_id", "prefix"],
                                                       oa_id=self.oa_id, prefix=key, value=0))
        self.session.execute(update(Counter).where(Counter.oa_id == self.oa_id, Counter.prefix == key)
                             .values(value=Counter.value + 1))

    def booked_per_part(self, day: date) -> dict[str, int]:
        """How many appointments each part of `day` holds (cancelled ones free their place)."""
        rows = self.session.execute(
            select(Appointment.part, func.count()).where(Appointment.oa_id == self.oa_id, Appointment.day == day,
                                                         Appointment.status != "cancelled")
            .group_by(Appointment.part))
        return {part: count for part, count in rows}

    def for_day(self, day: date, volunteer_id: str | None = None) -> list[Appointment]:
        """The day's appointments that were not cancelled, optionally only one volunteer's."""
        query = self._query().where(Appointment.day == day, Appointment.status != "cancelled")
        if volunteer_id is not None:
            query = query.where(Appointment.volunteer_id == volunteer_id)
        return list(self.session.scalars(query.order_by(Appointment.id)))

    def upcoming_for_user(self, user_id: str, today: date) -> list[Appointment]:
        """The resident's bookings from today on, nearest first."""
        return list(self.session.scalars(self._query().where(
            Appointment.user_id == user_id, Appointment.status == BOOKED, Appointment.day >= today)
            .order_by(Appointment.day, Appointment.id)))

    def by_code(self, code: str) -> Appointment | None:
        """The appointment of the request with this reference code (DL-0003)."""
        return self.session.scalar(self._query().join(ServiceRequest, ServiceRequest.id == Appointment.request_id)
                                   .where(ServiceRequest.oa_id == self.oa_id, ServiceRequest.code == code.upper())
                                   .order_by(Appointment.id.desc()).limit(1))

    def request_of(self, appointment: Appointment) -> ServiceRequest | None:
        return self.session.get(ServiceRequest, appointment.request_id)

    def set_status(self, appointment: Appointment, status: str) -> None:
        """booked → cancelled or done."""
        appointment.status = status
        self.session.flush()

    def awaiting_reminders(self, first_day: date, last_day: date) -> list[Appointment]:
        """Bookings between the two days (inclusive) with a reminder not yet sent."""
        return list(self.session.scalars(self._query().where(
            Appointment.status == BOOKED, Appointment.day >= first_day, Appointment.day <= last_day,
            or_(Appointment.reminded_evening_at.is_(None), Appointment.reminded_hour_at.is_(None)))
            .order_by(Appointment.day, Appointment.id)))

    def mark_reminded(self, appointment: Appointment, now: datetime, evening: bool = False,
                      hour: bool = False) -> None:
        """Record a reminder as sent (or as no longer worth sending); the first time is kept."""
        if evening:
            appointment.reminded_evening_at = appointment.reminded_evening_at or now
        if hour:
            appointment.reminded_hour_at = appointment.reminded_hour_at or now
