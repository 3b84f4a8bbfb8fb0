"""A resident's recent conversation with the OA: what they sent (events) and what the bot sent (outbox)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.admin import texts as t
from bot.admin.rows import web_url
from bot.events import MalformedEvent, parse_event
from bot.store.models import Event, OutboxMessage  # read-only rows, for type hints

LIMIT = 100


@dataclass(frozen=True)
class Line:
    at: datetime
    from_resident: bool
    text: str
    image_url: str | None = None
    failed: bool = False


def transcript(uow, user_id: str, limit: int = LIMIT) -> list[Line]:
    """The last `limit` messages both ways, oldest first."""
    lines = [_resident_line(e) for e in uow.events.sent_by_user(user_id, limit)]
    lines += [_bot_line(m) for m in uow.outbox.sent_to(user_id, limit)]
    return sorted(lines, key=lambda line: line.at)[-limit:]


def _resident_line(event: Event) -> Line:
    """Text as typed; attachments as short tags (an image keeps its address)."""
    try:
        parsed = parse_event(json.loads(event.raw))
    except (ValueError, MalformedEvent):
        return Line(event.received_at, True, t.ATTACHMENT_OTHER)
    image = next((a.payload.get("url") for a in parsed.attachments if a.type == "image"), None)
    tags = [_tag(a.type, a.payload) for a in parsed.attachments]
    text = "\n".join(filter(None, [parsed.text, *tags])) or t.ATTACHMENT_OTHER
    return Line(event.received_at, True, text, image if isinstance(image, str) and web_url(image) else None)


def _tag(kind: str, payload: dict) -> str:
    if kind == "image":
        return t.ATTACHMENT_IMAGE
    if kind == "location":
        where = payload.get("coordinates") or {}
        return t.ATTACHMENT_LOCATION.format(lat=where.get("latitude", "?"), lng=where.get("longitude", "?"))
    return t.ATTACHMENT_STICKER if kind == "sticker" else t.ATTACHMENT_OTHER


def _bot_line(message: OutboxMessage) -> Line:
    """The text the resident read: a question with its numbered options, an image with its caption."""
    try:
        payload = json.loads(message.payload)
    except ValueError:
        payload = {}
    parts = [payload.get("text") or payload.get("title") or payload.get("caption"), payload.get("subtitle")]
    parts += [f"{i}. {option}" for i, option in enumerate(payload.get("options") or [], start=1)]
    image = payload.get("url") or payload.get("image_url")
    text = "\n".join(str(p) for p in parts if p) or (t.ATTACHMENT_IMAGE if image else "")
    return Line(message.created_at, False, text, image if isinstance(image, str) and web_url(image) else None,
                failed=message.status == "failed")
