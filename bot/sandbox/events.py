"""Build and sign Zalo OA webhook events the way Zalo sends them (reference doc sections 3-4)."""
from __future__ import annotations

import hashlib
import json
import secrets
import time
import urllib.request
from typing import Any

Event = dict[str, Any]

# Direct connections only: the webhook is on loopback and must not go through an env proxy.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def sign_body(app_id: str, raw: bytes, timestamp: str, secret: str) -> str:
    """Return the X-ZEvent-Signature value: mac=sha256(app_id + raw body + timestamp + secret)."""
    material = app_id.encode("utf-8") + raw + timestamp.encode("utf-8") + secret.encode("utf-8")
    return "mac=" + hashlib.sha256(material).hexdigest()


def new_msg_id() -> str:
    """Return a fresh 20-hex-char message id."""
    return secrets.token_hex(10)


def now_ms() -> str:
    """Return the current time as epoch milliseconds in a string, as Zalo does."""
    return str(time.time_ns() // 1_000_000)


def _stamp(timestamp_ms: int | str | None) -> str:
    """Return the given timestamp as a string, or now."""
    return str(timestamp_ms) if timestamp_ms is not None else now_ms()


def app_scoped_id(user_id: str) -> str:
    """Return a stable numeric user_id_by_app derived from an OA-scoped user id."""
    return str(int(hashlib.sha256(user_id.encode("utf-8")).hexdigest()[:15], 16))


def encode_event(event: Event) -> bytes:
    """Serialise an event as UTF-8 JSON without escaping Vietnamese letters."""
    return json.dumps(event, ensure_ascii=False).encode("utf-8")


def signed_request(event: Event, app_id: str, secret: str) -> tuple[bytes, dict[str, str]]:
    """Return the raw body and headers of a signed webhook POST for an event."""
    raw = encode_event(event)
    signature = sign_body(app_id, raw, str(event.get("timestamp", "")), secret)
    return raw, {"Content-Type": "application/json", "X-ZEvent-Signature": signature}


def post_event(url: str, event: Event, app_id: str, secret: str, timeout: float = 5.0) -> int:
    """POST a signed event to a webhook URL and return the HTTP status (raises on failure)."""
    raw, headers = signed_request(event, app_id, secret)
    request = urllib.request.Request(url, data=raw, headers=headers, method="POST")
    with _OPENER.open(request, timeout=timeout) as response:
        return response.status


def _user_message(app_id: str, oa_id: str, user_id: str, event_name: str, message: dict,
                  msg_id: str | None, timestamp_ms: int | str | None) -> Event:
    """Return the common user-to-OA envelope (section 4.2)."""
    return {
        "app_id": app_id,
        "sender": {"id": user_id},
        "user_id_by_app": app_scoped_id(user_id),
        "recipient": {"id": oa_id},
        "event_name": event_name,
        "message": {**message, "msg_id": msg_id or new_msg_id()},
        "timestamp": _stamp(timestamp_ms),
    }


def user_text_event(app_id: str, oa_id: str, user_id: str, text: str,
                    msg_id: str | None = None, timestamp_ms: int | str | None = None) -> Event:
    """Return a user_send_text event."""
    return _user_message(app_id, oa_id, user_id, "user_send_text", {"text": text},
                         msg_id, timestamp_ms)


def user_image_event(app_id: str, oa_id: str, user_id: str, url: str, text: str | None = None,
                     msg_id: str | None = None, timestamp_ms: int | str | None = None) -> Event:
    """Return a user_send_image event with one image attachment and an optional caption."""
    message: dict[str, Any] = {"attachments": [
        {"type": "image", "payload": {"url": url, "thumbnail": url}}]}
    if text is not None:
        message["text"] = text
    return _user_message(app_id, oa_id, user_id, "user_send_image", message, msg_id, timestamp_ms)


def user_location_event(app_id: str, oa_id: str, user_id: str, lat: float | str, lng: float | str,
                        msg_id: str | None = None, timestamp_ms: int | str | None = None) -> Event:
    """Return a user_send_location event (coordinates as strings, like Zalo)."""
    coordinates = {"latitude": str(lat), "longitude": str(lng)}
    message = {"attachments": [{"type": "location", "payload": {"coordinates": coordinates}}]}
    return _user_message(app_id, oa_id, user_id, "user_send_location", message,
                         msg_id, timestamp_ms)


def user_audio_event(app_id: str, oa_id: str, user_id: str, url: str = "https://voice-talk.zdn.vn/sample.aac",
                     msg_id: str | None = None, timestamp_ms: int | str | None = None) -> Event:
    """Return a user_send_audio event (a voice message)."""
    message = {"attachments": [{"type": "audio", "payload": {"url": url}}]}
    return _user_message(app_id, oa_id, user_id, "user_send_audio", message, msg_id, timestamp_ms)


def user_call_event(app_id: str, oa_id: str, user_id: str, msg_id: str | None = None,
                    timestamp_ms: int | str | None = None) -> Event:
    """Return a user_call_oa event: the resident pressed the OA's call button."""
    return _user_message(app_id, oa_id, user_id, "user_call_oa", {}, msg_id, timestamp_ms)


def user_sticker_event(app_id: str, oa_id: str, user_id: str,
                       sticker_id: str = "c09965c25987b0d9e996",
                       url: str = "https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid=1",
                       msg_id: str | None = None, timestamp_ms: int | str | None = None) -> Event:
    """Return a user_send_sticker event."""
    message = {"attachments": [{"type": "sticker", "payload": {"id": sticker_id, "url": url}}]}
    return _user_message(app_id, oa_id, user_id, "user_send_sticker", message,
                         msg_id, timestamp_ms)


def follow_event(app_id: str, oa_id: str, user_id: str, source: str = "oa_profile",
                 timestamp_ms: int | str | None = None) -> Event:
    """Return a follow event (section 4.4: follower.id and oa_id, no sender/recipient)."""
    event = unfollow_event(app_id, oa_id, user_id, timestamp_ms)
    return {**event, "event_name": "follow", "source": source}


def unfollow_event(app_id: str, oa_id: str, user_id: str,
                   timestamp_ms: int | str | None = None) -> Event:
    """Return an unfollow event."""
    return {
        "oa_id": oa_id,
        "follower": {"id": user_id},
        "user_id_by_app": app_scoped_id(user_id),
        "event_name": "unfollow",
        "app_id": app_id,
        "timestamp": _stamp(timestamp_ms),
    }


def user_seen_event(app_id: str, oa_id: str, user_id: str, msg_ids: list[str],
                    timestamp_ms: int | str | None = None) -> Event:
    """Return a user_seen_message receipt (sender = OA, recipient = user, message.msg_ids)."""
    return {
        "app_id": app_id,
        "sender": {"id": oa_id},
        "recipient": {"id": user_id},
        "event_name": "user_seen_message",
        "message": {"msg_ids": list(msg_ids)},
        "timestamp": _stamp(timestamp_ms),
    }


def user_submit_info_event(app_id: str, oa_id: str, user_id: str, info: dict,
                           timestamp_ms: int | str | None = None) -> Event:
    """Return a user_submit_info event carrying what the user shared (section 4.5)."""
    return {
        "app_id": app_id,
        "sender": {"id": user_id},
        "user_id_by_app": app_scoped_id(user_id),
        "recipient": {"id": oa_id},
        "event_name": "user_submit_info",
        "info": dict(info),
        "timestamp": _stamp(timestamp_ms),
    }


def oa_echo_event(app_id: str, oa_id: str, recipient_id: str, event_name: str,
                  text: str | None, msg_id: str, attachments: list[dict] | None = None,
                  timestamp_ms: int | str | None = None) -> Event:
    """Return an oa_send_* echo of a message the OA sent (sender = OA, recipient = user)."""
    message: dict[str, Any] = {} if text is None else {"text": text}
    message["msg_id"] = msg_id
    if attachments:
        message["attachments"] = attachments
    return {
        "app_id": app_id,
        "sender": {"id": oa_id},
        "recipient": {"id": recipient_id},
        "event_name": event_name,
        "message": message,
        "timestamp": _stamp(timestamp_ms),
    }
