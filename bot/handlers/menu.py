"""The main menu and the answers that fall back to it."""
from __future__ import annotations

from bot import texts
from bot.handlers.context import Context
from bot.replies import Choices, Reply, Text

MENU_OPTIONS = ("Thủ tục hành chính", "Phản ánh, kiến nghị", "Đặt lịch hỗ trợ", "Gặp cán bộ")


def main_menu() -> Choices:
    return Choices(texts.MENU_TITLE, MENU_OPTIONS)


def welcome(ctx: Context) -> list[Reply]:
    """Greet a new follower (or anyone saying hello) and show the menu."""
    return [Text(texts.WELCOME), main_menu()]


def unsupported(ctx: Context) -> list[Reply]:
    """Stickers, voice, files and the like outside a question: a polite word and the menu."""
    return [Text(texts.UNSUPPORTED), main_menu()]
