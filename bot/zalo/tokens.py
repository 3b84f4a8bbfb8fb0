"""Access-token lifecycle: seed from config once, refresh before expiry, never spend a refresh token twice."""
from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from bot.store import Store
from bot.store.models import utcnow
from bot.zalo.errors import RefreshFailed, TokenError, TransientError

log = logging.getLogger(__name__)

ACCESS_LIFETIME = timedelta(hours=25)
REFRESH_MARGIN = timedelta(hours=5)
LEASE = timedelta(seconds=30)
CACHE_SECONDS = 5.0


class TokenManager:
    """Hands out the current access token and rotates the pair under a database lease."""

    def __init__(self, store: Store, oauth, seed_access: str, seed_refresh: str,
                 margin: timedelta = REFRESH_MARGIN, wait_seconds: float = 15.0):
        self.store, self.oauth = store, oauth
        self.seed_access, self.seed_refresh = seed_access, seed_refresh
        self.margin, self.wait_seconds = margin, wait_seconds
        self._lock = threading.Lock()
        self._cached: tuple[str, float] | None = None

    def current(self) -> str:
        """Return the access token, refreshing first when it is close to expiry."""
        if self._cached and time.monotonic() - self._cached[1] < CACHE_SECONDS:
            return self._cached[0]
        token = self.load()
        if token.expires_at - utcnow() < self.margin:
            try:
                return self.refresh(failed_token=token.access_token)
            except TokenError:
                log.exception("proactive Zalo token refresh failed; using the current token")
        self._cached = (token.access_token, time.monotonic())
        return token.access_token

    def refresh(self, failed_token: str | None = None) -> str:
        """Rotate the pair unless someone already replaced `failed_token`; return the new access token."""
        with self._lock:
            self._cached = None
            deadline = time.monotonic() + self.wait_seconds
            while True:
                token = self.load()
                if failed_token is not None and token.access_token != failed_token:
                    return token.access_token
                with self.store.unit() as uow:
                    leased = uow.tokens.take_refresh_lease(token.version, LEASE)
                    uow.commit()
                if leased:
                    return self._rotate(token.refresh_token)
                if time.monotonic() > deadline:
                    raise TokenError(None, "another process holds the refresh lease")
                time.sleep(0.1)

    def refresh_if_expiring(self) -> bool:
        """Scheduler job: rotate when the token expires within the margin. True if rotated."""
        token = self.load()
        if token.expires_at - utcnow() >= self.margin:
            return False
        self.refresh(failed_token=token.access_token)
        return True

    def health(self) -> str | None:
        """Return the last refresh failure, or None when tokens are fine."""
        token = self.load()
        return token.refresh_error

    def _rotate(self, refresh_token: str) -> str:
        try:
            pair = self.oauth.refresh(refresh_token)
        except RefreshFailed as exc:
            log.critical("ZALO TOKEN REFRESH REFUSED (%s): an OA admin must authorise the app again", exc.code)
            self._release(error=f"{exc.code}: {exc.message}")
            raise
        except TransientError:
            self._release()
            raise
        with self.store.unit() as uow:
            uow.tokens.save_refreshed(pair.access_token, pair.refresh_token,
                                      utcnow() + timedelta(seconds=pair.expires_in))
            uow.commit()
        log.info("Zalo access token refreshed")
        return pair.access_token

    def _release(self, error: str | None = None) -> None:
        with self.store.unit() as uow:
            uow.tokens.release_lease(error)
            uow.commit()

    def load(self):
        """Return the stored token row, seeding it from config the first time."""
        with self.store.unit() as uow:
            token = uow.tokens.get() or uow.tokens.seed(self.seed_access, self.seed_refresh,
                                                        utcnow() + ACCESS_LIFETIME)
            uow.commit()
            return token
