"""Dates as residents write them: 15/08/2024, 5/8/24, 15-8-2024, "15 tháng 8 năm 2024", "hôm nay", "5/11" or
"mùng 5 tháng 11" with no year; and for a day ahead (an appointment) also "thứ bảy", "chủ nhật tuần sau"."""
from __future__ import annotations

import re
from datetime import date, timedelta

from bot.flows.text import normalize

RELATIVE = {"hom nay": 0, "bay gio": 0, "hom qua": -1, "hom kia": -2, "ngay mai": 1, "mai": 1, "ngay kia": 2}
# Monday is 0, as date.weekday() counts.
WEEKDAYS = {"thu 2": 0, "thu hai": 0, "thu 3": 1, "thu ba": 1, "thu 4": 2, "thu tu": 2, "thu 5": 3, "thu nam": 3,
            "thu 6": 4, "thu sau": 4, "thu 7": 5, "thu bay": 5, "chu nhat": 6, "cn": 6}
NEXT_WEEK = ("tuan sau", "tuan toi")


def _year(raw: str, today: date) -> int:
    year = int(raw)
    if len(raw) == 2:
        century = today.year // 100 * 100
        year = century + year if century + year <= today.year + 10 else century - 100 + year
    return year


def _weekday(said: str, today: date) -> date | None:
    """«thứ bảy» (this one, today included), «thứ hai tuần sau» (in next week, Monday to Sunday)."""
    words = re.sub(r"^(?:buoi )?(?:sang|trua|chieu|toi) ", "", said)  # «sáng thứ bảy»: the part is asked next
    words = words.removeprefix("vao ").removeprefix("ngay ")
    later = next((w for w in NEXT_WEEK if words.endswith(" " + w)), None)
    if later:
        words = words[:-len(later) - 1]
    words = words.removesuffix(" tuan nay").removesuffix(" nay")  # the longer first: «thứ hai tuần này»
    if words not in WEEKDAYS:
        return None
    if later:
        return today - timedelta(days=today.weekday()) + timedelta(days=7 + WEEKDAYS[words])
    return today + timedelta(days=(WEEKDAYS[words] - today.weekday()) % 7)


def _yearless(said: str):
    return (re.fullmatch(r"(?:ngay )?(?:mung |mong )?(\d{1,2})\s*[/.\-]\s*(\d{1,2})", said)
            or re.fullmatch(r"(?:ngay )?(?:mung |mong )?(\d{1,2}) thang (\d{1,2})", said))


def has_no_year(text: str) -> bool:
    """The date is written as a day and month only («5/11»)."""
    return _yearless(normalize(text)) is not None


def _nearest(day: int, month: int, today: date, ahead: bool) -> date | None:
    """A day and month with no year: the next such day (`ahead`, today included) or the latest one."""
    for year in ((today.year, today.year + 1) if ahead else (today.year, today.year - 1)):
        try:
            found = date(year, month, day)
        except ValueError:  # not a day of that year (29/2), or not a day at all (31/4)
            continue
        if (found >= today) if ahead else (found <= today):
            return found
    return None


def parse_date(text: str, today: date, ahead: bool = False) -> date | None:
    """Return the date, or None when it is not a real calendar date (e.g. 32/13/2024). A day and month
    with no year («5/11», «mùng 5 tháng 11») is the latest such day, or with `ahead` (an appointment: the
    day asked for is to come) the next one; `ahead` also reads a weekday («thứ bảy tuần sau»)."""
    said = normalize(text)
    if said in RELATIVE:
        return today + timedelta(days=RELATIVE[said])
    if ahead and (day := _weekday(said, today)) is not None:
        return day
    if yearless := _yearless(said):
        return _nearest(int(yearless.group(1)), int(yearless.group(2)), today, ahead)
    match = (re.fullmatch(r"(?:ngay )?(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{2}|\d{4})", said)
             or re.fullmatch(r"(?:ngay )?(\d{1,2}) thang (\d{1,2}) (?:nam )?(\d{2}|\d{4})", said))
    if not match:
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", text.strip())
    if not match:
        return None
    day, month, year = int(match.group(1)), int(match.group(2)), _year(match.group(3), today)
    try:
        return date(year, month, day)
    except ValueError:
        return None
