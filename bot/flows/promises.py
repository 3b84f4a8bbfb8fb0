"""When the tổ promised to answer a request: created time + N working hours (config/schedule.yaml
`working_time`, each procedure's `promise`), in Vietnam time, skipping nights, days off and holidays.
Pure: every time in and out is naive UTC, as the columns store it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot import texts
from bot.clock import local, utc

DAY_NAMES = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")  # how Vietnamese write Monday … Sunday
NEAR = timedelta(hours=2)  # «Sắp đến hạn»: at most this many working hours left
_FAR = 400  # days searched for the next working day before giving up (a file with no working day is refused)


@dataclass(frozen=True)
class WorkingTime:
    """The days and hours the tổ works (local hours, start before end), and the days it does not."""

    days: frozenset[int] = frozenset(range(6))  # date.weekday(): Monday 0 … Saturday 5
    start: int = 7
    end: int = 21
    holidays: frozenset[date] = frozenset()

    def works_on(self, day: date) -> bool:
        return day.weekday() in self.days and day not in self.holidays

    def opening(self, day: date) -> datetime:
        return datetime.combine(day, time(self.start))

    def closing(self, day: date) -> datetime:
        return datetime.combine(day, time()) + timedelta(hours=self.end)


@dataclass(frozen=True)
class Promise:
    """A procedure's `promise`: within `working_hours` (`urgent_working_hours` for an urgent one), or by the
    close of the working day it arrives on (`same_day`)."""

    working_hours: int | None = None
    urgent_working_hours: int | None = None
    same_day: bool = False


def _working_moment(moment: datetime, working: WorkingTime) -> datetime:
    """The first local moment from `moment` on when the tổ is at work."""
    day = moment.date()
    for _ in range(_FAR):
        if working.works_on(day) and moment < working.closing(day):
            return max(moment, working.opening(day))
        day += timedelta(days=1)
        moment = working.opening(day)
    raise ValueError("no working day within a year")


def _round_up_to_hour(moment: datetime) -> datetime:
    whole = moment.replace(minute=0, second=0, microsecond=0)
    return whole if whole == moment else whole + timedelta(hours=1)


def due_at(created: datetime, promise: Promise | None, working: WorkingTime, urgent: bool = False) -> datetime | None:
    """The UTC time the answer is due (on the hour, so what residents read is what is stored); None for
    no promise."""
    if promise is None:
        return None
    cursor = _working_moment(local(created), working)
    if promise.same_day:
        return utc(working.closing(cursor.date()))
    hours = promise.urgent_working_hours if urgent and promise.urgent_working_hours else promise.working_hours
    left = timedelta(hours=hours or 0)
    for _ in range(_FAR):
        available = working.closing(cursor.date()) - cursor
        if left <= available:
            return utc(_round_up_to_hour(cursor + left))
        left -= available
        cursor = _working_moment(working.closing(cursor.date()), working)
    raise ValueError("the promise reaches past a year of working days")


def working_time_between(start: datetime, end: datetime, working: WorkingTime) -> timedelta:
    """Working time from one UTC moment to a later one (zero when `end` is not later)."""
    cursor, until, total = local(start), local(end), timedelta()
    while cursor < until:
        cursor = _working_moment(cursor, working)
        if cursor >= until:
            break
        closing = working.closing(cursor.date())
        total += min(closing, until) - cursor
        cursor = closing
    return total


def promise_state(due: datetime | None, now: datetime, working: WorkingTime, answered: bool = False) -> str:
    """"overdue", "near" (at most NEAR working time left) or "" (in time, answered, or no promise)."""
    if due is None or answered:
        return ""
    if now >= due:
        return "overdue"
    return "near" if working_time_between(now, due, working) <= NEAR else ""


def answered_in_time(due: datetime | None, answered_at: datetime | None, now: datetime) -> bool | None:
    """Whether a person answered by the promised time: None when it cannot be said yet (no promise, or
    not answered and not yet past the promise). The «gặp người» handovers are judged the same way."""
    if due is None or (answered_at is None and now <= due):
        return None
    return answered_at is not None and answered_at <= due


def promise_text(due: datetime, today: date) -> str:
    """«Tổ sẽ trả lời bác trước 17h ngày mai ạ.» (hôm nay, ngày mai, or the weekday and date)."""
    when = local(due)
    if when.date() == today:
        day = texts.PROMISE_TODAY
    elif when.date() == today + timedelta(days=1):
        day = texts.PROMISE_TOMORROW
    else:
        weekday = texts.PROMISE_WEEKDAYS[when.weekday()]
        day = texts.PROMISE_ON.format(weekday=weekday, date=f"{when.day}/{when.month}")
    return texts.PROMISE.format(hour=f"{when.hour}h", day=day)
