"""Message bodies for Zalo's send endpoints, and splitting text at Zalo's 2,000-character limit."""
from __future__ import annotations

import unicodedata

from bot.replies import MAX_BUTTON_TITLE, MAX_BUTTONS  # Zalo's limits, named once

MAX_TEXT = 2000


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split text into NFC chunks of at most `limit` characters, on line, then word, boundaries."""
    text = unicodedata.normalize("NFC", text).strip()
    chunks: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = text.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        chunks.append(text)
    return chunks


def text_body(user_id: str, text: str) -> dict:
    return {"recipient": {"user_id": user_id}, "message": {"text": text}}


def buttons_body(user_id: str, text: str, options: list[str], titles: list[str] | None = None,
                 payloads: list[str] | None = None) -> dict:
    """Text plus up to five buttons: 'oa.query.show', a tap sends the option back as the user's text; or,
    where `payloads` gives one, 'oa.query.hide', a tap sends that payload, unseen in the chat."""
    titles = titles or options
    hidden = list(payloads or []) + [""] * len(options)
    buttons = [{"title": title[:MAX_BUTTON_TITLE], "type": "oa.query.hide" if payload else "oa.query.show",
                "payload": payload or option}
               for option, title, payload in zip(options[:MAX_BUTTONS], titles, hidden)]
    title = text.splitlines()[0][:100] if text else ""
    return {"recipient": {"user_id": user_id},
            "message": {"text": text, "attachment": {"type": "template", "payload": {
                "template_type": "list", "elements": [{"title": title}], "buttons": buttons}}}}


def image_body(user_id: str, url: str, caption: str = "", attachment_id: str = "") -> dict:
    """A media template: the photo by Zalo's attachment id of an upload when given, else by its URL."""
    element = {"media_type": "image", **({"attachment_id": attachment_id} if attachment_id else {"url": url})}
    message: dict = {"attachment": {"type": "template", "payload": {
        "template_type": "media", "elements": [element]}}}
    if caption:
        message["text"] = caption
    return {"recipient": {"user_id": user_id}, "message": message}


def request_info_body(user_id: str, title: str, subtitle: str, image_url: str) -> dict:
    element = {"title": title, "subtitle": subtitle}
    if image_url:
        element["image_url"] = image_url
    return {"recipient": {"user_id": user_id}, "message": {"attachment": {"type": "template", "payload": {
        "template_type": "request_user_info", "elements": [element]}}}}


def group_text_body(group_id: str, text: str) -> dict:
    return {"recipient": {"group_id": group_id}, "message": {"text": text}}
