"""Flood control: a resident who sends more than the configured number of messages within a few
seconds gets one «nhắn chậm lại» answer; the rest are kept (the dashboard shows them) but not answered
one by one, so a stuck key or a script cannot make the OA send hundreds of replies or notices."""
from __future__ import annotations

from datetime import datetime, timedelta

from bot import texts
from bot.handlers.context import Context
from bot.replies import Reply, Text


def verdict(arrived: list[datetime | None], limit: int, window: timedelta) -> str:
    """From the arrival times of a resident's latest messages (newest first, this one first, at least
    limit + 2 when there are): "answer" within the rate, "warn" for the first message over it, "quiet"
    for the ones after it until the resident slows down."""
    if not arrived or arrived[0] is None:
        return "answer"
    within = sum(1 for at in arrived if at is not None and at >= arrived[0] - window)
    if within <= limit:
        return "answer"
    return "warn" if within == limit + 1 else "quiet"


def check(ctx: Context) -> list[Reply] | None:
    """None when the message is within the rate (answer it as usual); else what to answer instead."""
    limit = ctx.runtime.flood_messages
    arrived = ctx.uow.events.arrival_times(ctx.user_id, ctx.event_id, limit + 2)
    said = verdict(arrived, limit, timedelta(seconds=ctx.runtime.flood_seconds))
    if said == "answer":
        return None
    return [Text(texts.FLOOD_SLOW_DOWN)] if said == "warn" else []
