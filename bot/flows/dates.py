"""Dates as residents write them: 15/08/2024, 5/8/24, 15-8-2024, "15 tháng 8 năm 2024", "hôm nay"."""
from __future__ import annotations

import re
from datetime import date, timedelta

from bot.flows.text import normalize

RELATIVE = {"hom nay": 0, "bay gio": 0, "hom qua": -1, "hom kia": -2, "ngay mai": 1, "mai": 1, "ngay kia": 2}


def _year(raw: str, today: date) -> int:
    year = int(raw)
    if len(raw) == 2:
        century = today.year // 100 * 100
        year = century + year if century + year <= today.year + 10 else century - 100 + year
    return year


def parse_date(text: str, today: date) -> date | None:
    """Return the date, or None when it is not a real calendar date (e.g. 32/13/2024)."""
    said = normalize(text)
    if said in RELATIVE:
        return today + timedelta(days=RELATIVE[said])
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
