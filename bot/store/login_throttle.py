"""Dashboard login throttling: failed attempts per key (an account, a client address), counted in one
conditional statement so that simultaneous guesses cannot slip past the count."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import DateTime, case, literal, null, or_, select, update
from sqlalchemy.orm import Session

from bot.store.models import LoginThrottle
from bot.store.upsert import insert_ignoring_conflicts

FREE_ATTEMPTS = 5  # failures on a key before each further attempt has to wait
FORGET_AFTER = timedelta(days=1)  # a key without a failure for this long starts again from 0
KEY_LENGTH = 64  # the width of login_throttle.account


def account_key(account: str) -> str:
    return f"a:{account}"[:KEY_LENGTH]


def address_key(address: str | None) -> str:
    return f"ip:{address or '?'}"[:KEY_LENGTH]


def delay_after(failures: int, cap: timedelta) -> timedelta:
    """The wait after a key's n-th failure: none before the fifth, then 1, 2, 4… seconds, at most `cap`."""
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(failures - FREE_ATTEMPTS, 30)), cap)


class LoginThrottleRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def _is(self, key: str):
        return (LoginThrottle.oa_id == self.oa_id) & (LoginThrottle.account == key[:KEY_LENGTH])

    def _update(self, key: str):
        return update(LoginThrottle).where(self._is(key)).execution_options(synchronize_session=False)

    def claim(self, key: str, now: datetime, cap: timedelta) -> int | None:
        """Count an attempt on `key` as a failure before its password is checked (`forgive` takes it back),
        unless the key's wait is not over; return the key's failures in a row, or None when refused."""
        self.session.execute(insert_ignoring_conflicts(self.session, LoginThrottle, ["oa_id", "account"],
                                                       oa_id=self.oa_id, account=key[:KEY_LENGTH], failures=0))
        row = LoginThrottle
        forgotten = or_(row.last_failed_at.is_(None), row.last_failed_at < now - FORGET_AFTER)
        failures = case((forgotten, 1), else_=row.failures + 1)
        statement = (self._update(key).where(or_(row.locked_until.is_(None), row.locked_until <= now))
                     .values(failures=failures, last_failed_at=now, locked_until=_wait_until(failures, now, cap))
                     .returning(row.failures))
        return self.session.execute(statement).scalar()

    def forgive(self, key: str) -> None:
        """Take back the failure `claim` counted for an attempt whose password was right."""
        row = LoginThrottle
        self.session.execute(self._update(key).where(row.failures > 0).values(
            failures=row.failures - 1,
            locked_until=case((row.failures - 1 < FREE_ATTEMPTS, null()), else_=row.locked_until)))

    def reset(self, key: str) -> None:
        """Start the key again from 0 (its account's owner logged in)."""
        self.session.execute(self._update(key).values(failures=0, locked_until=None, last_failed_at=None))

    def wait_until(self, keys: tuple[str, ...]) -> datetime | None:
        """When the last of these keys may be tried again (None: any time)."""
        waits = self.session.scalars(select(LoginThrottle.locked_until).where(
            LoginThrottle.oa_id == self.oa_id, LoginThrottle.account.in_([k[:KEY_LENGTH] for k in keys]),
            LoginThrottle.locked_until.is_not(None)))
        return max(waits, default=None)

    def note_told(self, key: str, now: datetime, every: timedelta) -> bool:
        """Record that leaders are told of this key's failures now, unless they were within `every`;
        True when they are to be told (one statement: two simultaneous failures tell them once)."""
        row = LoginThrottle
        told = self.session.execute(self._update(key).where(or_(row.told_at.is_(None), row.told_at <= now - every))
                                    .values(told_at=now))
        return told.rowcount == 1


def _wait_until(failures, now: datetime, cap: timedelta):
    """SQL for the end of the wait after `failures` (an SQL expression): the delays are worked out here,
    so the statement needs no date arithmetic, which SQLite and PostgreSQL spell differently."""
    ends, count = {}, FREE_ATTEMPTS
    while delay_after(count, cap) < cap:
        ends[count] = literal(now + delay_after(count, cap), DateTime)
        count += 1
    capped = literal(now + cap, DateTime)
    return case((failures < FREE_ATTEMPTS, null()), else_=case(ends, value=failures, else_=capped))
