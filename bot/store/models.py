"""Typed SQLAlchemy 2.0 models. Every row is scoped by OA id so one deployment can serve several OAs."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import BigInteger, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit id.
Id = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    """Return the current UTC time as a naive datetime (the form every column stores)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Event(Base):
    """One webhook delivery from Zalo, stored before the 200 and processed later by the worker."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("oa_id", "dedupe_key", name="uq_events_dedupe"),
        Index("ix_events_status_id", "status", "id"),
        Index("ix_events_user", "oa_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    dedupe_key: Mapped[str] = mapped_column(String(255))
    event_name: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    raw: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Member(Base):
    """A Zalo user of this OA as the bot knows them: interaction window and reachability."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("oa_id", "user_id", name="uq_members_user"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    is_follower: Mapped[bool] = mapped_column(default=False)
    last_interaction_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    unreachable_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    unreachable_reason: Mapped[str | None] = mapped_column(String(255), nullable=True)
    unreachable_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class OutboxMessage(Base):
    """A message the bot decided to send, written before sending so a crash loses nothing."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_zalo_id", "oa_id", "zalo_message_id"),
        Index("ix_outbox_user", "oa_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    group_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    event_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    zalo_message_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class ZaloToken(Base):
    """The OA's current access/refresh token pair; the refresh token is single-use."""

    __tablename__ = "zalo_tokens"

    oa_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    refreshed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    refresh_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    refresh_lease_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class Staff(Base):
    """A leader or volunteer of the neighborhood, known by their Zalo user id in this OA."""

    __tablename__ = "staff"
    __table_args__ = (UniqueConstraint("oa_id", "zalo_id", name="uq_staff_zalo"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    zalo_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class StaffReply(Base):
    """A message a person sent from the OA console (an oa_send_* the bot did not send)."""

    __tablename__ = "staff_replies"
    __table_args__ = (Index("ix_staff_replies_user", "oa_id", "user_id", "at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    msg_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    event_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Conversation(Base):
    """Where a user is in a guided conversation; saved on every step so a restart loses nothing."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("oa_id", "user_id", name="uq_conversations_user"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ServiceRequest(Base):
    """A submitted procedure, report, handoff or appointment: what the leader counts and follows up."""

    __tablename__ = "requests"
    __table_args__ = (
        UniqueConstraint("oa_id", "code", name="uq_requests_code"),
        Index("ix_requests_created", "oa_id", "created_at"),
        Index("ix_requests_user", "oa_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="moi")
    channel: Mapped[str | None] = mapped_column(String(16), nullable=True)
    answers: Mapped[str] = mapped_column(Text, default="{}")
    consent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Counter(Base):
    """The last number handed out per reference-code prefix (KS-0042)."""

    __tablename__ = "counters"

    oa_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
