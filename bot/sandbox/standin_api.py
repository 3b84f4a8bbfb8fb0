"""The openapi.zalo.me endpoints of the stand-in: messages, users, tags, quota, uploads."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from flask import Blueprint, Response, current_app, request

from bot.sandbox.events import app_scoped_id
from bot.sandbox.standin_messages import Rejected, button_titles, check_message, echo_attachments, echo_event_name
from bot.sandbox.standin_replies import fail, header, json_body, ok, query_data
from bot.sandbox.standin_state import StandInState

api = Blueprint("zalo_standin_api", __name__)
VIETNAM = timezone(timedelta(hours=7))
AVATAR = "https://s120-ava-talk.zadn.vn/sandbox/avatar.jpg"
MAX_PAGE = 50


def current_state() -> StandInState:
    """Return the state of the OA this request is for. Playing several OAs (one deployment serving
    several neighborhoods), that is the OA whose access token the call carries, or whose refresh
    token a refresh spends; the first OA's otherwise (control paths, unknown tokens)."""
    states = current_app.extensions["zalo_standin_oas"]
    if len(states) > 1:
        token, refresh = header("access_token"), request.form.get("refresh_token") if request.form else None
        for state in states:
            if state.owns_token(token, refresh):
                return state
    return states[0]


def _text_id(value: Any) -> str | None:
    """Return value if it is a non-empty string id, else None."""
    return value if isinstance(value, str) and value else None


@api.post("/v3.0/oa/message/cs")
def send_cs() -> Response:
    """Send a consultation message to one user."""
    state, body = current_state(), json_body()
    user_id = _text_id((body.get("recipient") or {}).get("user_id"))
    if user_id is None:
        return fail(-201, "user_id")
    try:
        kind = check_message(body.get("message"), group=False,
                             buttons_supported=state.buttons_supported)
    except Rejected as exc:
        return fail(exc.code, exc.field)
    if code := state.unreachable.get(user_id):
        return fail(code)
    record = _deliver(state, body, kind, user_id=user_id)
    return ok({"message_id": record["message_id"], "user_id": user_id,
               "sent_time": str(int(record["at"] * 1000))})


@api.post("/v3.0/oa/group/message")
def send_group() -> Response:
    """Send a message to a Zalo group the OA belongs to."""
    state, body = current_state(), json_body()
    group_id = _text_id((body.get("recipient") or {}).get("group_id"))
    if group_id is None:
        return fail(-201, "group_id")
    if state.groups and group_id not in state.groups:
        return fail(-403)
    try:
        kind = check_message(body.get("message"), group=True, buttons_supported=False)
    except Rejected as exc:
        return fail(exc.code, exc.field)
    record = _deliver(state, body, kind, group_id=group_id)
    return ok({"message_id": record["message_id"], "group_id": group_id,
               "sent_time": str(int(record["at"] * 1000))})


def _deliver(state: StandInState, body: dict, kind: str, *, user_id: str | None = None,
             group_id: str | None = None) -> dict[str, Any]:
    """Record an accepted message and echo it to the webhook."""
    message = body["message"]
    record = state.record_message(request.path, body, user_id=user_id, group_id=group_id,
                                  text=message.get("text"), buttons=button_titles(message))
    state.echo_message(record, echo_event_name(kind, group_id is not None),
                       echo_attachments(message, kind))
    return record


@api.get("/v3.0/oa/user/detail")
def user_detail() -> Response:
    """Return one user's profile (generated for users the stand-in does not know)."""
    data = query_data()
    if data is None:
        return fail(-201, "data")
    user_id = _text_id(data.get("user_id"))
    if user_id is None:
        return fail(-201, "user_id")
    return ok(_profile(current_state(), user_id))


def _profile(state: StandInState, user_id: str) -> dict[str, Any]:
    """Build the user/detail data object, overlaid with state.users[user_id]."""
    with state.lock:
        stored = dict(state.users.get(user_id, {}))
        tags = [tag for tag, members in state.tags.items() if user_id in members]
        last = state.last_interaction.get(user_id)
    when = "" if last is None else datetime.fromtimestamp(last / 1000, VIETNAM).strftime("%d/%m/%Y")
    profile = {"user_id": user_id, "user_id_by_app": app_scoped_id(user_id),
               "display_name": f"Người dùng {user_id[-4:]}", "user_alias": "",
               "is_sensitive": False, "user_last_interaction_date": when,
               "user_is_follower": True, "avatar": AVATAR,
               "avatars": {"120": AVATAR, "240": AVATAR},
               "tags_and_notes_info": {"notes": [], "tag_names": tags}}
    return {**profile, **stored}


