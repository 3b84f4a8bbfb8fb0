"""A leader or volunteer closing a request in chat, on a phone: «xong PA-0001» (a note may follow the code in
the same message), then a photo and/or a short note, then «gửi». A photo with a note already given, or a note
with a photo already given, closes at once. «thôi» leaves the request open."""
from __future__ import annotations

import re
from datetime import datetime

from bot import texts
from bot.flows import state as conversation
from bot.flows.phrases import OFF_DUTY, ON_DUTY
from bot.flows.state import Mode, State
from bot.flows.text import normalize
from bot.handlers.context import Context
from bot.replies import Reply, Text
from bot.services import casework, proofs

CLOSE = re.compile(r"^\s*xong\s+([A-Za-z]{2,5})\s*-?\s*(\d{1,6})\b[\s:,.\-–]*(.*)$", re.IGNORECASE | re.DOTALL)
SEND = frozenset({"gui", "gui di", "xong", "ok", "dong", "gui luon"})
CANCEL = frozenset({"thoi", "huy", "khong dong"})


def close_command(text: str) -> tuple[str, str] | None:
    """«xong pa-1 đã dọn sạch» → ('PA-0001', 'đã dọn sạch'); None when the text is no such command."""
    match = CLOSE.match(text or "")
    if match is None:
        return None
    return f"{match.group(1).upper()}-{int(match.group(2)):04d}", match.group(3).strip()


def start(ctx: Context, code: str, note: str) -> list[Reply]:
    """Begin closing a request: ask for the photo and/or note still missing."""
    request = ctx.uow.requests.by_code(code)
    if request is None:
        return [Text(texts.PROOF_UNKNOWN.format(code=code))]
    if not casework.is_open(request):
        return [Text(texts.PROOF_ALREADY.format(code=request.code))]
    if ctx.role != "leader" and request.assignee_id not in (None, ctx.user_id):
        return [Text(texts.PROOF_NOT_YOURS.format(code=request.code))]
    _save(ctx, conversation.proof(request.id, note))
    return [Text((texts.PROOF_ASK_PHOTO if note else texts.PROOF_ASK).format(code=request.code))]


def collect(ctx: Context) -> list[Reply] | None:
    """The photo, note, «gửi» or «thôi» of a close in progress; None when none is, or the message is another
    command (a new «xong …» starts over)."""
    state = ctx.state()
    if state.mode != Mode.PROOF or _stale(ctx, state):
        return None
    event, kept = ctx.event, dict(state.answers)
    if event.name in ("user_send_image", "user_send_gif") and event.attachments:
        kept["photo_url"] = event.attachments[0].payload.get("url", "") or kept.get("photo_url", "")
        ready = bool(kept.get("note"))
    elif event.name == "user_send_text" and event.text:
        said = normalize(event.text)
        if (said.split(" ")[0] in ("xong", "nhan") and said not in SEND) or said in ON_DUTY or said in OFF_DUTY:
            return None
        if said in CANCEL:
            ctx.save(state.reset())
            return [Text(texts.PROOF_CANCELLED.format(code=_code(ctx, state)))]
        ready = said in SEND or bool(kept.get("photo_url"))
        if said not in SEND:
            kept["note"] = event.text.strip()
    else:
        return None
    if ready:
        return _finish(ctx, state, kept)
    _save(ctx, conversation.proof(state.request, kept.get("note", ""), kept.get("photo_url", "")))
    asking = texts.PROOF_ASK_NOTE if kept.get("photo_url") else texts.PROOF_ASK_PHOTO
    return [Text(asking.format(code=_code(ctx, state)))]


def _finish(ctx: Context, state: State, kept: dict) -> list[Reply]:
    ctx.save(state.reset())
    request = ctx.uow.casework.get(state.request) if state.request is not None else None
    if request is None or not casework.is_open(request):
        return [Text(texts.PROOF_ALREADY.format(code=request.code if request else ""))]
    me = ctx.uow.staff.get(ctx.user_id)
    proof = proofs.Proof(note=kept.get("note", ""), photo_url=kept.get("photo_url", ""))
    told = proofs.close(ctx.uow, request, proof, ctx.user_id, me.name if me else "", ctx.runtime.clock(),
                        ctx.catalog.neighborhood.phone)
    if not told:
        return [Text(texts.PROOF_HELD.format(code=request.code))]
    what = texts.PROOF_SENT_WHAT[(proof.has_photo, bool(proof.note.strip()))]
    return [Text(texts.PROOF_SENT.format(code=request.code, what=what)), *told]


def _save(ctx: Context, state: State) -> None:
    state.updated_at = ctx.runtime.clock().isoformat()
    ctx.save(state)


def _stale(ctx: Context, state: State) -> bool:
    """A close left unfinished longer than a conversation's idle time is dropped (the request stays open)."""
    if state.updated_at and ctx.runtime.clock() - datetime.fromisoformat(state.updated_at) <= ctx.runtime.idle:
        return False
    ctx.save(state.reset())
    return True


def _code(ctx: Context, state: State) -> str:
    request = ctx.uow.casework.get(state.request) if state.request is not None else None
    return request.code if request else ""
