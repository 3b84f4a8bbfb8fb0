"""Requests residents submitted: `flask --app wsgi requests export`."""
from __future__ import annotations

import sys

from flask import Flask
from flask.cli import AppGroup

from bot.cli.common import services_of, store_of
from bot.services.exports import write_requests_csv


def register(app: Flask) -> None:
    requests_group = AppGroup("requests", help="Requests residents submitted.")

    @requests_group.command("export")
    def requests_export():
        """Print every request as CSV (UTF-8): code, procedure, status, channel, time, resident, answers."""
        services = services_of(app)
        with store_of(app).unit() as uow:
            write_requests_csv(sys.stdout, uow, services.runtime.catalog)

    app.cli.add_command(requests_group)