@api.get("/v3.0/oa/user/getlist")
def user_list() -> Response:
    """Page through the known users (followers by default), optionally by tag."""
    data = query_data()
    if data is None:
        return fail(-201, "data")
    offset, count = data.get("offset", 0), data.get("count", MAX_PAGE)
    if not isinstance(offset, int) or offset < 0:
        return fail(-201, "offset")
    if not isinstance(count, int) or not 0 < count <= MAX_PAGE:
        return fail(-201, "count")
    ids = _user_ids(current_state(), data.get("tag_name"), bool(data.get("is_follower", True)))
    page = ids[offset:offset + count]
    return ok({"total": len(ids), "count": len(page), "offset": offset,
               "users": [{"user_id": user_id} for user_id in page]})


def _user_ids(state: StandInState, tag_name: str | None, is_follower: bool) -> list[str]:
    """Return ids of known users with the given follower status (and tag)."""
    with state.lock:
        tagged = state.tags.get(tag_name, set()) if tag_name else None
        return [user_id for user_id, fields in state.users.items()
                if bool(fields.get("user_is_follower", True)) == is_follower
                and (tagged is None or user_id in tagged)]


@api.get("/v2.0/oa/tag/gettagsofoa")
def list_tags() -> Response:
    """Return the OA's tag names."""
    state = current_state()
    with state.lock:
        return ok(list(state.tags))


@api.post("/v2.0/oa/tag/tagfollower")
def tag_follower() -> Response:
    """Put a user under a tag, creating the tag if needed."""
    state, body = current_state(), json_body()
    user_id, tag = _text_id(body.get("user_id")), _text_id(body.get("tag_name"))
    if user_id is None or tag is None:
        return fail(-201, "user_id" if user_id is None else "tag_name")
    with state.lock:
        if not state.users.get(user_id, {}).get("user_is_follower", True):
            return fail(-213)
        state.tags.setdefault(tag, set()).add(user_id)
    return ok()


@api.post("/v2.0/oa/tag/rmfollowerfromtag")
def untag_follower() -> Response:
    """Take a user out of a tag."""
    state, body = current_state(), json_body()
    user_id, tag = _text_id(body.get("user_id")), _text_id(body.get("tag_name"))
    if user_id is None or tag is None:
        return fail(-201, "user_id" if user_id is None else "tag_name")
    with state.lock:
        state.tags.get(tag, set()).discard(user_id)
    return ok()


@api.post("/v2.0/oa/tag/rmtag")
def remove_tag() -> Response:
    """Delete a tag."""
    state, tag = current_state(), _text_id(json_body().get("tag_name"))
    if tag is None:
        return fail(-201, "tag_name")
    with state.lock:
        state.tags.pop(tag, None)
    return ok()


@api.post("/v3.0/oa/quota/message")
def message_quota() -> Response:
    """Return a user's last interaction time (epoch ms string); -232 if they never interacted."""
    state, user_id = current_state(), _text_id(json_body().get("user_id"))
    if user_id is None:
        return fail(-201, "user_id")
    last = state.last_interaction.get(user_id)
    if last is None:
        return fail(-232)
    return ok({"last_interaction": str(last), "cs_reply": {"remain": 0, "total": 0}})


@api.post("/v2.0/oa/upload/<kind>")
def upload(kind: str) -> Response:
    """Keep an uploaded image/gif/file; answer its attachment_id (image, gif) or token (file)."""
    if kind not in ("image", "gif", "file"):
        return fail(-209)
    state, file = current_state(), request.files.get("file")
    if file is None:
        return fail(-201, "file")
    data = file.read()
    limit = state.max_file_bytes if kind == "file" else state.max_image_bytes
    if not data or len(data) > limit:
        return fail(-210 if data else -201, None if data else "file")
    upload_id = state.store_upload(kind, data, file.filename or "", file.mimetype or "")
    return ok({"token": upload_id} if kind == "file" else {"attachment_id": upload_id})
