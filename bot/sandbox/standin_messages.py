"""Check outgoing OA messages as /v3.0/oa/message/cs does (reference doc sections 5.3-5.7, 5.11)."""
from __future__ import annotations

import unicodedata
from typing import Any

MAX_TEXT_CHARS = 2000
MAX_BUTTONS = 5
MAX_ELEMENTS = 5
BUTTON_TYPES = frozenset({"oa.open.url", "oa.query.show", "oa.query.hide",
                          "oa.open.phone", "oa.open.sms"})
MEDIA_TYPES = frozenset({"image", "gif", "sticker"})


class Rejected(Exception):
    """Zalo would refuse the message with `code` (and name `field` for -201)."""

    def __init__(self, code: int, field: str | None = None) -> None:
        super().__init__(code, field)
        self.code = code
        self.field = field


def check_message(message: Any, *, group: bool, buttons_supported: bool) -> str:
    """Raise Rejected if Zalo would refuse `message`; return its kind (text, image, list...)."""
    if not isinstance(message, dict):
        raise Rejected(-201, "message")
    text = message.get("text")
    if text is not None and not isinstance(text, str):
        raise Rejected(-201, "text")
    if text and len(unicodedata.normalize("NFC", text)) > MAX_TEXT_CHARS:
        raise Rejected(-210)
    attachment = message.get("attachment")
    if attachment is None:
        if not text:
            raise Rejected(-201, "message")
        return "text"
    return _check_attachment(attachment, group, buttons_supported)


def _check_attachment(attachment: Any, group: bool, buttons_supported: bool) -> str:
    """Validate an attachment; return the message kind."""
    if not isinstance(attachment, dict) or not isinstance(attachment.get("payload"), dict):
        raise Rejected(-201, "attachment")
    payload = attachment["payload"]
    if attachment.get("type") == "file":
        if not payload.get("token"):
            raise Rejected(-201, "token")
        return "file"
    if attachment.get("type") != "template":
        raise Rejected(-233)
    template = payload.get("template_type")
    if template == "media":
        return _check_media(payload)
    if group:  # groups take only text, image, file and sticker (section 5.11)
        raise Rejected(-233)
    if template == "request_user_info":
        _check_elements(payload, exactly=1)
        return "template"
    if template == "list":
        if not buttons_supported:
            raise Rejected(-233)
        _check_list(payload)
        return "list"
    raise Rejected(-233)


def _check_media(payload: dict) -> str:
    """Validate a media template (one image/gif/sticker by url or attachment_id)."""
    element = _check_elements(payload, exactly=1)[0]
    media_type = element.get("media_type")
    if media_type not in MEDIA_TYPES:
        raise Rejected(-201, "media_type")
    if not (element.get("url") or element.get("attachment_id")):
        raise Rejected(-201, "attachment_id" if media_type == "sticker" else "url")
    return media_type


def _check_elements(payload: dict, exactly: int) -> list[dict]:
    """Require `elements` to be a list of exactly `exactly` objects."""
    elements = payload.get("elements")
    if not isinstance(elements, list) or len(elements) != exactly:
        raise Rejected(-201, "elements")
    if not all(isinstance(element, dict) for element in elements):
        raise Rejected(-201, "elements")
    return elements


def _check_list(payload: dict) -> None:
    """Validate a list template: at most 5 elements and 5 well-formed buttons."""
    elements = payload.get("elements", [])
    buttons = payload.get("buttons", [])
    if not isinstance(elements, list) or len(elements) > MAX_ELEMENTS:
        raise Rejected(-201, "elements")
    if not isinstance(buttons, list) or len(buttons) > MAX_BUTTONS:
        raise Rejected(-201, "buttons")
    if not elements and not buttons:
        raise Rejected(-201, "elements")
    for button in buttons:
        if not _is_button(button):
            raise Rejected(-201, "buttons")


def _is_button(button: Any) -> bool:
    """Tell whether a button has a title, a known action type and a payload."""
    return (isinstance(button, dict) and isinstance(button.get("title"), str)
            and bool(button["title"].strip()) and button.get("type") in BUTTON_TYPES
            and "payload" in button)


def button_titles(message: dict) -> list[str]:
    """Return the titles of a message's list-template buttons ([] if none)."""
    payload = (message.get("attachment") or {}).get("payload") or {}
    return [button["title"] for button in payload.get("buttons") or []]


def echo_attachments(message: dict, kind: str) -> list[dict]:
    """Return the attachments Zalo would echo back for a sent media message."""
    if kind not in MEDIA_TYPES:
        return []
    element = message["attachment"]["payload"]["elements"][0]
    payload = {key: element[key] for key in ("url", "attachment_id") if element.get(key)}
    if "url" in payload:
        payload["thumbnail"] = payload["url"]
    return [{"type": kind, "payload": payload}]


def echo_event_name(kind: str, group: bool) -> str:
    """Return the oa_send_* event name echoing a message of this kind."""
    return f"oa_send_group_{kind}" if group else f"oa_send_{kind}"
