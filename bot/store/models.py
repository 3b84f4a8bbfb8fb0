"""Typed SQLAlchemy 2.0 models. Every row is scoped by OA id so one deployment can serve several OAs."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Index, Integer, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.clock import utcnow  # noqa: F401 - the models' default, and where the store takes it from
from bot.store.sealed import Sealed

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit id.
Id = BigInteger().with_variant(Integer(), "sqlite")




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
    raw: Mapped[str] = mapped_column(Sealed)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(80), nullable=True)  # the worker process (workers.id)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Member(Base):
    """A Zalo user of this OA as the bot knows them: interaction window and reachability."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("oa_id", "user_id", name="uq_members_user"),
                      Index("ix_members_phone", "oa_id", "phone_fingerprint"))

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(Sealed, nullable=True)  # the Zalo profile name
    is_follower: Mapped[bool] = mapped_column(default=False)
    last_interaction_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    unreachable_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    unreachable_reason: Mapped[str | None] = mapped_column(String(255), nullable=True)
    unreachable_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    announcements_off: Mapped[bool] = mapped_column(default=False)  # said «dừng nhận tin»
    unfollowed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)  # inactive: never messaged
    name_checked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)  # Zalo user detail asked
    household_id: Mapped[int | None] = mapped_column(Id, nullable=True)  # set when a leader confirms registration
    household_role: Mapped[str | None] = mapped_column(String(64), nullable=True)
    member_since: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    full_name: Mapped[str | None] = mapped_column(Sealed, nullable=True)  # as registered («đăng ký thành viên»)
    phone: Mapped[str | None] = mapped_column(Sealed, nullable=True)
    phone_fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)  # keyed hash, to find by phone
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class OutboxMessage(Base):
    """A message the bot decided to send, written before sending so a crash loses nothing."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_zalo_id", "oa_id", "zalo_message_id"),
        Index("ix_outbox_user", "oa_id", "user_id", "id"),
        Index("ix_outbox_group", "oa_id", "group_id", "id"),  # a group's earlier messages (send in order)
        Index("ix_outbox_about", "oa_id", "about_user_id"),  # copies to staff about a resident (erasure)
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    group_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    event_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    about_user_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the resident a staff copy quotes
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Sealed)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(80), nullable=True)  # the worker sending it (workers.id)
    zalo_message_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    error_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class WorkerProcess(Base):
    """A running worker process. It claims events and outbox rows under its id and beats every few
    seconds; the rows of one that stopped beating (or whose process is gone) go back to the queue."""

    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # host:pid:random
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


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
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)  # dashboard login
    on_duty_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)  # said «trực»
    off_duty_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)  # said «nghỉ»
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class StaffReply(Base):
    """A message a person sent from the OA console (an oa_send_* the bot did not send)."""

    __tablename__ = "staff_replies"
    __table_args__ = (Index("ix_staff_replies_user", "oa_id", "user_id", "at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    msg_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    text: Mapped[str | None] = mapped_column(Sealed, nullable=True)
    event_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Conversation(Base):
    """Where a user is in a guided conversation; saved on every step so a restart loses nothing."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("oa_id", "user_id", name="uq_conversations_user"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(Sealed)
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
    answers: Mapped[str] = mapped_column(Sealed, default="{}")
    consent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    assignee_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    follow_up_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    urgent: Mapped[bool] = mapped_column(default=False, server_default=false())  # an emergency: listed first
    # when the tổ promised to answer (bot/flows/promises.py); None: no promise (older requests, handovers)
    due_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Counter(Base):
    """The last number handed out per reference-code prefix (KS-0042)."""

    __tablename__ = "counters"

    oa_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Handoff(Base):
    """A chat handed to a person: waiting for a volunteer, claimed by one, or closed."""

    __tablename__ = "handoffs"
    __table_args__ = (
        Index("ix_handoffs_user", "oa_id", "user_id", "status"),
        Index("ix_handoffs_volunteer", "oa_id", "volunteer_id", "status"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    procedure_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    source: Mapped[str] = mapped_column(String(16), default="resident")  # resident | console
    status: Mapped[str] = mapped_column(String(16), default="waiting")  # waiting | claimed | closed
    volunteer_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    notified_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_staff_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Shift(Base):
    """A volunteer's place on the roster: a part of the day (sang/chieu/toi), every day or one weekday."""

    __tablename__ = "shifts"
    __table_args__ = (UniqueConstraint("oa_id", "staff_zalo_id", "weekday", "part", name="uq_shifts"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    staff_zalo_id: Mapped[str] = mapped_column(String(64))
    weekday: Mapped[int] = mapped_column(Integer, default=-1)  # 0 = Monday … 6 = Sunday, -1 = every day
    part: Mapped[str] = mapped_column(String(16))


class Appointment(Base):
    """Help booked at the community house or at home, in one part of one day."""

    __tablename__ = "appointments"
    __table_args__ = (Index("ix_appointments_day", "oa_id", "day", "part", "status"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[int] = mapped_column(Id)
    user_id: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    part: Mapped[str] = mapped_column(String(16))
    place: Mapped[str] = mapped_column(String(16))  # nha_van_hoa | tai_nha
    volunteer_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="booked")  # booked | cancelled | done
    reminded_evening_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    reminded_hour_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RequestChange(Base):
    """One line of a request's history: who changed what, when, from what to what (or a private note)."""

    __tablename__ = "request_changes"
    __table_args__ = (Index("ix_request_changes_request", "oa_id", "request_id", "at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[int] = mapped_column(Id)
    actor_id: Mapped[str] = mapped_column(String(64))  # staff zalo id, "resident" or "system"
    actor_name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))  # created | status | assignee | note | reopened
    old: Mapped[str | None] = mapped_column(Sealed, nullable=True)
    new: Mapped[str | None] = mapped_column(Sealed, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PendingNotice(Base):
    """A message for a resident outside Zalo's 7-day window: delivered when they next write."""

    __tablename__ = "pending_notices"
    __table_args__ = (Index("ix_pending_notices_user", "oa_id", "user_id", "delivered_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Sealed)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class LoginThrottle(Base):
    """Failed dashboard logins per account, to slow down guessing."""

    __tablename__ = "login_throttle"

    oa_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_failed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    told_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)  # leaders told of the failures


class StaffSession(Base):
    """One dashboard login: the cookie holds a random token, the database its hash; revoked on logout,
    on a password change (every session of that staff member) and when the staff member is removed."""

    __tablename__ = "staff_sessions"
    __table_args__ = (Index("ix_staff_sessions_staff", "oa_id", "zalo_id"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    zalo_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class NameWord(Base):
    """One word of a person's name (Zalo profile, registered name, a name typed in a request) as a keyed
    hash of its normalised form: the dashboard finds people by name without names in plain text."""

    __tablename__ = "name_words"
    __table_args__ = (Index("ix_name_words_word", "oa_id", "word_hash"), Index("ix_name_words_user", "oa_id", "user_id"))

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    word_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[int | None] = mapped_column(Id, nullable=True)


class MemberGroup(Base):
    """A member's place in a named group («cán bộ», «người cao tuổi», «khu A»): announcement targets."""

    __tablename__ = "member_groups"
    __table_args__ = (UniqueConstraint("oa_id", "name_key", "user_id", name="uq_member_groups"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(64))       # as the leader wrote it
    name_key: Mapped[str] = mapped_column(String(64))   # without diacritics or case, for matching
    user_id: Mapped[str] = mapped_column(String(64))


class NamedGroup(Base):
    """A group as the leader named it; it stays (empty or not) until deleted, as does its Zalo tag."""

    __tablename__ = "named_groups"
    __table_args__ = (UniqueConstraint("oa_id", "name_key", name="uq_named_groups"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(64))       # as first written; also the Zalo tag's name
    name_key: Mapped[str] = mapped_column(String(64))   # without diacritics or case, for matching
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Announcement(Base):
    """A ward notice: its text, who it is for, when it goes, and where sending stands."""

    __tablename__ = "announcements"
    __table_args__ = (Index("ix_announcements_due", "oa_id", "status", "send_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    groups: Mapped[str] = mapped_column(Text, default="")  # JSON list of group names; [] = all members
    zalo_groups: Mapped[str] = mapped_column(Text, default="")  # JSON list of GMF group ids
    urgent: Mapped[bool] = mapped_column(default=False)
    # draft → scheduled → sending → done; cancelled from draft or scheduled
    status: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(64))  # a leader's Zalo id, or "cli"
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    send_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)  # UTC; also after a quiet-hours pause
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # A photo uploaded on the dashboard, kept here: Zalo's attachment id of an upload lasts about 7 days,
    # less than a notice may wait for a resident, so the sender uploads it again when that id is old.
    image_data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    image_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    image_attachment_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    image_uploaded_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # A sign-up: the event as residents read it, its start (UTC) and how many people may come (None: no limit)
    signup_title: Mapped[str | None] = mapped_column(Text, nullable=True)
    event_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    signup_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reminded_evening_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    reminded_hour_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Signup(Base):
    """One resident's answer to an announcement's sign-up: going (with how many people), on the waiting
    list (ordered by `queued_at`), cancelled or not taking part."""

    __tablename__ = "signups"
    __table_args__ = (UniqueConstraint("announcement_id", "user_id", name="uq_signups_user"),
                      Index("ix_signups_user", "oa_id", "user_id"))

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    announcement_id: Mapped[int] = mapped_column(Id)
    user_id: Mapped[str] = mapped_column(String(64))
    people: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16))  # going | waiting | cancelled | declined
    queued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)  # the waiting list's order
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Delivery(Base):
    """One announcement to one member (or one Zalo group), written before anything is sent."""

    __tablename__ = "announcement_deliveries"
    __table_args__ = (UniqueConstraint("announcement_id", "recipient", name="uq_delivery_recipient"),
                      Index("ix_deliveries_status", "announcement_id", "status"),
                      Index("ix_deliveries_user", "oa_id", "recipient", "status"))

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    announcement_id: Mapped[int] = mapped_column(Id)
    recipient: Mapped[str] = mapped_column(String(80))  # a member's user id, or "group:<GMF group id>"
    # pending → queued (outbox rows written) → sent | failed; waiting (outside the 7-day window) →
    # delivered (on their next message); opted_out
    status: Mapped[str] = mapped_column(String(16))
    outbox_ids: Mapped[str | None] = mapped_column(String(64), nullable=True)  # "12" or "12,13" (text, photo)
    error_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error_message: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditEntry(Base):
    """A staff member saw or exported residents' personal data: who, what, when (leaders read these)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "oa_id", "at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    staff_id: Mapped[str] = mapped_column(String(64))
    staff_name: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(32))  # view_request | export_csv | export_xlsx
    target: Mapped[str] = mapped_column(String(255))  # a request code, or how many rows and which filters
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Household(Base):
    """A household of the neighborhood's household map (imported from the leader's CSV)."""

    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("oa_id", "address_fingerprint", name="uq_households_address"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    head_name: Mapped[str] = mapped_column(Sealed)
    address: Mapped[str] = mapped_column(Sealed)
    address_fingerprint: Mapped[str] = mapped_column(String(64))  # keyed hash of the normalized address
    area: Mapped[str] = mapped_column(String(64), default="")
    floors: Mapped[int | None] = mapped_column(Integer, nullable=True)
    people: Mapped[int | None] = mapped_column(Integer, nullable=True)
    phone: Mapped[str | None] = mapped_column(Sealed, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Consent(Base):
    """A member agreed to give personal data: for what, when, and the exact text they were shown."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_user", "oa_id", "user_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(64))  # the procedure the data is for
    text_shown: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ReportFollower(Base):
    """A resident who follows someone else's report of the same thing instead of filing their own: told
    when its status changes, counted on the leader's request page."""

    __tablename__ = "report_followers"
    __table_args__ = (UniqueConstraint("oa_id", "request_id", "user_id", name="uq_report_followers"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[int] = mapped_column(Id)
    user_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RequestClosing(Base):
    """A request marked done: the proof the staff member attached (a photo from chat by its Zalo URL, or one
    uploaded on the dashboard, and a short note; none of them: closed without proof) and the resident's
    rating of how it was handled (1-3)."""

    __tablename__ = "request_closings"
    __table_args__ = (Index("ix_request_closings_request", "oa_id", "request_id"),
                      Index("ix_request_closings_closed", "oa_id", "closed_at"))

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[int] = mapped_column(Id)
    by_id: Mapped[str] = mapped_column(String(64))
    by_name: Mapped[str] = mapped_column(String(128), default="")
    note: Mapped[str | None] = mapped_column(Sealed, nullable=True)  # may name the resident or their address
    photo_url: Mapped[str | None] = mapped_column(Text, nullable=True)  # a photo staff sent in chat
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # a photo uploaded on the dashboard
    photo_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    closed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def has_proof(self) -> bool:
        return bool(self.note or self.photo_url or self.photo)
