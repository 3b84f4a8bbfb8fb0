"""Route one stored event: receipts and echoes are bookkeeping, the rest goes to a handler."""
from __future__ import annotations

from typing import Callable

from bot.events import InboundEvent
from bot.handlers import conversation, follow
from bot.handlers.context import Context, Runtime
from bot.replies import Reply
from bot.store import UnitOfWork

Handler = Callable[[Context], list[Reply]]

HANDLERS: dict[str, Handler] = {
    "follow": follow.on_follow,
    "unfollow": follow.on_unfollow,
    "user_click_chatnow": follow.on_chat_now,
}


def handle(uow: UnitOfWork, event_id: int, event: InboundEvent, runtime: Runtime) -> tuple[str, list[Reply]]:
    """Apply an event's effects; return the event's final status and the replies to send."""
    if event.is_receipt or event.user_id is None:
        return ("done" if event.is_receipt else "ignored"), []
    if event.is_oa_echo:
        if not uow.outbox.is_own_echo(event.user_id, event.msg_id, event.text):
            uow.outbox.record_staff_reply(event.user_id, event.msg_id, event.text, event_id)
        return "done", []
    if event.is_interaction:
        uow.members.record_interaction(event.user_id, event.at)
    handler = HANDLERS.get(event.name) or (conversation.on_message if event.name.startswith("user_send_") else None)
    if handler is None:
        return "ignored", []
    ctx = Context(uow=uow, event=event, event_id=event_id, role=uow.staff.role_of(event.user_id), runtime=runtime)
    return "done", handler(ctx)
