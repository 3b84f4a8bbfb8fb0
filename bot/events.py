"""Read a Zalo webhook body into a neutral InboundEvent (who, what, which OA, how to dedupe)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

# Events that open or extend the consultation window (receipts and echoes do not).
INTERACTIONS = {"follow", "user_click_chatnow", "user_submit_info"}
RECEIPTS = {"user_seen_message", "user_received_message"}


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
    if name.startswith("user_send_") or name in {"user_submit_info", "user_reacted_message"}:
        if name not in RECEIPTS:
            return sender, recipient or _id(body.get("oa_id"))
    return recipient, sender or _id(body.get("oa_id"))


def _message_id(message: dict) -> str | None:
    msg_id = _id(message.get("msg_id"))
    ids = message.get("msg_ids")
    if not msg_id and isinstance(ids, list) and ids:
        msg_id = ",".join(str(i) for i in ids)[:200]
    return msg_id


def parse_event(body: object) -> InboundEvent:
    """Turn a decoded webhook body into an InboundEvent; raise MalformedEvent if unreadable."""
    if not isinstance(body, dict):
        raise MalformedEvent("body must be a JSON object")
    name = body.get("event_name")
    if not isinstance(name, str) or not name or len(name) > 64:
        raise MalformedEvent("event_name must be a non-empty string")
    timestamp = body.get("timestamp")
    if not isinstance(timestamp, (str, int)) or isinstance(timestamp, bool):
        raise MalformedEvent("timestamp must be a string")
    message = body.get("message") if isinstance(body.get("message"), dict) else {}
    text = message.get("text") if isinstance(message.get("text"), str) else None
    raw_attachments = message.get("attachments") if isinstance(message.get("attachments"), list) else []
    attachments = tuple(Attachment(str(a.get("type", "")), a.get("payload") if isinstance(a.get("payload"), dict) else {})
                        for a in raw_attachments if isinstance(a, dict))
    user_id, oa_id = _parties(body, name)
    info = body.get("info") if isinstance(body.get("info"), dict) else {}
    return InboundEvent(name=name, user_id=user_id, oa_id=oa_id, timestamp=str(timestamp),
                        msg_id=_message_id(message), text=text, attachments=attachments, info=info)
