"""Route one stored event: receipts and echoes are bookkeeping, the rest goes to a handler, in the order
ROUTES declares (the emergency check before them all, the conversation engine after)."""
from __future__ import annotations

from typing import Callable

from bot import texts
from bot.events import InboundEvent
from bot.flows.answers import pick_option
from bot.flows.state import Mode, State
from bot.handlers import (
    announce,
    appointments,
    conversation,
    emergency,
    flood,
    follow,
    handoff,
    lookup,
    my_data,
    signup,
    staff_commands,
)
from bot.handlers.context import Context, Runtime
from bot.replies import Reply, Text
from bot.services import announcements, casework, proofs
from bot.store import UnitOfWork

Handler = Callable[[Context], list[Reply]]
Route = Callable[[Context, State], list[Reply] | None]

HANDLERS: dict[str, Handler] = {
    "follow": follow.on_follow,
    "unfollow": follow.on_unfollow,
    "user_click_chatnow": follow.on_chat_now,
    "user_call_oa": lambda ctx: on_user_message(ctx),  # a call the OA cannot take: offer a call back
}


def on_user_message(ctx: Context) -> list[Reply]:
    """An emergency is answered before anything else (waiting notices wait for the next message), then
    flood control holds back a resident sending faster than anyone types; otherwise notices that waited for this message come first, then the answer to the message itself."""
    if (replies := emergency.resident_message(ctx)) is not None:
        return replies
    if not ctx.is_staff and (replies := flood.check(ctx)) is not None:
        return replies
    cut = [Text(texts.TEXT_CUT)] if ctx.event.text_cut and not ctx.is_staff else []
    held = ctx.uow.notices.take(ctx.user_id)
    proved = [code for kind, code in held if kind == proofs.PROOF_WAITS]
    notices = waiting_notices(ctx, [text for kind, text in held if kind != proofs.PROOF_WAITS])
    answer = _answer(ctx)
    asked = proofs.waiting_ratings(ctx.uow, proved) if proved else []  # after the answer: it sets the state
    return cut + notices + proofs.waiting_photos(ctx.uow, proved) + answer + asked


def waiting_notices(ctx: Context, updates: list[str]) -> list[Reply]:
    """What could not reach the member outside Zalo's 7-day window: status updates in one message
    under «Bác có N thông báo mới…», then each ward announcement as it was sent to everyone."""
    announced = announcements.waiting_replies(ctx.uow, ctx.user_id, ctx.runtime.clock())
    if not updates and not announced:
        return []
    intro = texts.PENDING_INTRO.format(n=len(updates) + len(announced))
    replies: list[Reply] = [Text("\n".join([intro] + [f"- {t}" for t in updates]))]
    return replies + [reply for message in announced for reply in message]


def _staff(step: Route) -> Route:
    """A route only staff take (their role is read from the database on every message)."""
    return lambda ctx, state: step(ctx, state) if ctx.is_staff else None


def _without_state(step: Callable[[Context], list[Reply] | None]) -> Route:
    return lambda ctx, state: step(ctx)


# The order a message from a person is offered to each part of the bot, after the emergency check: the
# first that answers it keeps it; the conversation engine (procedures, the menu) takes the rest.
ROUTES: tuple[tuple[str, Route], ...] = (
    ("a sign-up button's answer («#dangky 12»), tied to its announcement whatever else is going on",
     signup.tied_answer),
    ("a leader's announcement, begun or being composed (Mode.ANNOUNCE)", _staff(announce.leader_command)),
    ("staff commands: trực, nhận, xong, thống kê, yêu cầu mới…", _staff(_without_state(staff_commands.handle))),
    ("a staff member writing to the resident whose chat they hold", _staff(_without_state(handoff.relay_from_staff))),
    ("a resident whose chat a person holds, or waits for one", _without_state(handoff.resident_message)),
    ("«dừng nhận tin», «nhận tin lại»", _without_state(announce.member_command)),
    ("a typed sign-up answer («đăng ký», «2 người», «hủy đăng ký») outside a procedure", signup.typed_answer),
    ("«dữ liệu của tôi», «xóa dữ liệu của tôi» and its confirmation (Mode.ERASE_CONFIRM)", my_data.handle),
    ("the rating after a handoff (Mode.RATE)", handoff.rating),
    ("the follow-up of a finished report (Mode.FOLLOW_UP)", lambda ctx, state: follow_up_reply(ctx, state)),
    ("«hủy lịch», «đổi lịch»", _without_state(appointments.resident_command)),
    ("a code to look up («TT-0001», «tra cứu TT-0001»), «hồ sơ của tôi»", lookup.handle),
)


def _answer(ctx: Context) -> list[Reply]:
    state = ctx.state()
    for _what, route in ROUTES:
        if (replies := route(ctx, state)) is not None:
            return replies
    return conversation.on_message(ctx)


def follow_up_reply(ctx: Context, state: State) -> list[Reply] | None:
    """The answer to «Đã được xử lý chưa?» about a finished report; None when not waiting for one."""
    if state.mode != Mode.FOLLOW_UP or ctx.event.name != "user_send_text":
        return None
    answer = pick_option(ctx.event.text or "", texts.FOLLOW_UP_OPTIONS)
    if answer is None:
        ctx.save(state.reset())
        return None
    return casework.follow_up_answer(ctx.uow, ctx.user_id, state.request, answer, ctx.runtime.clock())


def handle(uow: UnitOfWork, event_id: int, event: InboundEvent, runtime: Runtime) -> tuple[str, list[Reply]]:
    """Apply an event's effects; return the event's final status and the replies to send."""
    if event.is_receipt or event.user_id is None:
        return ("done" if event.is_receipt else "ignored"), []
    if event.is_oa_echo:
        if not uow.outbox.is_own_echo(event.user_id, event.msg_id, event.text):
            uow.outbox.record_staff_reply(event.user_id, event.msg_id, event.text, event_id)
            handoff.console_reply(uow, event.user_id, runtime.clock())
        return "done", []
    if event.is_interaction:
        uow.members.record_interaction(event.user_id, event.at)
    handler = HANDLERS.get(event.name) or (on_user_message if event.name.startswith("user_send_") else None)
    if handler is None:
        return "ignored", []
    ctx = Context(uow=uow, event=event, event_id=event_id, role=uow.staff.role_of(event.user_id), runtime=runtime)
    return "done", handler(ctx)
