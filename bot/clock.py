"""Time as the ward lives it: Asia/Ho_Chi_Minh is UTC+7 with no daylight saving. Every column stores
naive UTC; what residents and staff read is local. The one place that knows the offset."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

VIETNAM_OFFSET = timedelta(hours=7)


def utcnow() -> datetime:
    """The current UTC time as a naive datetime (the form every column stores)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def local(now_utc: datetime) -> datetime:
    return now_utc + VIETNAM_OFFSET


def utc(local_time: datetime) -> datetime:
    return local_time - VIETNAM_OFFSET


def local_day(now_utc: datetime) -> date:
    """The calendar day in Vietnam at that UTC time."""
    return local(now_utc).date()
