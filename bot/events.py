"""Read a Zalo webhook body into a neutral InboundEvent (who, what, which OA, how to dedupe)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

# Events that open or extend the consultation window (receipts and echoes do not).
INTERACTIONS = {"follow", "user_click_chatnow", "user_submit_info", "user_call_oa"}
RECEIPTS = {"user_seen_message", "user_received_message"}
# The echoes of what the bot sends a resident (zalo-oa-api.md §4): text, image, list, template.
ECHOES_OF_SENT = ("oa_send_text", "oa_send_image", "oa_send_gif", "oa_send_list", "oa_send_file",
                  "oa_send_sticker", "oa_send_template")


# Zalo's own limit on one text message; a longer text (a forged or pasted body) is cut at intake so
# nothing downstream (answers, the staff's copies) carries more.
MAX_TEXT_CHARS = 2000


class MalformedEvent(ValueError):
    """The body is JSON but not a Zalo event we can read."""


@dataclass(frozen=True)
class Attachment:
    type: str
    payload: dict


@dataclass(frozen=True)
class InboundEvent:
    name: str
    user_id: str | None
    oa_id: str | None
    timestamp: str
    msg_id: str | None = None
    text: str | None = None
    attachments: tuple[Attachment, ...] = ()
    info: dict = field(default_factory=dict)
    text_cut: bool = False  # the text was longer than MAX_TEXT_CHARS: only its start is kept

    @property
    def dedupe_key(self) -> str:
        """Same key for redeliveries: the message id, else event + user + timestamp."""
        if self.msg_id:
            return f"{self.name}:{self.msg_id}"
        return f"{self.name}:{self.user_id or '-'}:{self.timestamp}"

    @property
    def is_interaction(self) -> bool:
        return self.name.startswith("user_send_") or self.name in INTERACTIONS

    @property
    def is_receipt(self) -> bool:
        return self.name in RECEIPTS

    @property
    def is_oa_echo(self) -> bool:
        return self.name.startswith("oa_send_")

    @property
    def at(self) -> datetime:
        """The event time as naive UTC (now when the timestamp is unusable)."""
        try:
            millis = int(self.timestamp)
            return datetime.fromtimestamp(millis / 1000, tz=timezone.utc).replace(tzinfo=None)
        except (TypeError, ValueError, OverflowError, OSError):
            return datetime.now(timezone.utc).replace(tzinfo=None)


def echo_keys(zalo_message_ids: list[str]) -> list[str]:
    """The dedupe keys the echoes of these sent messages are stored under (see `dedupe_key`)."""
    return [f"{name}:{msg_id}" for msg_id in zalo_message_ids for name in ECHOES_OF_SENT]


def _id(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
        return str(value)
    return None


def _parties(body: dict, name: str) -> tuple[str | None, str | None]:
    """Return (user_id, oa_id) for the event's shape (see zalo-oa-api.md §4)."""
    if name in {"follow", "unfollow"}:
        return _id(body.get("follower")), _id(body.get("oa_id"))
    if "user_id" in body and "sender" not in body:
        return _id(body.get("user_id")), _id(body.get("oa_id"))
    sender, recipient = _id(body.get("sender")), _id(body.get("recipient"))
    if name.startswith("user_send_") or name in {"user_submit_info", "user_reacted_message", "user_call_oa"}:
        if name not in RECEIPTS:
            return sender, recipient or _id(body.get("oa_id"))
    return recipient, sender or _id(body.get("oa_id"))


def oa_of(body: object) -> str | None:
    """The OA a webhook body is for, read before its signature is checked (the OA decides which
    key signs it); None when the body names none."""
    if not isinstance(body, dict):
        return None
    name = body.get("event_name")
    return _parties(body, name if isinstance(name, str) else "")[1]


def _message_id(message: dict) -> str | None:
    msg_id = _id(message.get("msg_id"))
    ids = message.get("msg_ids")
    if not msg_id and isinstance(ids, list) and ids:
        msg_id = ",".join(str(i) for i in ids)[:200]
    return msg_id


def _is_id(value: object) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool) and 0 < len(str(value)) <= 64


