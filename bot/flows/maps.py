"""A location a resident sent, as a link to OpenStreetMap. Only numbers the bot wrote itself go into the
address, never the stored text: anything that is not two coordinates on Earth is shown as stored, as text."""
from __future__ import annotations

import re

OPENSTREETMAP = "https://www.openstreetmap.org/?mlat={lat}&mlon={lng}#map=18/{lat}/{lng}"
# A coordinate as Zalo sends it and the bot stores it: a plain decimal; no «1e1», «nan» or «inf» (float() takes them)
DECIMAL = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{1,15})?")


def location_map_url(stored: object) -> str | None:
    """The map link of a stored location (see `point_of`); None when it is not one."""
    point = point_of(stored)
    if point is None:
        return None
    lat, lng = (f"{value:.6f}".rstrip("0").rstrip(".") for value in point)  # about 10 cm
    return OPENSTREETMAP.format(lat=lat, lng=lng)


def point_of(stored: object) -> tuple[float, float] | None:
    """(latitude, longitude) of a stored location: «lat,lng» text (a procedure's answer, an emergency's) or
    Zalo's {"latitude": …, "longitude": …}; None for anything else (a typed address)."""
    if isinstance(stored, dict):
        pair = [stored.get("latitude"), stored.get("longitude")]
    elif isinstance(stored, str):
        pair = [part.strip() for part in stored.split(",")]
    else:
        return None
    if len(pair) != 2:
        return None
    lat, lng = _coordinate(pair[0], 90), _coordinate(pair[1], 180)
    return (lat, lng) if lat is not None and lng is not None else None


def _coordinate(value: object, limit: int) -> float | None:
    """The value as a number within ±limit, or None."""
    if isinstance(value, str) and DECIMAL.fullmatch(value):
        value = float(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not -limit <= value <= limit:
        return None  # also nan
    return float(value)
