"""Command line for member groups: `flask --app wsgi groups add|remove|list|show|delete`. Members are
named by Zalo id, registered phone number or request code (DKTV-0003); lists mask phone numbers."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from bot.cli.common import services_of, store_of
from bot.services import groups

MEMBER_HELP = "A member: Zalo id, registered phone number or request code (repeatable)."


def register(app: Flask) -> None:
    group = AppGroup("groups", help="Groups of members (mirrored to Zalo tags) that announcements can target.")

    def existing(uow, name) -> str:
        stored = uow.groups.find(groups.key(name))
        if stored is None:
            raise click.ClickException(f"No group {name!r}.")
        return stored

    def found(uow, zalo_ids, members) -> list[str]:
        result = groups.resolve(uow, [*members])
        if result.missing:
            click.echo("Not found (register as a member first): " + ", ".join(result.missing), err=True)
        return list(dict.fromkeys([*(z.strip() for z in zalo_ids if z.strip()), *result.user_ids]))

    @group.command("add")
    @click.argument("name")
    @click.option("--zalo-id", "zalo_ids", multiple=True, help="A member's Zalo id (repeatable).")
    @click.option("--member", "members", multiple=True, help=MEMBER_HELP)
    def add_command(name, zalo_ids, members):
        """Put members in a group (made on first use)."""
        if not groups.key(name):
            raise click.ClickException("The group needs a name.")
        with store_of(app).unit() as uow:
            stored, added = groups.add(uow, name, found(uow, zalo_ids, members), services_of(app).settings.zalo_tags)
            uow.commit()
        click.echo(f"{added} added to {stored!r}.")

    @group.command("remove")
    @click.argument("name")
    @click.option("--zalo-id", "zalo_ids", multiple=True)
    @click.option("--member", "members", multiple=True, help=MEMBER_HELP)
    def remove_command(name, zalo_ids, members):
        """Take members out of a group."""
        with store_of(app).unit() as uow:
            removed = groups.remove(uow, groups.key(name), found(uow, zalo_ids, members),
                                    services_of(app).settings.zalo_tags)
            uow.commit()
        click.echo(f"{removed} removed from {name!r}.")

    @group.command("list")
    def list_command():
        """Groups and how many members each has."""
        with store_of(app).unit() as uow:
            sizes = uow.groups.sizes()
        if not sizes:
            click.echo("No groups yet. Add members with: flask --app wsgi groups add \"khu A\" --member 0912345678")
        for name, count in sizes.items():
            click.echo(f"{count:>5}  {name}")

    @group.command("show")
    @click.argument("name")
    def show_command(name):
        """A group's members (phone numbers masked). Written to the audit log."""
        with store_of(app).unit() as uow:
            stored = existing(uow, name)
            people = groups.roster(uow, groups.key(name))
            uow.audit.record("cli", "command line", "view_group", stored)
            uow.commit()
        for person in people:
            click.echo(f"{person.user_id:<24} {person.phone or '-':<12} {person.name}"
                       + ("" if person.following else "  (unfollowed)"))

    @group.command("delete")
    @click.argument("name")
    def delete_command(name):
        """Delete a group (and its Zalo tag); past announcements keep their record."""
        with store_of(app).unit() as uow:
            stored = existing(uow, name)
            count = groups.delete(uow, groups.key(name), services_of(app).settings.zalo_tags)
            uow.commit()
        click.echo(f"Deleted {stored!r} ({count} members).")

    app.cli.add_command(group)
