"""What every command group shares: the OA a command acts on (--oa), and its store with the schema
up to date."""
from __future__ import annotations

import functools

import click
from flask import Flask

from bot.store import upgrade_schema

OA_META = "bot.oa"  # where a command's --oa is kept in click's context
ALL_OA_COMMANDS = {"serve", "worker", "db", "doctor"}  # these act for every OA at once


def services_of(app: Flask):
    """The services of the OA a command is for: its --oa, else the main OA."""
    context = click.get_current_context(silent=True)
    name = context.meta.get(OA_META) if context is not None else None
    deployment = app.extensions["bot_deployment"]
    if not name:
        return deployment.main
    services = deployment.named(name)
    if services is None:
        raise click.ClickException(f"No OA named {name!r}; this deployment serves: {deployment.names()}.")
    return services


def add_oa_option(command: click.Command) -> None:
    """Give a command (every command of a group) --oa: which OA of EXTRA_OAS it acts on."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            add_oa_option(sub)
        return
    command.params.append(click.Option(["--oa"], default=None, metavar="NAME",
                                       help="The OA to act on: main (default) or a name from EXTRA_OAS."))
    callback = command.callback

    @functools.wraps(callback)
    def with_oa(*args, oa=None, **kwargs):
        click.get_current_context().meta[OA_META] = oa
        return callback(*args, **kwargs)

    command.callback = with_oa


def store_of(app: Flask):
    """The store with its schema up to date (commands may run on a fresh database)."""
    store = services_of(app).store
    upgrade_schema(store.engine)
    return store
