"""Members: the users of the OA with their last interaction and reachability."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import DateTime, bindparam, case, or_, select, update
from sqlalchemy.orm import Session

from bot.store.driver import Hot
from bot.store.models import Consent, Member, utcnow
from bot.store.name_index import NameIndexRepository
from bot.store.sealed import fingerprint

WINDOW = timedelta(days=7)  # Zalo lets the OA message a person only this long after they last interacted


def in_window(member: Member | None, now: datetime) -> bool:
    """The OA may message this member now: they interacted within Zalo's 7-day window."""
    return member is not None and member.last_interaction_at is not None and now - member.last_interaction_at < WINDOW


# Run for every message a resident sends: built once (building a statement costs more than running it).
BY_USER = select(Member).where(Member.oa_id == bindparam("oa_id"), Member.user_id == bindparam("user_id"))
_AT = bindparam("at", type_=DateTime)
INTERACTED = Hot(update(Member).where(Member.oa_id == bindparam("of_oa"), Member.user_id == bindparam("of_user"))
              .values(last_interaction_at=case((or_(Member.last_interaction_at.is_(None),
                                                    Member.last_interaction_at < _AT), _AT),
                                               else_=Member.last_interaction_at),
                      unreachable_code=None, unreachable_reason=None, unreachable_at=None))


class MemberRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def get(self, user_id: str) -> Member | None:
        return self.session.scalar(BY_USER, {"oa_id": self.oa_id, "user_id": user_id})

    def get_or_create(self, user_id: str) -> Member:
        member = self.get(user_id)
        if member is None:
            member = Member(oa_id=self.oa_id, user_id=user_id, created_at=utcnow())
            self.session.add(member)
            self.session.flush()
        return member

    def record_interaction(self, user_id: str, at: datetime) -> None:
        """Move the user's last interaction forward (never back) and clear window errors.

        One UPDATE, with no member loaded (it runs for every message); a member loaded before in
        this unit is read again when next used. A new user becomes a member here."""
        self.session.flush()  # a member added and not yet written must be updated too
        if INTERACTED.rowcount(self.session, {"of_oa": self.oa_id, "of_user": user_id, "at": at}) == 0:
            self.get_or_create(user_id).last_interaction_at = at
            return
        for member in self.session.identity_map.values():
            if isinstance(member, Member) and member.oa_id == self.oa_id and member.user_id == user_id:
                self.session.expire(member)

    def set_follower(self, user_id: str, is_follower: bool, at: datetime | None = None) -> Member:
        """Follow makes (or makes active again) a member; unfollow keeps them, inactive, for history."""
        member = self.get_or_create(user_id)
        member.is_follower = is_follower
        member.unfollowed_at = None if is_follower else (at or utcnow())
        return member

    def without_names(self, checked_before: datetime, limit: int) -> list[Member]:
        """Active members whose Zalo name is unknown and was not asked for since `checked_before`."""
        return list(self.session.scalars(select(Member).where(
            Member.oa_id == self.oa_id, Member.display_name.is_(None), Member.unfollowed_at.is_(None),
            or_(Member.name_checked_at.is_(None), Member.name_checked_at < checked_before))
            .order_by(Member.id).limit(limit)))

    def all_named(self) -> list[Member]:
        """Members with a Zalo or registered name (to index the names once)."""
        return list(self.session.scalars(select(Member).where(
            Member.oa_id == self.oa_id, or_(Member.display_name.is_not(None), Member.full_name.is_not(None)))))

    def set_identity(self, user_id: str, full_name: str | None, phone: str | None) -> Member:
        """The name and phone number the member registered with (sealed; the phone also as a keyed hash)."""
        member = self.get_or_create(user_id)
        member.full_name = (full_name or "").strip()[:255] or None
        NameIndexRepository(self.session, self.oa_id).add(user_id, member.full_name)
        member.phone = phone or None
        member.phone_fingerprint = fingerprint("phone:" + phone) if phone else None
        return member

    def by_phone(self, phone: str) -> list[Member]:
        """Members registered with this phone number (a household may share one)."""
        return list(self.session.scalars(select(Member).where(
            Member.oa_id == self.oa_id, Member.phone_fingerprint == fingerprint("phone:" + phone)).order_by(Member.id)))

    def mark_unreachable(self, user_id: str, code: int, reason: str) -> None:
        member = self.get_or_create(user_id)
        member.unreachable_code = code
        member.unreachable_reason = reason[:255]
        member.unreachable_at = utcnow()

    def set_announcements_off(self, user_id: str, off: bool) -> None:
        """«dừng nhận tin» / «nhận tin lại»."""
        self.get_or_create(user_id).announcements_off = off

    def record_consent(self, user_id: str, purpose: str, text_shown: str, at: datetime) -> None:
        self.session.add(Consent(oa_id=self.oa_id, user_id=user_id, purpose=purpose[:64], text_shown=text_shown, at=at))

    def consents(self, user_id: str) -> list[Consent]:
        return list(self.session.scalars(select(Consent).where(
            Consent.oa_id == self.oa_id, Consent.user_id == user_id).order_by(Consent.id)))
