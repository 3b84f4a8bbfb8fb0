"""Photos leaders and volunteers upload on the dashboard (a closed request's proof, an announcement's
picture): read from the form and checked the same way, and shown inside the page itself."""
from __future__ import annotations

import base64
from dataclasses import dataclass

from flask import request

from bot.admin import texts as t

PHOTO_TYPES = ("image/jpeg", "image/png")
MAX_PHOTO_BYTES = 1_000_000  # Zalo's limit for an uploaded image
STARTS = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


@dataclass(frozen=True)
class Photo:
    data: bytes
    kind: str  # one of PHOTO_TYPES
    name: str


def photo_from_form(field: str) -> Photo | str | None:
    """The photo chosen in `field` (JPG/PNG by its first bytes, not its name; at most 1 MB), None without
    one, else the message saying what is wrong."""
    file = request.files.get(field)
    data = file.read(MAX_PHOTO_BYTES + 1) if file is not None and file.filename else b""
    if not data:
        return None
    kind = next((kind for start, kind in STARTS.items() if data.startswith(start)), None)
    if kind is None:
        return t.PROOF_PHOTO_NOT_IMAGE
    if len(data) > MAX_PHOTO_BYTES:
        return t.PROOF_PHOTO_TOO_BIG
    return Photo(data, kind, file.filename or "anh")


def data_url(data: bytes | None, kind: str | None) -> str | None:
    """A kept photo shown from the page itself (the CSP allows data:, never the dashboard's own addresses)."""
    if not data or kind not in PHOTO_TYPES:
        return None
    return f"data:{kind};base64," + base64.b64encode(data).decode("ascii")
