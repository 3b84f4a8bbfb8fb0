"""Dates as residents write them: 15/08/2024, 5/8/24, 15-8-2024, "15 tháng 8 năm 2024", "hôm nay"; and for a
day ahead (an appointment) also "thứ bảy", "chủ nhật tuần sau", "25/11" with no year."""
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


def parse_date(text: str, today: date, ahead: bool = False) -> date | None:
    """Return the date, or None when it is not a real calendar date (e.g. 32/13/2024). `ahead`: the day
    asked for is to come (an appointment), so a weekday and a day and month with no year are read too."""
    said = normalize(text)
    if said in RELATIVE:
        return today + timedelta(days=RELATIVE[said])
    if ahead:
        if (day := _weekday(said, today)) is not None:
            return day
        yearless = (re.fullmatch(r"(?:ngay )?(?:mung |mong )?(\d{1,2})\s*[/.\-]\s*(\d{1,2})", said)
                    or re.fullmatch(r"(?:ngay )?(?:mung |mong )?(\d{1,2}) thang (\d{1,2})", said))
        if yearless:
            try:
                day = date(today.year, int(yearless.group(2)), int(yearless.group(1)))
            except ValueError:
                return None
            if day < today:
                try:
                    day = day.replace(year=today.year + 1)
                except ValueError:  # 29/2, gone this year, and no 29/2 next year
                    return None
            return day
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
