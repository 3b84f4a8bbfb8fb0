"""Greeting new followers with the main menu."""
from __future__ import annotations

from bot import texts
from bot.flows import render, state
from bot.handlers.context import Context
from bot.replies import Reply, Text


def welcome(ctx: Context) -> list[Reply]:
    """Greet and show the menu; a number typed next picks from it."""
    ctx.save(state.menu())
    return [Text(texts.WELCOME), render.main_menu(ctx.catalog)]
