"""A resident follows their own requests: «TT-0001», «tra cứu TT-0001» (any case, with or without the
dash, a prefix one letter off) gives that request's status, what comes next and its last change;
«hồ sơ của tôi», «đến đâu rồi» list their open requests. Only the resident who made a request sees it:
anyone else, and a code that does not exist, get the same «không tìm thấy», so codes cannot be probed."""
from __future__ import annotations

import re

from bot import texts
from bot.clock import local
from bot.flows.phrases import LOOKUP_WORDS, MY_REQUESTS
from bot.flows.promises import promise_text
from bot.flows.state import State
from bot.flows.text import edit_distance, normalize
from bot.handlers.context import Context
from bot.replies import Reply, Text
from bot.services.casework import is_answered, kind_title

# A code as `normalize` leaves it: «TT-0001» → «tt 0001», «tt0001», «tt-1» → «tt 1».
CODE = re.compile(r"\b([a-z]{2,5}) ?0*(\d{1,6})\b")
CLOSED = ("da_xong", "da_huy")
OTHER_PREFIXES = ("HT", "KC")  # «gặp người» and emergencies; every procedure file names its own code


def handle(ctx: Context, state: State) -> list[Reply] | None:
    """The answer to a look-up, or None when the message is none."""
    if ctx.event.name != "user_send_text":
        return None
    said = normalize(ctx.event.text or "")
    replies = _one(ctx, said) if CODE.search(said) else None
    if replies is None and said in MY_REQUESTS:
        replies = _open_ones(ctx)
    if replies is not None and state.in_procedure:
        replies.append(Text(texts.LOOKUP_BACK_TO_QUESTION))
    return replies


def _one(ctx: Context, said: str) -> list[Reply] | None:
    """A message that is a code, alone or with look-up words; None when it is something else."""
    match = CODE.search(said)
    rest = (said[:match.start()] + " " + said[match.end():]).split()
    if not _only_lookup_words(rest):
        return None
    prefix, number = match.group(1).upper(), int(match.group(2))
    known = {p.code for p in ctx.catalog.procedures.values()} | set(OTHER_PREFIXES)
    request = _own_request(ctx, prefix, number, known)
    if request is not None:
        return [Text(_status_text(ctx, request))]
    if prefix in known or rest:  # a code of ours, or one asked about in words («tra cứu XY-1»)
        return [Text(texts.LOOKUP_NOT_FOUND.format(code=f"{prefix}-{number:04d}"))]
    return None  # «ngày 15», «số 5»: an answer, not a code


def _only_lookup_words(words: list[str]) -> bool:
    rest = " ".join(words)
    for phrase in sorted(LOOKUP_WORDS, key=len, reverse=True):
        rest = re.sub(rf"\b{phrase}\b", " ", rest)
    return not rest.split()


def _own_request(ctx: Context, prefix: str, number: int, known: set[str]):
    """The resident's own request with that code; with an unknown prefix, theirs one letter off."""
    if prefix in known:
        request = ctx.uow.requests.by_code(f"{prefix}-{number:04d}")
        return request if request is not None and request.user_id == ctx.user_id else None
    near = [r for r in ctx.uow.requests.of_user(ctx.user_id)
            if r.code.endswith(f"-{number:04d}") and edit_distance(r.code.split("-")[0], prefix, 1) <= 1]
    return near[0] if len(near) == 1 else None


def _status_text(ctx: Context, request) -> str:
    assignee = ctx.uow.staff.get(request.assignee_id or "")
    lines = [texts.LOOKUP_TITLE.format(code=request.code, title=kind_title(ctx.catalog, request.kind)),
             texts.LOOKUP_STATUS.format(status=texts.STATUS_LABELS.get(request.status, request.status)),
             texts.STATUS_NEXT[request.status].format(who=assignee.name if assignee else texts.WHO_DEFAULT,
                                                      phone=ctx.catalog.neighborhood.phone)
             if request.status in texts.STATUS_NEXT else ""]
    now = ctx.runtime.clock()
    if request.due_at is not None and not is_answered(request) and now < request.due_at:
        lines.append(promise_text(request.due_at, local(now).date()))  # when, as promised with the code
    changes = [c for c in ctx.uow.casework.history(request.id) if c.kind in ("status", "reopened")]
    last = changes[-1] if changes else None
    when = local(last.at if last else request.created_at).strftime("%H:%M %d/%m/%Y")
    what = texts.STATUS_LABELS.get(last.new or "", last.new) if last else texts.LOOKUP_SENT
    lines.append(texts.LOOKUP_LAST_CHANGE.format(when=when, what=what))
    return "\n".join(line for line in lines if line)


def _open_ones(ctx: Context) -> list[Reply]:
    mine = [r for r in reversed(ctx.uow.requests.of_user(ctx.user_id)) if r.status not in CLOSED]
    if not mine:
        return [Text(texts.LOOKUP_NONE_OPEN)]
    lines = [texts.LOOKUP_LIST_TITLE] + [
        texts.LOOKUP_LIST_LINE.format(code=r.code, title=kind_title(ctx.catalog, r.kind),
                                      status=texts.STATUS_LABELS.get(r.status, r.status)) for r in mine]
    return [Text("\n".join(lines + [texts.LOOKUP_LIST_HINT.format(code=mine[0].code)]))]
