"""A resident answers an announcement's sign-up. A button tap sends «#dangky 12» (unseen in the chat),
tied to announcement 12 whatever the resident is doing, also in the middle of a procedure. A typed
«đăng ký», «2 người», «không tham gia», «hủy đăng ký» is taken outside a procedure only, for the sign-ups
this member received and can still answer (with several, they pick one); otherwise it goes on to the
rest of the bot («đăng ký khai sinh» starts that procedure)."""
from __future__ import annotations

import re

from bot import texts
from bot.flows.phrases import SIGNUP_CANCEL, SIGNUP_NO, SIGNUP_PEOPLE_WORDS, SIGNUP_YES
from bot.flows.state import Mode, State
from bot.flows.text import normalize, similar_phrase
from bot.handlers.context import Context
from bot.replies import Choices, Reply, Text
from bot.services import signups
from bot.store.signups import GOING, WAITING

TIED = re.compile(rf"^({'|'.join(map(re.escape, signups.PAYLOADS))}) (\d{{1,12}})(?: (\d{{1,3}}))?$")
PEOPLE = re.compile(r"^(.*?)\b(\d{1,3}) nguoi\b(.*)$")
# Side conversations waiting for their own answer: a typed «đăng ký» there is theirs, not a sign-up.
BUSY = frozenset({Mode.RATE, Mode.FOLLOW_UP, Mode.DUPLICATE, Mode.ERASE_CONFIRM, Mode.ANNOUNCE, Mode.PROOF})


def tied_answer(ctx: Context, state: State) -> list[Reply] | None:
    """A sign-up button's payload; None for any other message."""
    if ctx.event.name != "user_send_text":
        return None
    match = TIED.match((ctx.event.text or "").strip())
    if match is None:
        return None
    action, announcement_id = match.group(1), int(match.group(2))
    people = int(match.group(3)) if match.group(3) else None
    announcement = next((a for a in _answerable(ctx) if a.id == announcement_id), None)
    if announcement is None:  # gone, held, or never sent to this member
        replies: list[Reply] = [Text(_closed_or_unknown(ctx, announcement_id))]
    else:
        replies = _apply(ctx, announcement, action, people)
    if state.in_procedure:
        replies.append(Text(texts.LOOKUP_BACK_TO_QUESTION))
    return replies


def _closed_or_unknown(ctx: Context, announcement_id: int) -> str:
    """«already held» for a sign-up this member answered or received; otherwise nothing is told."""
    announcement = ctx.uow.announcements.get(announcement_id)
    if announcement is not None and announcement.signup_title and (
            ctx.uow.signups.get(announcement_id, ctx.user_id) is not None
            or ctx.uow.signups.received(announcement_id, ctx.user_id)):
        return texts.SIGNUP_CLOSED.format(title=announcement.signup_title)
    return texts.SIGNUP_UNKNOWN


def typed_answer(ctx: Context, state: State) -> list[Reply] | None:
    """«đăng ký», «2 người», «không tham gia», «hủy đăng ký» outside a procedure, when this member has a
    sign-up to answer; None otherwise."""
    if ctx.event.name != "user_send_text" or state.in_procedure or state.mode in BUSY:
        return None
    action, people = read(normalize(ctx.event.text or ""))
    if action is None:
        return None
    candidates = _answerable(ctx)
    if action == signups.CANCEL:
        mine = [a for a in candidates if _status(ctx, a.id) in (GOING, WAITING)]
        candidates = mine or candidates[-1:]  # nothing to cancel: say so about the latest
    if not candidates:
        return None
    if len(candidates) == 1:
        return _apply(ctx, candidates[0], action, people)
    return [_which(candidates, action, people)]


def read(said: str) -> tuple[str | None, int | None]:
    """(the action a payload would name, how many people) of a typed answer; (None, None) if it is none."""
    if any(similar_phrase(said, phrase) for phrase in SIGNUP_CANCEL):
        return signups.CANCEL, None
    if any(similar_phrase(said, phrase) for phrase in SIGNUP_NO):
        return signups.DECLINE, None
    if any(similar_phrase(said, phrase) for phrase in SIGNUP_YES):
        return signups.SIGN_UP, None
    if match := PEOPLE.match(said):
        rest = f"{match.group(1)} {match.group(3)}"
        for word in sorted(SIGNUP_PEOPLE_WORDS, key=len, reverse=True):
            rest = re.sub(rf"\b{word}\b", " ", rest)
        if not rest.split():
            return signups.PEOPLE, int(match.group(2))
    return None, None


def _answerable(ctx: Context):
    return ctx.uow.signups.open_for(ctx.user_id, ctx.runtime.clock())


def _status(ctx: Context, announcement_id: int) -> str | None:
    row = ctx.uow.signups.get(announcement_id, ctx.user_id)
    return row.status if row is not None else None


def _apply(ctx: Context, announcement, action: str, people: int | None) -> list[Reply]:
    now = ctx.runtime.clock()
    if action == signups.CANCEL:
        return signups.cancel(ctx.uow, announcement, ctx.user_id, now)
    if action == signups.DECLINE:
        return signups.decline(ctx.uow, announcement, ctx.user_id, now)
    return signups.sign_up(ctx.uow, announcement, ctx.user_id, people if action == signups.PEOPLE else None, now)


def _which(candidates, action: str, people: int | None) -> Choices:
    """Several sign-ups open: one button per event (at most five, the latest), each tied to its own."""
    shown = candidates[-5:]
    suffix = f" {people}" if action == signups.PEOPLE and people else ""
    return Choices(texts.SIGNUP_WHICH, tuple(a.signup_title for a in shown),
                   payloads=tuple(f"{action} {a.id}{suffix}" for a in shown))
