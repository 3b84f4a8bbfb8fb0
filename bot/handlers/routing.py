"""Route one stored event: receipts and echoes are bookkeeping, the rest goes to a handler."""
from __future__ import annotations

from typing import Callable

from bot import texts
from bot.flows.answers import pick_option
from bot.handlers import announce, appointments, conversation, emergency, follow, handoff, my_data, staff_commands
from bot.handlers.context import Context, Runtime
from bot.replies import Reply, Text
from bot.services import announcements, casework
from bot.store import UnitOfWork
from bot.web.events import InboundEvent

Handler = Callable[[Context], list[Reply]]

HANDLERS: dict[str, Handler] = {
    "follow": follow.on_follow,
    "unfollow": follow.on_unfollow,
    "user_click_chatnow": follow.on_chat_now,
    "user_call_oa": lambda ctx: on_user_message(ctx),  # a call the OA cannot take: offer a call back
}


def on_user_message(ctx: Context) -> list[Reply]:
    """An emergency is answered before anything else (waiting notices wait for the next message);
    otherwise notices that waited for this message come first, then the answer to the message itself."""
    if (replies := emergency.resident_message(ctx)) is not None:
        return replies
    return waiting_notices(ctx) + _answer(ctx)


def waiting_notices(ctx: Context) -> list[Reply]:
    """What could not reach the member outside Zalo's 7-day window: status updates in one message
    under «Bác có N thông báo mới…», then each ward announcement as it was sent to everyone."""
    updates = ctx.uow.notices.take(ctx.user_id)
    announced = announcements.waiting_replies(ctx.uow, ctx.user_id, ctx.runtime.clock())
    if not updates and not announced:
        return []
    intro = texts.PENDING_INTRO.format(n=len(updates) + len(announced))
    replies: list[Reply] = [Text("\n".join([intro] + [f"- {t}" for t in updates]))]
    return replies + [reply for message in announced for reply in message]


def _answer(ctx: Context) -> list[Reply]:
    """Staff commands first (role checked now), then a person's chat if one is open, then the bot."""
    state = ctx.uow.conversations.get(ctx.user_id)
    if ctx.is_staff:
        if (replies := announce.leader_command(ctx, state)) is not None:
            return replies
        for step in (staff_commands.handle, handoff.relay_from_staff):
            if (replies := step(ctx)) is not None:
                return replies
    if (replies := handoff.resident_message(ctx)) is not None:
        return replies
    if (replies := announce.member_command(ctx)) is not None:
        return replies
    if (replies := my_data.handle(ctx, state)) is not None:
        return replies
    if (replies := handoff.rating(ctx, state)) is not None:
        return replies
    if (replies := follow_up_reply(ctx, state)) is not None:
        return replies
    if (replies := appointments.resident_command(ctx)) is not None:
        return replies
    return conversation.on_message(ctx)


def follow_up_reply(ctx: Context, state: dict | None) -> list[Reply] | None:
    """The answer to «Đã được xử lý chưa?» about a finished report; None when not waiting for one."""
    if not state or state.get("mode") != "follow_up" or ctx.event.name != "user_send_text":
        return None
    answer = pick_option(ctx.event.text or "", texts.FOLLOW_UP_OPTIONS)
    if answer is None:
        ctx.uow.conversations.save(ctx.user_id, {"mode": "menu"})
        return None
    return casework.follow_up_answer(ctx.uow, ctx.user_id, state, answer, ctx.runtime.clock())


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
