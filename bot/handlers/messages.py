"""What a user sends: text goes to the conversation, other media get a polite answer."""
from __future__ import annotations

from bot.handlers.context import Context
from bot.handlers.menu import unsupported, welcome
from bot.replies import Reply


def on_text(ctx: Context) -> list[Reply]:
    return welcome(ctx)


def on_media(ctx: Context) -> list[Reply]:
    return unsupported(ctx)
