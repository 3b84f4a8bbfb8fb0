"""The OA's token pair. A short lease makes one process at a time spend the single-use refresh token."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from bot.store.models import ZaloToken, utcnow
from bot.store.upsert import insert_ignoring_conflicts


class TokenRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def get(self) -> ZaloToken | None:
        return self.session.get(ZaloToken, self.oa_id, populate_existing=True)

    def seed(self, access_token: str, refresh_token: str, expires_at: datetime) -> ZaloToken:
        """Store the configured pair only when the database holds none yet."""
        self.session.execute(insert_ignoring_conflicts(
            self.session, ZaloToken, ["oa_id"], oa_id=self.oa_id, access_token=access_token,
            refresh_token=refresh_token, expires_at=expires_at, version=0))
        return self.get()

    def replace(self, access_token: str, refresh_token: str, expires_at: datetime) -> None:
        """A new pair from the OA's admin (the app authorised again): it replaces whatever is stored, a
        refresh failure is forgotten, and the version moves on so no process refreshes the old pair."""
        if self.get() is None:
            self.seed(access_token, refresh_token, expires_at)
            return
        self.session.execute(update(ZaloToken).where(ZaloToken.oa_id == self.oa_id).values(
            access_token=access_token, refresh_token=refresh_token, expires_at=expires_at, refreshed_at=utcnow(),
            refresh_error=None, refresh_lease_until=None, version=ZaloToken.version + 1))

    def take_refresh_lease(self, seen_version: int, hold: timedelta) -> bool:
        """Become the one refresher for this version of the pair; False if the pair moved or is leased."""
        now = utcnow()
        result = self.session.execute(
            update(ZaloToken).where(ZaloToken.oa_id == self.oa_id, ZaloToken.version == seen_version,
                                    or_(ZaloToken.refresh_lease_until.is_(None),
                                        ZaloToken.refresh_lease_until < now))
            .values(refresh_lease_until=now + hold))
        return result.rowcount == 1

    def save_refreshed(self, access_token: str, refresh_token: str, expires_at: datetime) -> None:
        """Store the new pair, bump the version and free the lease."""
        self.session.execute(update(ZaloToken).where(ZaloToken.oa_id == self.oa_id).values(
            access_token=access_token, refresh_token=refresh_token, expires_at=expires_at,
            refreshed_at=utcnow(), refresh_error=None, refresh_lease_until=None,
            version=ZaloToken.version + 1))

    def release_lease(self, error: str | None = None) -> None:
        values: dict = {"refresh_lease_until": None}
        if error is not None:
            values["refresh_error"] = error[:2000]
        self.session.execute(update(ZaloToken).where(ZaloToken.oa_id == self.oa_id).values(**values))
