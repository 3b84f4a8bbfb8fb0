"""Office hours and who is on duty now: pure functions over local time, the roster and «trực»/«nghỉ»; and
the staff every emergency and report reaches."""
from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import local, utc
from bot.flows.catalog import DayPart


def in_office_hours(now_utc: datetime, hours: tuple[int, int]) -> bool:
    start, end = hours
    return start <= local(now_utc).hour < end


def next_opening(now_utc: datetime, hours: tuple[int, int]) -> str:
    """When someone will answer, in words: «sáng nay từ 7h» or «sáng mai từ 7h»."""
    start, _end = hours
    return f"sáng nay từ {start}h" if local(now_utc).hour < start else f"sáng mai từ {start}h"


def end_of_office_day(now_utc: datetime, hours: tuple[int, int]) -> datetime:
    """UTC time the current office day closes (used by «trực» and «nghỉ»)."""
    today = local(now_utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return utc(today + timedelta(hours=hours[1]))


def part_at(now_utc: datetime, parts: tuple[DayPart, ...]) -> DayPart | None:
    hour = local(now_utc).hour
    return next((p for p in parts if p.start <= hour < p.end), None)


def on_duty(volunteers, shifts, now_utc: datetime, parts: tuple[DayPart, ...],
            hours: tuple[int, int]) -> list[str]:
    """Zalo ids of volunteers on duty now: said «trực» today, or rostered now and not said «nghỉ»."""
    if not in_office_hours(now_utc, hours):
        return []
    part, weekday = part_at(now_utc, parts), local(now_utc).weekday()
    rostered = {s.staff_zalo_id for s in shifts if part and s.part == part.key and s.weekday in (-1, weekday)}
    ids = []
    for staff in volunteers:
        said_on = staff.on_duty_until is not None and now_utc < staff.on_duty_until
        said_off = staff.off_duty_until is not None and now_utc < staff.off_duty_until
        if said_on or (staff.zalo_id in rostered and not said_off):
            ids.append(staff.zalo_id)
    return ids
