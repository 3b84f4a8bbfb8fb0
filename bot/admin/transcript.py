"""A resident's conversation with the OA over a time window: what they sent (events) and what the bot sent
(outbox), read leniently: whatever is stored is shown, never a crash on an odd row."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.admin import texts as t
from bot.admin.images import image_source
from bot.flows.maps import location_map_url
from bot.store.models import Event, OutboxMessage  # read-only rows, for type hints

LIMIT = 100
SHOWN_CHARS = 200  # of a value stored in an odd shape (a location that is not two numbers)


@dataclass(frozen=True)
class Line:
    at: datetime
    from_resident: bool
    text: str
    image_url: str | None = None
    failed: bool = False
    map_url: str | None = None  # a location the resident sent, on OpenStreetMap


def transcript(uow, user_id: str, since: datetime | None = None, until: datetime | None = None,
               limit: int = LIMIT, sandbox: bool = False) -> list[Line]:
    """The last `limit` messages both ways from `since` to before `until` (UTC; None: no bound), oldest first."""
    lines = [_resident_line(e, sandbox) for e in uow.events.sent_by_user_between(user_id, limit, since, until)]
    lines += [_bot_line(m, sandbox) for m in uow.outbox.sent_to_between(user_id, limit, since, until)]
    return sorted(lines, key=lambda line: line.at)[-limit:]


def _resident_line(event: Event, sandbox: bool) -> Line:
    """Text as typed; attachments as short tags (an image from Zalo is shown, any other address as text; a
    location of two coordinates is a map link, any other as text)."""
    message = _object(_decoded(event.raw).get("message"))
    listed = message.get("attachments")
    attachments = [a for a in listed if isinstance(a, dict)] if isinstance(listed, list) else []
    text = message.get("text") if isinstance(message.get("text"), str) else None
    image, map_url, shown = None, None, []
    for attachment in attachments:
        kind, payload = str(attachment.get("type", "")), _object(attachment.get("payload"))
        source = image_source(payload.get("url"), sandbox) if kind == "image" else None
        where = payload.get("coordinates") if kind == "location" else None
        place = location_map_url(where) if isinstance(where, dict) else None
        image, map_url = image or source, map_url or place
        if not place:
            shown.append(_tag(kind, payload, source))
    text = "\n".join(filter(None, [text, *shown])) or ("" if map_url else t.ATTACHMENT_OTHER)
    return Line(event.received_at, True, text, image, map_url=map_url)


def _decoded(raw: str | None) -> dict:
    try:
        body = json.loads(raw or "{}")
    except (ValueError, RecursionError):
        return {}
    return _object(body)


def _object(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _tag(kind: str, payload: dict, image: str | None) -> str:
    """A short tag for an attachment; an image address that is not shown is written out as text."""
    if kind == "image":
        url = payload.get("url")
        return t.ATTACHMENT_IMAGE if image or not url else t.ATTACHMENT_IMAGE_ADDRESS.format(url=_as_text(url))
    if kind == "location":
        where = payload.get("coordinates")
        if isinstance(where, dict):
            return t.ATTACHMENT_LOCATION.format(lat=_as_text(where.get("latitude", "?")),
                                                lng=_as_text(where.get("longitude", "?")))
        return t.ATTACHMENT_LOCATION_AS_SENT.format(value=_as_text(where if where is not None else "?"))
    return t.ATTACHMENT_STICKER if kind == "sticker" else t.ATTACHMENT_OTHER


def _as_text(value: object) -> str:
    """Any stored value as a short line of text (a string as is, anything else as JSON)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text[:SHOWN_CHARS]


def _bot_line(message: OutboxMessage, sandbox: bool) -> Line:
    """The text the resident read: a question with its numbered options, an image with its caption."""
    payload = _decoded(message.payload)
    parts = [payload.get("text") or payload.get("title") or payload.get("caption"), payload.get("subtitle")]
    options = payload.get("options") if isinstance(payload.get("options"), list) else []
    parts += [f"{i}. {option}" for i, option in enumerate(options, start=1)]
    address = payload.get("url") or payload.get("image_url")
    image = image_source(address, sandbox)
    if address and not image:
        parts.append(t.ATTACHMENT_IMAGE_ADDRESS.format(url=_as_text(address)))
    text = "\n".join(str(p) for p in parts if p) or (t.ATTACHMENT_IMAGE if image else "")
    return Line(message.created_at, False, text, image, failed=message.status == "failed")
