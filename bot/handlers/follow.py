"""Follow and unfollow: keep the member's follower flag and greet newcomers."""
from __future__ import annotations

from bot.handlers.context import Context
from bot.handlers.menu import welcome
from bot.replies import Reply
from bot.services import groups


def on_follow(ctx: Context) -> list[Reply]:
    """A new member, or a returning one made active again (their name is fetched by a job)."""
    ctx.uow.members.set_follower(ctx.user_id, True)
    groups.on_follow(ctx.uow, ctx.user_id, ctx.runtime.zalo_tags)
    return welcome(ctx)


def on_chat_now(ctx: Context) -> list[Reply]:
    """The resident tapped «Nhắn tin» on the OA profile: the menu, unless a conversation is under way."""
    return [] if ctx.uow.conversations.get(ctx.user_id) else welcome(ctx)


def on_unfollow(ctx: Context) -> list[Reply]:
    """Kept for history, inactive: no announcements, no messages."""
    ctx.uow.members.set_follower(ctx.user_id, False, ctx.event.at)
    return []
