"""Webhook intake without Flask: verify, parse, persist once, then answer. Nothing slow before the answer."""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Mapping

from bot.clock import utcnow
from bot.events import MalformedEvent, oa_of, parse_event
from bot.store import Store
from bot.web import signature

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict


@dataclass(frozen=True)
class Receiver:
    """Where one OA's events go: the keys they are signed with and the store that keeps them."""

    app_id: str
    oa_secret_key: str
    store: Store
    on_stored: Callable[[], None] | None = None


# A Zalo event nests four levels deep; anything past this is not an event, and parsing it deeply
# would cost the parser's recursion (100,000 "[" end in a RecursionError).
MAX_NESTING = 32
# Zalo retries a delivery for about two hours (zalo-oa-api.md §2.2); a signed event much older than
# that is a replay. Clocks differ a little: an event this far ahead of ours is refused too.
MAX_AHEAD = timedelta(hours=1)
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def _reject(status: int, reason: str) -> Answer:
    return Answer(status, {"status": "rejected", "reason": reason})


def nesting_depth(raw: bytes) -> int:
    """How deeply the JSON text nests arrays and objects, brackets inside strings not counted;
    read without parsing, so a hostile body costs one linear scan."""
    depth = deepest = 0
    for bracket in _BRACKET.finditer(_STRING.sub(b"", raw)):
        if bracket.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _age_problem(timestamp: str, now: datetime, max_age: timedelta) -> str | None:
    """Why an event's time (epoch milliseconds, digits: parse_event checked) is not acceptable now."""
    event_time = datetime(1970, 1, 1) + timedelta(milliseconds=min(int(timestamp), 10**14))
    if event_time < now - max_age:
        return f"event older than {max_age.total_seconds() / 3600:g} h (timestamp); not accepted again"
    if event_time > now + MAX_AHEAD:
        return "event timestamp is in the future"
    return None


def receive(raw: bytes, headers: Mapping[str, str], *, receiver_for: Callable[[str | None], Receiver | None],
            max_bytes: int = 1024 * 1024, max_age: timedelta = timedelta(hours=24),
            now: Callable[[], datetime] = utcnow) -> Answer:
    """Handle one webhook delivery and return the HTTP answer for Zalo. `receiver_for` names the
    OA's keys and store from the OA id the body carries (None: not an OA served here). A signed
    event whose timestamp is older than `max_age` is refused: a replay, not a retry."""
    if len(raw) > max_bytes:
        return _reject(413, "body larger than 1 MiB")
    header = headers.get("X-ZEvent-Signature")
    if not header:
        if raw.strip() == b"{}":
            return Answer(200, {"status": "ok"})  # Zalo's save-time probe
        return _reject(401, "missing X-ZEvent-Signature")
    if nesting_depth(raw) > MAX_NESTING:
        return _reject(400, f"JSON nested deeper than {MAX_NESTING} levels")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _reject(400, "body is not valid JSON")
    oa_id = oa_of(body)
    receiver = receiver_for(oa_id)
    if receiver is None:
        # Another OA linked to the same Zalo app: its key is not known here, so nothing can be
        # verified or kept. 200, so Zalo does not take the app's webhook for broken.
        log.warning("webhook event for OA %s, which this deployment does not serve (see EXTRA_OAS)", oa_id)
        return Answer(200, {"status": "ignored", "reason": "not an OA served here"})
    timestamp = body.get("timestamp") if isinstance(body, dict) else None
    if timestamp is None:
        timestamp = headers.get("X-ZEvent-Timestamp", "")
    if not signature.verify(receiver.app_id, raw, str(timestamp), receiver.oa_secret_key, header):
        log.warning("webhook signature mismatch (check ZALO_APP_ID and ZALO_OA_SECRET_KEY)")
        return _reject(401, "signature does not match")
    try:
        event = parse_event(body)
    except MalformedEvent as exc:
        return _reject(400, str(exc))
    problem = _age_problem(event.timestamp, now(), max_age)
    if problem:
        log.warning("webhook event refused: %s", problem)
        return _reject(400, problem)
    try:
        stored = receiver.store.record_event(event.dedupe_key, event.name, event.user_id, raw.decode("utf-8"))
    except Exception:  # noqa: BLE001 - database down: Zalo must deliver again
        log.exception("could not store webhook event")
        return Answer(503, {"status": "unavailable", "reason": "database unavailable, retry later"})
    if stored and receiver.on_stored:
        receiver.on_stored()
    return Answer(200, {"status": "ok" if stored else "duplicate"})