def _check_types(body: dict) -> None:
    """The fields Zalo documents (section 4), when present, must have its types: a signed body that
    does not is refused (400), not stored. Fields the bot does not read are not checked."""
    timestamp = body.get("timestamp")
    if isinstance(timestamp, bool) or not (
            (isinstance(timestamp, int) and timestamp >= 0)
            or (isinstance(timestamp, str) and timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 20)):
        raise MalformedEvent("timestamp must be a string of digits")
    for party in ("sender", "recipient", "follower"):
        if party in body and not (isinstance(body[party], dict) and _is_id(body[party].get("id"))):
            raise MalformedEvent(f"{party} must be an object with an id")
    for key in ("oa_id", "user_id", "app_id"):
        if key in body and not _is_id(body[key]):
            raise MalformedEvent(f"{key} must be a string")
    if "info" in body and not isinstance(body["info"], dict):
        raise MalformedEvent("info must be an object")
    if "message" not in body:
        return
    message = body["message"]
    if not isinstance(message, dict):
        raise MalformedEvent("message must be an object")
    if "text" in message and not isinstance(message["text"], str):
        raise MalformedEvent("message.text must be a string")
    if "msg_id" in message and not _is_id(message["msg_id"]):
        raise MalformedEvent("message.msg_id must be a string")
    if "msg_ids" in message and not (isinstance(message["msg_ids"], list) and all(map(_is_id, message["msg_ids"]))):
        raise MalformedEvent("message.msg_ids must be a list of ids")
    attachments = message.get("attachments", [])
    if not isinstance(attachments, list) or not all(
            isinstance(a, dict) and isinstance(a.get("type", ""), str) and isinstance(a.get("payload", {}), dict)
            for a in attachments):
        raise MalformedEvent("message.attachments must be a list of {type, payload} objects")
    for attachment in attachments:
        _check_payload(attachment.get("payload", {}))


_DECIMAL = re.compile(r"[+-]?[0-9]{1,3}(\.[0-9]{1,20})?")


def _coordinate(value: object, limit: float) -> bool:
    """A latitude or longitude as Zalo sends it (a string of a decimal number) or a plain number."""
    if isinstance(value, str):
        if not _DECIMAL.fullmatch(value.strip()):
            return False
        value = float(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return -limit <= value <= limit  # also refuses nan and inf


def _check_payload(payload: dict) -> None:
    """The attachment fields the bot reads and shows (zalo-oa-api.md §4): links and texts are
    strings, a location's coordinates are an object of two numbers."""
    for key in ("url", "thumbnail", "description", "name"):
        if key in payload and not isinstance(payload[key], str):
            raise MalformedEvent(f"attachment payload.{key} must be a string")
    if "coordinates" in payload:
        point = payload["coordinates"]
        if not (isinstance(point, dict) and _coordinate(point.get("latitude"), 90)
                and _coordinate(point.get("longitude"), 180)):
            raise MalformedEvent("attachment payload.coordinates must be {latitude, longitude} numbers")


def parse_event(body: object) -> InboundEvent:
    """Turn a decoded webhook body into an InboundEvent; raise MalformedEvent if unreadable."""
    if not isinstance(body, dict):
        raise MalformedEvent("body must be a JSON object")
    name = body.get("event_name")
    if not isinstance(name, str) or not name or len(name) > 64:
        raise MalformedEvent("event_name must be a non-empty string")
    _check_types(body)
    timestamp = body.get("timestamp")
    message = body.get("message") if isinstance(body.get("message"), dict) else {}
    full_text = message.get("text") if isinstance(message.get("text"), str) else None
    text = full_text[:MAX_TEXT_CHARS] if full_text is not None else None
    raw_attachments = message.get("attachments") if isinstance(message.get("attachments"), list) else []
    attachments = tuple(Attachment(str(a.get("type", "")), a.get("payload") if isinstance(a.get("payload"), dict) else {})
                        for a in raw_attachments if isinstance(a, dict))
    user_id, oa_id = _parties(body, name)
    if user_id is None and (name.startswith("user_send_") or name in INTERACTIONS or name == "unfollow"):
        raise MalformedEvent(f"{name} must name its user")
    info = body.get("info") if isinstance(body.get("info"), dict) else {}
    return InboundEvent(name=name, user_id=user_id, oa_id=oa_id, timestamp=str(timestamp),
                        msg_id=_message_id(message), text=text, attachments=attachments, info=info,
                        text_cut=full_text is not None and len(full_text) > MAX_TEXT_CHARS)
