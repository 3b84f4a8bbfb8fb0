"""Leaders, volunteers and their shifts: `flask --app wsgi staff add|list|remove`, `roster add|list|remove`."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from bot.cli.common import services_of, store_of
from bot.services import groups


def register(app: Flask) -> None:
    staff = AppGroup("staff", help="Leaders and volunteers.")

    @staff.command("add")
    @click.option("--zalo-id", required=True, help="The person's Zalo user id in this OA.")
    @click.option("--name", required=True)
    @click.option("--role", required=True, type=click.Choice(["leader", "volunteer"]))
    # `--password` alone asks for it without echoing it: a password typed on the command line stays in
    # the shell's history and shows in the process list.
    @click.option("--password", default=None, prompt="Dashboard password", prompt_required=False, hide_input=True,
                  confirmation_prompt=True,
                  help="Dashboard password (at least 8 characters); stored hashed. Give --password alone to be "
                       "asked for it. Ends every dashboard session of that person.")
    def staff_add(zalo_id, name, role, password):
        """Add a leader or volunteer (or change their name, role and password)."""
        if password is not None and len(password) < 8:
            raise click.ClickException("The password needs at least 8 characters.")
        ended = 0
        with store_of(app).unit() as uow:
            uow.staff.add(zalo_id.strip(), name.strip(), role)
            groups.add(uow, groups.STAFF_GROUP, [zalo_id.strip()], services_of(app).settings.zalo_tags)
            if password is not None:
                ended = uow.staff.set_password(zalo_id.strip(), password)
            uow.commit()
        click.echo(f"Saved {role} {name} ({zalo_id}).")
        if ended:
            click.echo(f"Logged out of the dashboard: {ended} session(s) opened with the old password.")

    @staff.command("list")
    def staff_list():
        """List leaders and volunteers."""
        with store_of(app).unit() as uow:
            rows = uow.staff.list()
        if not rows:
            click.echo("No staff yet. Add one with: flask --app wsgi staff add --zalo-id ID --name NAME --role leader")
        for row in rows:
            click.echo(f"{row.role:<10} {row.zalo_id:<24} {row.name}")

    @staff.command("remove")
    @click.option("--zalo-id", required=True)
    def staff_remove(zalo_id):
        """Remove a staff member (they become an ordinary resident, logged out of the dashboard)."""
        with store_of(app).unit() as uow:
            removed = uow.staff.remove(zalo_id.strip())
            if removed:
                groups.remove(uow, groups.key(groups.STAFF_GROUP), [zalo_id.strip()], services_of(app).settings.zalo_tags)
            uow.commit()
        if not removed:
            raise click.ClickException(f"No staff member with Zalo id {zalo_id}.")
        click.echo(f"Removed {zalo_id}.")

    roster = AppGroup("roster", help="Volunteers' shifts (parts of the day from config/schedule.yaml).")

    @roster.command("add")
    @click.option("--zalo-id", required=True)
    @click.option("--part", required=True, help="sang, chieu or toi (config/schedule.yaml).")
    @click.option("--weekday", default=-1, type=click.IntRange(-1, 6), help="0 = Monday … 6 = Sunday; -1 every day.")
    def roster_add(zalo_id, part, weekday):
        """Put a volunteer on a shift."""
        catalog = services_of(app).runtime.catalog
        if catalog.part(part) is None:
            raise click.ClickException(f"Unknown part {part!r}; use one of {', '.join(p.key for p in catalog.parts)}.")
        with store_of(app).unit() as uow:
            if uow.staff.get(zalo_id) is None:
                raise click.ClickException(f"{zalo_id} is not staff; add them with: staff add")
            uow.staff.add_shift(zalo_id, part, weekday)
            uow.commit()
        click.echo(f"{zalo_id} is on the {part} shift ({'every day' if weekday < 0 else f'weekday {weekday}'}).")

    @roster.command("list")
    def roster_list():
        """List the shifts."""
        with store_of(app).unit() as uow:
            for shift in sorted(uow.staff.shifts(), key=lambda s: (s.weekday, s.part)):
                day = "every day" if shift.weekday < 0 else f"weekday {shift.weekday}"
                click.echo(f"{day:<10} {shift.part:<6} {shift.staff_zalo_id}")

    @roster.command("remove")
    @click.option("--zalo-id", required=True)
    @click.option("--part", required=True)
    @click.option("--weekday", default=-1, type=click.IntRange(-1, 6))
    def roster_remove(zalo_id, part, weekday):
        """Take a volunteer off a shift."""
        with store_of(app).unit() as uow:
            removed = uow.staff.remove_shift(zalo_id, part, weekday)
            uow.commit()
        if not removed:
            raise click.ClickException("No such shift.")
        click.echo("Removed.")

    app.cli.add_command(staff)
    app.cli.add_command(roster)
