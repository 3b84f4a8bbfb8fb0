"""The sandbox chat page: be any resident, send signed events to the real webhook, read the stand-in."""
from __future__ import annotations

import json
import re
import secrets
import urllib.parse
import urllib.request
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, send_from_directory

from bot.sandbox import events

blueprint = Blueprint("sandbox", __name__, url_prefix="/sandbox", template_folder="templates",
                      static_folder="static", static_url_path="/static")

USER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
UPLOAD_NAME = re.compile(r"[0-9a-f]{32}\.(?:jpg|png|gif)")
MAX_UPLOAD_BYTES = 1_000_000
MAX_TEXT_CHARS = 10_000  # Zalo lets a person send long messages; the bot says when it read only the start
IMAGE_MAGIC = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png", b"GIF87a": "gif", b"GIF89a": "gif"}
PRESETS = [("Cư dân A", "resident-a"), ("Cư dân B", "resident-b"),
           ("Tổ trưởng", "leader-1"), ("Tình nguyện viên", "volunteer-1")]
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src * data: blob:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
# Loopback only: the stand-in must never be reached through an environment proxy.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class BadInput(ValueError):
    """The page sent something we cannot turn into an event; the message says why."""


def _uploads() -> Path:
    return Path(current_app.instance_path) / "sandbox_uploads"


def _bad(reason: str, status: int = 400) -> tuple[Response, int]:
    return jsonify(error=reason), status


@blueprint.get("")
def page() -> Response:
    """Serve the phone-like chat page."""
    # The page keeps what each user sent in the tab, under this app's run: a restarted sandbox (and
    # its stand-in, which forgot every message) starts clean.
    run = current_app.extensions.setdefault("sandbox_page_run", secrets.token_hex(4))
    response = Response(render_template("sandbox.html", presets=PRESETS, max_text_chars=MAX_TEXT_CHARS, run=run))
    response.headers["Content-Security-Policy"] = CSP
    return response


@blueprint.post("/api/sign")
def sign() -> tuple[Response, int] | Response:
    """Build a Zalo event for the page and sign it; the page posts it to /zalo/webhook itself."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _bad("body must be a JSON object")
    settings = current_app.extensions["bot"].settings
    try:
        event = _build_event(settings.app_id, settings.oa_id, data)
    except BadInput as exc:
        return _bad(str(exc))
    raw, headers = events.signed_request(event, settings.app_id, settings.oa_secret_key)
    return jsonify(body=raw.decode("utf-8"), signature=headers["X-ZEvent-Signature"])


def _build_event(app_id: str, oa_id: str, data: dict) -> events.Event:
    """Return the event for one page action, or raise BadInput."""
    user_id, kind = data.get("user_id"), data.get("kind")
    if not isinstance(user_id, str) or not USER_ID.fullmatch(user_id):
        raise BadInput("user_id must be 1-64 characters of A-Z a-z 0-9 _ -")
    if kind == "text":
        return events.user_text_event(app_id, oa_id, user_id, _text(data.get("text")))
    if kind == "image":
        url, caption = data.get("image_url"), data.get("text")
        if not isinstance(url, str) or urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise BadInput("image_url must be an http(s) URL")
        return events.user_image_event(app_id, oa_id, user_id, url, _text(caption) if caption else None)
    if kind == "location":
        lat, lng = _number(data.get("lat"), 90, "lat"), _number(data.get("lng"), 180, "lng")
        return events.user_location_event(app_id, oa_id, user_id, lat, lng)
    builders = {"sticker": events.user_sticker_event, "follow": events.follow_event,
                "unfollow": events.unfollow_event}
    if kind not in builders:
        raise BadInput("kind must be one of text, image, location, sticker, follow, unfollow")
    return builders[kind](app_id, oa_id, user_id)


def _text(value: object) -> str:
    """Return a non-blank message text of at most MAX_TEXT_CHARS, or raise BadInput."""
    if not isinstance(value, str) or not value.strip():
        raise BadInput("text is required")
    if len(value) > MAX_TEXT_CHARS:
        raise BadInput(f"text longer than {MAX_TEXT_CHARS} characters")
    return value


def _number(value: object, limit: float, name: str) -> float:
    """Return a coordinate within ±limit, or raise BadInput."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not -limit <= value <= limit:
        raise BadInput(f"{name} must be a number between -{limit:g} and {limit:g}")
    return value


@blueprint.post("/api/upload")
def upload() -> tuple[Response, int] | Response:
    """Keep a small jpg/png/gif so a user_send_image event can point at it."""
    file = request.files.get("file")
    if file is None:
        return _bad("send the image as multipart field 'file'")
    data = file.stream.read(MAX_UPLOAD_BYTES + 1)
    if not data or len(data) > MAX_UPLOAD_BYTES:
        return _bad("the image is larger than 1 MB" if data else "the file is empty")
    ext = next((ext for magic, ext in IMAGE_MAGIC.items() if data.startswith(magic)), None)
    if ext is None:
        return _bad("only JPG, PNG or GIF images are accepted")
    name = f"{secrets.token_hex(16)}.{ext}"
    _uploads().mkdir(parents=True, exist_ok=True)
    (_uploads() / name).write_bytes(data)
    return jsonify(url=f"{request.host_url}sandbox/uploads/{name}")


@blueprint.get("/uploads/<name>")
def uploaded(name: str) -> Response:
    """Serve an uploaded image (names we generated only)."""
    if not UPLOAD_NAME.fullmatch(name):
        abort(404)
    return send_from_directory(_uploads(), name)


@blueprint.get("/api/messages")
def messages() -> tuple[Response, int] | Response:
    """Return what the bot sent to one user after a record id, as the stand-in recorded it."""
    user_id, after = request.args.get("user_id", ""), request.args.get("after", "0")
    if not USER_ID.fullmatch(user_id):
        return _bad("user_id must be 1-64 characters of A-Z a-z 0-9 _ -")
    if not (after.isascii() and after.isdigit()):
        return _bad("after must be a non-negative integer")
    query = urllib.parse.urlencode({"user_id": user_id, "after": after})
    url = f"{current_app.extensions['bot'].settings.api_base.rstrip('/')}/_standin/messages?{query}"
    try:
        with _OPENER.open(url, timeout=3.0) as answer:
            records = json.load(answer)["messages"]
    except (OSError, ValueError, KeyError) as exc:
        return _bad(f"the Zalo stand-in did not answer: {exc}", 502)
    return jsonify(messages=[_shown(record) for record in records])


def _shown(record: dict) -> dict:
    """Reduce a stand-in record to what the page draws: text, buttons (the title shown and the payload a tap
    sends back, as Zalo's oa.query.show does), an image, when (epoch ms)."""
    payload = ((record.get("payload") or {}).get("message") or {}).get("attachment") or {}
    element = next(iter((payload.get("payload") or {}).get("elements") or []), {})
    text = record.get("text") or "\n".join(filter(None, [element.get("title"), element.get("subtitle")]))
    sent = [b for b in (payload.get("payload") or {}).get("buttons") or [] if isinstance(b, dict)]
    buttons = ([{"title": str(b.get("title", "")), "payload": str(b.get("payload", "")),
                 "hidden": b.get("type") == "oa.query.hide"} for b in sent]
               or [{"title": title, "payload": title} for title in record.get("buttons") or []])
    shown = {"id": record["id"], "at": int(record["at"] * 1000), "text": text or "", "buttons": buttons}
    if element.get("media_type") in ("image", "gif") and element.get("url"):
        shown["image_url"] = element["url"]
    return shown
