"""Webhook intake without Flask: verify, parse, persist once, then answer. Nothing slow before the answer."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Callable, Mapping

from bot import signature
from bot.events import MalformedEvent, parse_event
from bot.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict


def _reject(status: int, reason: str) -> Answer:
    return Answer(status, {"status": "rejected", "reason": reason})


def receive(raw: bytes, headers: Mapping[str, str], *, app_id: str, oa_secret_key: str, store: Store,
            max_bytes: int = 1024 * 1024, on_stored: Callable[[], None] | None = None) -> Answer:
    """Handle one webhook delivery and return the HTTP answer for Zalo."""
    if len(raw) > max_bytes:
        return _reject(413, "body larger than 1 MiB")
    header = headers.get("X-ZEvent-Signature")
    if not header:
        if raw.strip() == b"{}":
            return Answer(200, {"status": "ok"})  # Zalo's save-time probe
        return _reject(401, "missing X-ZEvent-Signature")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return _reject(400, "body is not valid JSON")
    timestamp = body.get("timestamp") if isinstance(body, dict) else None
    if timestamp is None:
        timestamp = headers.get("X-ZEvent-Timestamp", "")
    if not signature.verify(app_id, raw, str(timestamp), oa_secret_key, header):
        log.warning("webhook signature mismatch (check ZALO_APP_ID and ZALO_OA_SECRET_KEY)")
        return _reject(401, "signature does not match")
    try:
        event = parse_event(body)
    except MalformedEvent as exc:
        return _reject(400, str(exc))
    try:
        stored = store.record_event(event.dedupe_key, event.name, event.user_id, raw.decode("utf-8"))
    except Exception:  # noqa: BLE001 - database down: Zalo must deliver again
        log.exception("could not store webhook event")
        return Answer(503, {"status": "unavailable", "reason": "database unavailable, retry later"})
    if stored and on_stored:
        on_stored()
    return Answer(200, {"status": "ok" if stored else "duplicate"})
