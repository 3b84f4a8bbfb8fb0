"""Find an open report of the same thing: the same category, and within about 100 m (both sent a location)
or at the same typed address (house number and street, compared without marks or case)."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass

from bot.flows.maps import point_of
from bot.flows.text import normalize
from bot.store import UnitOfWork
from bot.store.models import ServiceRequest

NEAR_METRES = 100
EARTH_RADIUS_METRES = 6_371_000
# Words residents put before an address that say nothing about the place («ở số 5», «nhà số 5», «tại»).
FILLER_WORDS = {"so", "nha", "o", "tai", "dia", "chi", "truoc", "cua", "gan"}


@dataclass(frozen=True)
class Duplicate:
    request: ServiceRequest
    reporters: int  # the author and those who follow it already


def find_duplicate(uow: UnitOfWork, kind: str, answers: dict) -> Duplicate | None:
    """The newest open report of `kind` like these answers; None when there is none (or nothing to compare)."""
    category = answers.get("category")
    place = answers.get("location") or ""
    if not category or not place:
        return None
    for row in uow.requests.open_of_kind(kind):
        other = _answers(row)
        if other.get("category") == category and same_place(place, other.get("location") or ""):
            return Duplicate(row, 1 + uow.requests.follower_count(row.id))
    return None


def same_place(a: str, b: str) -> bool:
    """Two stored locations name the same place: two coordinates within NEAR_METRES, or the same address."""
    here, there = point_of(a), point_of(b)
    if here and there:
        return distance_metres(here, there) <= NEAR_METRES
    key = address_key(a)
    return here is None and there is None and bool(key) and key == address_key(b)


def distance_metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine): close enough for a neighbourhood."""
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(math.sqrt(h))


def address_key(typed: str) -> str:
    """A typed address reduced to its house number and street («Số 5 ngõ 12 Hoa Lư» → «5 ngo 12 hoa lu»);
    empty without a number, since «đầu ngõ» alone names no one place."""
    words = [w for w in normalize(typed).split() if w not in FILLER_WORDS]
    return " ".join(words) if any(w.isdigit() for w in words) else ""


def _answers(row: ServiceRequest) -> dict:
    try:
        data = json.loads(row.answers or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
