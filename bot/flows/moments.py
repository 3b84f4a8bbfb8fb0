"""A moment as a leader writes it: «7:00 25/11», «sáng mai 7h», «20h30 hôm nay», «2026-11-25 07:00». Pure."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from bot.flows.text import strip_diacritics

DAY_WORDS = {"hom nay": 0, "nay": 0, "ngay mai": 1, "mai": 1, "ngay kia": 2, "mot": 2}
AFTERNOON = ("chieu", "toi", "dem")
CLOCK = re.compile(r"(\d{1,2})\s*(?:h|g|gio|:)\s*(\d{2})?(?!\d)|(\d{1,2})\s*(?=sang|chieu|toi|trua|dem)")
ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[ t](\d{1,2}):(\d{2})")
DAY = re.compile(r"(?<![\d:])(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{2}|\d{4}))?(?![\d:])")


def parse_moment(text: str, now_local: datetime) -> datetime | None:
    """The local date and time meant, or None when there is no time in it or it is not a real date.
    Without a day: today, or tomorrow when that hour has passed."""
    said = " ".join(strip_diacritics(text or "").lower().split())
    if iso := ISO.search(said):
        year, month, day, hour, minute = (int(g) for g in iso.groups())
        return _make(date_or_none(year, month, day), hour, minute)
    day = _day(said, now_local)
    without_day = DAY.sub(" ", said)
    clock = CLOCK.search(without_day)
    if clock is None:
        return None
    hour = int(clock.group(1) or clock.group(3))
    minute = int(clock.group(2) or 0)
    if hour < 12 and any(word in re.split(r"\W+", said) for word in AFTERNOON):
        hour += 12
    if day is False:
        return None
    if day is None:
        moment = _make(now_local.date(), hour, minute)
        if moment is not None and moment <= now_local:
            moment += timedelta(days=1)
        return moment
    return _make(day, hour, minute)


def _day(said: str, now_local: datetime) -> date | None | bool:
    """The day named (None: none named; False: a date that does not exist)."""
    if match := DAY.search(said):
        day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
        year = (2000 + int(year) if len(year) == 2 else int(year)) if year else now_local.year
        found = date_or_none(year, month, day)
        if found is None:
            return False
        if not match.group(3) and found < now_local.date() - timedelta(days=60):
            found = date_or_none(year + 1, month, day) or found  # «25/1» written in December
        return found
    words = " " + " ".join(re.split(r"\W+", said)) + " "
    for phrase, offset in sorted(DAY_WORDS.items(), key=lambda item: -len(item[0])):
        if f" {phrase} " in words:
            return now_local.date() + timedelta(days=offset)
    return None


def date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _make(day: date | None, hour: int, minute: int) -> datetime | None:
    if day is None or not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return datetime(day.year, day.month, day.day, hour, minute)
