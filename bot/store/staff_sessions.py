"""Dashboard sessions: the browser's cookie holds a random token, the database only its SHA-256, so a
session ends everywhere once revoked (logout, a new password, removal), and a leaked table opens nothing."""
from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from bot.store.models import StaffSession


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class StaffSessionRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def open(self, token: str, zalo_id: str, now: datetime) -> None:
        self.session.add(StaffSession(token_hash=hash_token(token), oa_id=self.oa_id, zalo_id=zalo_id,
                                      created_at=now, last_seen_at=now))

    def find_live(self, token: str, seen_after: datetime) -> StaffSession | None:
        """This OA's session for the token, unless it was revoked or not used since `seen_after`."""
        return self.session.scalar(select(StaffSession).where(
            StaffSession.token_hash == hash_token(token), StaffSession.oa_id == self.oa_id,
            StaffSession.revoked_at.is_(None), StaffSession.last_seen_at > seen_after))

    def touch(self, token: str, now: datetime) -> None:
        self.session.execute(update(StaffSession).where(StaffSession.token_hash == hash_token(token))
                             .values(last_seen_at=now).execution_options(synchronize_session=False))

    def revoke(self, token: str, now: datetime) -> None:
        self.session.execute(update(StaffSession).where(
            StaffSession.token_hash == hash_token(token), StaffSession.revoked_at.is_(None))
            .values(revoked_at=now).execution_options(synchronize_session=False))

    def revoke_all(self, zalo_id: str, now: datetime) -> int:
        """End every session of a staff member (a new password, removal); return how many were live."""
        result = self.session.execute(update(StaffSession).where(
            StaffSession.oa_id == self.oa_id, StaffSession.zalo_id == zalo_id, StaffSession.revoked_at.is_(None))
            .values(revoked_at=now).execution_options(synchronize_session=False))
        return result.rowcount

    def forget_ended(self, zalo_id: str, seen_before: datetime) -> None:
        """Delete a staff member's revoked sessions and those unused since `seen_before` (they open nothing)."""
        self.session.execute(delete(StaffSession).where(
            StaffSession.oa_id == self.oa_id, StaffSession.zalo_id == zalo_id,
            or_(StaffSession.revoked_at.is_not(None), StaffSession.last_seen_at <= seen_before))
            .execution_options(synchronize_session=False))
