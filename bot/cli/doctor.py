"""`flask --app wsgi doctor`: one line per check of this server, then exit 1 if any failed (bot/ops/doctor.py).
It acts for every OA. When the app itself does not start (wrong settings, a broken procedure file), wsgi.py
builds an app holding only this command, so the doctor names the cause instead of a traceback."""
from __future__ import annotations

import sys

import click
from flask import Flask

from bot.ops.doctor import examine, render
from bot.ops.doctor_texts import speaker
from config import ConfigError, load_settings
from config.settings import operator_language

# flask's own options that take a value: the word after them is not the command
FLASK_VALUE_OPTIONS = {"--app", "-A", "--env-file", "-e"}


def register(app: Flask, start_problem: BaseException | None = None) -> None:
    @app.cli.command("doctor")
    def doctor():
        """Check settings, database, Zalo token, staff, procedure files, DATA_KEY, disk, back-ups and
        clock: one line each, with how to mend what is wrong (LANG=vi_VN.UTF-8: in Vietnamese)."""
        say = speaker(operator_language())
        deployment = app.extensions.get("bot_deployment")
        settings, problem = (deployment.main.settings if deployment else None), None
        if settings is None:
            try:
                settings = load_settings()
            except ConfigError as exc:
                problem = exc
        results = examine(settings, say, problem, start_problem)
        for line in render(results, say):
            click.echo(line)
        if any(r.status == "fail" for r in results):
            raise SystemExit(1)


def doctor_requested(argv: list[str] | None = None) -> bool:
    """True while flask's command line loads the app for `doctor` (not gunicorn, not another command)."""
    if click.get_current_context(silent=True) is None:
        return False
    words = list(sys.argv[1:] if argv is None else argv)
    while words:
        word = words.pop(0)
        if word in FLASK_VALUE_OPTIONS:
            words = words[1:]
        elif not word.startswith("-"):
            return word == "doctor"
    return False


def doctor_only_app(start_problem: BaseException) -> Flask:
    """An app with nothing but `doctor`, for when the real one does not start."""
    app = Flask("bot")
    register(app, start_problem)
    return app
