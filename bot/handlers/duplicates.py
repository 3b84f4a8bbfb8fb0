"""A report like an open one: offer to follow that one instead (the answers wait in the conversation state),
and follow it when the resident chooses to."""
from __future__ import annotations

from bot import texts
from bot.flows import engine
from bot.flows import state as conversation
from bot.flows.engine import FollowReport, Submit
from bot.flows.state import State
from bot.handlers.context import Context
from bot.replies import Reply, Text
from bot.services.casework import REPORT_KIND
from bot.services.duplicates import find_duplicate


def offer(ctx: Context, effect: Submit, before: State) -> tuple[list[Reply], State] | None:
    """The offer and the state that keeps the answers, when an open report of the same thing exists."""
    if effect.anyway or effect.procedure_id != REPORT_KIND:
        return None
    found = find_duplicate(ctx.uow, effect.procedure_id, effect.answers)
    if found is None:
        return None
    waiting = conversation.duplicate_offer(before, effect.procedure_id, effect.answers, effect.channel,
                                           found.request.id, found.request.code, found.reporters)
    return [engine.duplicate_question(waiting)], waiting


def follow(ctx: Context, effect: FollowReport) -> list[Reply]:
    """Follow the open report (its author follows it already); no new request is made."""
    request = ctx.uow.casework.get(effect.request_id)
    if request is not None and request.user_id != ctx.user_id:
        ctx.uow.requests.add_follower(request.id, ctx.user_id, ctx.runtime.clock())
    return [Text(texts.DUPLICATE_FOLLOWING.format(code=effect.code))]
