"""Command line: `flask --app wsgi …`, one module per command group."""
from __future__ import annotations

from flask import Flask

from bot.cli import announce, doctor, groups, households, procedures, requests, run, staff, tokens
from bot.cli.common import ALL_OA_COMMANDS, add_oa_option


def register(app: Flask) -> None:
    """Add every command group; each command but those that act for every OA takes --oa."""
    for module in (run, staff, requests, announce, groups, households, procedures, doctor, tokens):
        module.register(app)
    for name, command in app.cli.commands.items():
        if name not in ALL_OA_COMMANDS:
            add_oa_option(command)
