"""What the neighborhood holds about one member, and erasing it («xóa dữ liệu của tôi»).

Erasure keeps what statistics need (a request's kind, status, channel and dates) under an anonymous
id, and removes or blanks everything the person typed or was sent."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, delete, func, literal, or_, select, update
from sqlalchemy.orm import Session

from bot.events import echo_keys
from bot.store.models import (
    Announcement,
    Appointment,
    AuditEntry,
    Consent,
    Conversation,
    Delivery,
    Event,
    Handoff,
    Member,
    MemberGroup,
    OutboxMessage,
    PendingNotice,
    ReportFollower,
    RequestChange,
    RequestClosing,
    ServiceRequest,
    Signup,
    StaffReply,
)
from bot.store.name_index import NameIndexRepository

ANONYMOUS_PREFIX = "da-xoa-"
REDACTED = "[đã xóa]"
MIN_REDACTED = 4  # shorter values (a house number, «An») would blank unrelated words
ANONYMOUS = ANONYMOUS_PREFIX + "{n}"


class ErasureRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def erase(self, user_id: str, values: list[str] = ()) -> str:
        """Erase the member's personal data everywhere, the copies sent to staff about them included, and
        blank `values` (their names, phone, CCCD, what they typed) where others' texts quote them: staff's
        waiting notices, announcements not yet sent, the audit log. Return the anonymous id their
        requests keep."""
        oa = self.oa_id
        member = self.session.scalar(select(Member).where(Member.oa_id == oa, Member.user_id == user_id))
        anonymous = ANONYMOUS.format(n=member.id if member else user_id[-6:])
        request_ids = select(ServiceRequest.id).where(ServiceRequest.oa_id == oa, ServiceRequest.user_id == user_id)
        self.session.execute(update(RequestChange).where(
            RequestChange.oa_id == oa, RequestChange.request_id.in_(request_ids), RequestChange.kind == "note")
            .values(old=None, new=None))
        self.session.execute(update(RequestClosing).where(  # the proof may show or name them
            RequestClosing.oa_id == oa, RequestClosing.request_id.in_(request_ids))
            .values(note=None, photo_url=None, photo=None))
        self.session.execute(update(ServiceRequest).where(ServiceRequest.oa_id == oa, ServiceRequest.user_id == user_id)
                             .values(user_id=anonymous, answers="{}"))
        for model in (Handoff, Appointment):
            self.session.execute(update(model).where(model.oa_id == oa, model.user_id == user_id)
                                 .values(user_id=anonymous))
        self.session.execute(update(Event).where(Event.oa_id == oa, Event.user_id == user_id)
                             .values(raw="{}", user_id=anonymous))
        self.session.execute(update(OutboxMessage).where(OutboxMessage.oa_id == oa, OutboxMessage.user_id == user_id,
                                                         OutboxMessage.status.in_(("queued", "sending")))
                             .values(status="failed", error_message="erased at the member's request"))
        self.session.execute(update(OutboxMessage).where(OutboxMessage.oa_id == oa, OutboxMessage.user_id == user_id)
                             .values(payload="{}", user_id=anonymous))
        about = (OutboxMessage.oa_id == oa) & (OutboxMessage.about_user_id == user_id)
        sent = list(self.session.scalars(select(OutboxMessage.zalo_message_id).where(
            about, OutboxMessage.zalo_message_id.is_not(None))))
        for keys in (echo_keys(sent[i:i + 100]) for i in range(0, len(sent), 100)):  # Zalo's echoes of those copies
            self.session.execute(update(Event).where(Event.oa_id == oa, Event.dedupe_key.in_(keys)).values(raw="{}"))
        self.session.execute(update(OutboxMessage).where(about, OutboxMessage.status.in_(("queued", "sending")))
                             .values(status="failed", error_message="erased at the member's request"))
        self.session.execute(update(OutboxMessage).where(about).values(payload="{}", about_user_id=anonymous))
        NameIndexRepository(self.session, oa).forget_user(user_id)
        self._redact(values)
        for model in (Conversation, StaffReply, PendingNotice, MemberGroup, Consent, ReportFollower, Signup):
            self.session.execute(delete(model).where(model.oa_id == oa, model.user_id == user_id))
        self.session.execute(delete(Delivery).where(Delivery.oa_id == oa, Delivery.recipient == user_id,
                                                    or_(Delivery.status == "waiting", Delivery.status == "pending")))
        if member is not None:
            member.display_name = ""  # empty, not unknown: the name job does not fetch it again
            member.household_id, member.household_role, member.member_since = None, None, None
            member.full_name, member.phone, member.phone_fingerprint = None, None, None
        return anonymous

    def _redact(self, values) -> None:
        """Blank each value (longest first) where it is quoted in texts about someone else."""
        oa = self.oa_id
        values = sorted({v.strip() for v in values if v and len(v.strip()) >= MIN_REDACTED}, key=len, reverse=True)
        if not values:
            return
        for notice in self.session.scalars(select(PendingNotice).where(PendingNotice.oa_id == oa,
                                                                       PendingNotice.delivered_at.is_(None))):
            text = notice.text
            for value in values:
                text = text.replace(value, REDACTED)
            if text != notice.text:
                notice.text = text
        for value in values:
            for model, column, where in (
                    (Announcement, Announcement.text, Announcement.status.in_(("draft", "scheduled"))),
                    (AuditEntry, AuditEntry.target, literal(True))):
                self.session.execute(update(model).where(model.oa_id == oa, where, column.contains(value, autoescape=True))
                                     .values({column: func.replace(column, value, REDACTED)}))

    def expire(self, cutoff: datetime, keep_dedupe_after: datetime | None = None) -> int:
        """Retention: personal data older than `cutoff` goes; requests stay counted. Events received
        after `keep_dedupe_after` lose their content but keep their row, whose dedupe key refuses a
        replay of the same body. Return requests made anonymous."""
        oa = self.oa_id
        old = (ServiceRequest.oa_id == oa) & (ServiceRequest.created_at < cutoff) \
            & ServiceRequest.user_id.not_like(ANONYMOUS_PREFIX + "%")
        ids = select(ServiceRequest.id).where(old)
        self.session.execute(update(RequestChange).where(
            RequestChange.oa_id == oa, RequestChange.request_id.in_(ids), RequestChange.kind == "note")
            .values(old=None, new=None))
        NameIndexRepository(self.session, oa).forget_requests(ids)
        result = self.session.execute(update(ServiceRequest).where(old).values(
            answers="{}", user_id=literal(ANONYMOUS_PREFIX + "r") + cast(ServiceRequest.id, String)))
        kept = (Event.oa_id == oa) & (Event.received_at < cutoff)
        if keep_dedupe_after is not None and keep_dedupe_after < cutoff:
            self.session.execute(update(Event).where(kept, Event.received_at >= keep_dedupe_after)
                                 .values(raw="{}", user_id=None))
            kept = kept & (Event.received_at < keep_dedupe_after)
        self.session.execute(delete(Event).where(kept))
        for model, column in ((OutboxMessage, OutboxMessage.created_at),
                              (StaffReply, StaffReply.at), (PendingNotice, PendingNotice.created_at),
                              (Conversation, Conversation.updated_at), (Signup, Signup.updated_at)):
            self.session.execute(delete(model).where(model.oa_id == oa, column < cutoff))
        return result.rowcount
