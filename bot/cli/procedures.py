"""Command line for the procedure files: `flask --app wsgi procedures check [--as-of DATE]` lists what needs a
person's look (rules starting or stopping within 60 days, files not reviewed for 6 months, ended sources) and
fails on a file never reviewed. A rule without its source never gets this far: the bot refuses to start."""
from __future__ import annotations

from datetime import date

import click
from flask import Flask
from flask.cli import AppGroup

from bot.cli.common import services_of
from bot.clock import local
from bot.flows.review import review
from bot.store.models import utcnow

KIND_TITLES = {"never_reviewed": "NEVER REVIEWED", "stale": "not reviewed for 6 months", "starts": "starts soon",
               "stops": "stops soon", "source_ended": "ended", "button_cut": "button cut"}


def register(app: Flask) -> None:
    group = AppGroup("procedures", help="The procedure files (config/procedures).")

    @group.command("check")
    @click.option("--as-of", "as_of", default=None, help="The day to check on (YYYY-MM-DD; default today in Vietnam).")
    def check(as_of):
        """List rules starting or stopping within 60 days, stale files and ended sources; fail on a file
        never reviewed."""
        try:
            day = date.fromisoformat(as_of) if as_of else local(utcnow()).date()
        except ValueError:
            raise click.BadParameter("use YYYY-MM-DD", param_hint="--as-of") from None
        procedures = services_of(app).runtime.catalog.procedures
        findings = review(procedures, day)
        for finding in findings:
            click.echo(f"{finding.procedure}: {KIND_TITLES[finding.kind]}: {finding.detail}")
        failing = [f for f in findings if f.failing]
        click.echo(f"{len(procedures)} files checked on {day.isoformat()}: {len(findings)} to look at, "
                   f"{len(failing)} failing.")
        if failing:
            raise SystemExit(1)

    app.cli.add_command(group)
