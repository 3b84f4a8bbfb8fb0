"""Command line: `flask --app wsgi serve | worker | db upgrade | staff …`."""
from __future__ import annotations

import functools
import logging
import os
import signal
import sys
import threading

import click
from flask import Flask
from flask.cli import AppGroup

from bot import groups
from bot.store import upgrade_schema


OA_META = "bot.oa"  # where a command's --oa is kept in click's context
ALL_OA_COMMANDS = {"serve", "worker", "db"}  # these act for every OA at once


def _services(app: Flask):
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


def _store(app: Flask):
    """The store with its schema up to date (commands may run on a fresh database)."""
    store = _services(app).store
    upgrade_schema(store.engine)
    return store


def start_background(app: Flask, scheduler: bool = True) -> tuple:
    """Start a worker for every OA, and the scheduler unless told not to (exactly one process runs it)."""
    from bot.scheduler import start_scheduler

    everyone = list(app.extensions["bot_deployment"])
    for services in everyone:
        services.worker.start()
    return [s.worker for s in everyone], (start_scheduler(*everyone) if scheduler else None)


def stop_background(app: Flask, workers: list, scheduler) -> None:
    """Stop the scheduler and the announcers first (they send through the workers), then the workers."""
    if scheduler is not None:
        scheduler.shutdown(wait=False)
        for services in app.extensions["bot_deployment"]:
            services.announcer.stop()
    for worker in workers:
        worker.stop()


def register(app: Flask) -> None:
    db = AppGroup("db", help="Database schema.")
    requests_group = AppGroup("requests", help="Requests residents submitted.")
    staff = AppGroup("staff", help="Leaders and volunteers.")

    @db.command("upgrade")
    def db_upgrade():
        """Apply schema migrations."""
        upgrade_schema(_services(app).store.engine)
        click.echo("Database schema is up to date.")

    @app.cli.command("serve")
    @click.option("--host", default=None, help="Address to listen on (default HOST or 127.0.0.1).")
    @click.option("--port", default=None, type=int, help="Port (default PORT or 8080).")
    def serve(host, port):
        """Run web, worker and scheduler in one process (the sandbox, or a small deployment)."""
        from werkzeug.serving import make_server

        services = _services(app)
        settings = services.settings
        host, port = host or settings.host, port or settings.port
        upgrade_schema(services.store.engine)
        standin = None
        if settings.sandbox:
            from bot.sandbox.runner import start_sandbox_standin
            standin = start_sandbox_standin(services, webhook_url=f"http://127.0.0.1:{port}/zalo/webhook")
        workers, scheduler = start_background(app)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # access lines carry user ids
        server = make_server(host, port, app, threaded=True)
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        if settings.sandbox:
            click.echo(f"SANDBOX MODE (no real Zalo). Open http://{shown}:{port}/sandbox")
        click.echo(f"Webhook: http://{shown}:{port}/zalo/webhook  Health: http://{shown}:{port}/healthz")
        signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            stop_background(app, workers, scheduler)
            if standin is not None:
                standin.shutdown()

    @app.cli.command("worker")
    @click.option("--without-scheduler", is_flag=True,
                  help="Only process events and send messages: for extra workers (the scheduler runs in exactly one).")
    def worker_command(without_scheduler):
        """Run the worker and the scheduler (add more workers with --without-scheduler)."""
        services = _services(app)
        upgrade_schema(services.store.engine)
        if services.settings.worker_nice:
            # Answering Zalo within 2 s matters more than how soon a reply goes out: on a machine
            # shared with the web processes, the worker yields the CPU to them.
            os.nice(services.settings.worker_nice)
        workers, scheduler = start_background(app, scheduler=not without_scheduler)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        click.echo("Worker running; stop with Ctrl+C or SIGTERM.")
        try:
            while not stop.wait(1.0):
                pass
        except KeyboardInterrupt:
            pass
        stop_background(app, workers, scheduler)

    @staff.command("add")
    @click.option("--zalo-id", required=True, help="The person's Zalo user id in this OA.")
    @click.option("--name", required=True)
    @click.option("--role", required=True, type=click.Choice(["leader", "volunteer"]))
    @click.option("--password", default=None, help="Dashboard password (at least 8 characters); stored hashed.")
    def staff_add(zalo_id, name, role, password):
        """Add a leader or volunteer (or change their name, role and password)."""
        if password is not None and len(password) < 8:
            raise click.ClickException("The password needs at least 8 characters.")
        with _store(app).unit() as uow:
            uow.staff.add(zalo_id.strip(), name.strip(), role)
            groups.add(uow, groups.STAFF_GROUP, [zalo_id.strip()], _services(app).settings.zalo_tags)
            if password is not None:
                uow.staff.set_password(zalo_id.strip(), password)
            uow.commit()
        click.echo(f"Saved {role} {name} ({zalo_id}).")

    @staff.command("list")
    def staff_list():
        """List leaders and volunteers."""
        with _store(app).unit() as uow:
            rows = uow.staff.list()
        if not rows:
            click.echo("No staff yet. Add one with: flask --app wsgi staff add --zalo-id ID --name NAME --role leader")
        for row in rows:
            click.echo(f"{row.role:<10} {row.zalo_id:<24} {row.name}")

    @staff.command("remove")
    @click.option("--zalo-id", required=True)
    def staff_remove(zalo_id):
        """Remove a staff member (they become an ordinary resident)."""
        with _store(app).unit() as uow:
            removed = uow.staff.remove(zalo_id.strip())
            if removed:
                groups.remove(uow, groups.key(groups.STAFF_GROUP), [zalo_id.strip()], _services(app).settings.zalo_tags)
            uow.commit()
        if not removed:
            raise click.ClickException(f"No staff member with Zalo id {zalo_id}.")
        click.echo(f"Removed {zalo_id}.")

    @requests_group.command("export")
    def requests_export():
        """Print every request as CSV (UTF-8): code, procedure, status, channel, time, resident, answers."""
        from bot.exports import write_requests_csv

        services = _services(app)
        with _store(app).unit() as uow:
            write_requests_csv(sys.stdout, uow, services.runtime.catalog)

    roster = AppGroup("roster", help="Volunteers' shifts (parts of the day from config/schedule.yaml).")

    @roster.command("add")
    @click.option("--zalo-id", required=True)
    @click.option("--part", required=True, help="sang, chieu or toi (config/schedule.yaml).")
    @click.option("--weekday", default=-1, type=click.IntRange(-1, 6), help="0 = Monday … 6 = Sunday; -1 every day.")
    def roster_add(zalo_id, part, weekday):
        """Put a volunteer on a shift."""
        catalog = _services(app).runtime.catalog
        if catalog.part(part) is None:
            raise click.ClickException(f"Unknown part {part!r}; use one of {', '.join(p.key for p in catalog.parts)}.")
        with _store(app).unit() as uow:
            if uow.staff.get(zalo_id) is None:
                raise click.ClickException(f"{zalo_id} is not staff; add them with: staff add")
            uow.staff.add_shift(zalo_id, part, weekday)
            uow.commit()
        click.echo(f"{zalo_id} is on the {part} shift ({'every day' if weekday < 0 else f'weekday {weekday}'}).")

    @roster.command("list")
    def roster_list():
        """List the shifts."""
        with _store(app).unit() as uow:
            for shift in sorted(uow.staff.shifts(), key=lambda s: (s.weekday, s.part)):
                day = "every day" if shift.weekday < 0 else f"weekday {shift.weekday}"
                click.echo(f"{day:<10} {shift.part:<6} {shift.staff_zalo_id}")

    @roster.command("remove")
    @click.option("--zalo-id", required=True)
    @click.option("--part", required=True)
    @click.option("--weekday", default=-1, type=click.IntRange(-1, 6))
    def roster_remove(zalo_id, part, weekday):
        """Take a volunteer off a shift."""
        with _store(app).unit() as uow:
            removed = uow.staff.remove_shift(zalo_id, part, weekday)
            uow.commit()
        if not removed:
            raise click.ClickException("No such shift.")
        click.echo("Removed.")

    app.cli.add_command(roster)
    app.cli.add_command(db)
    app.cli.add_command(requests_group)
    app.cli.add_command(staff)
    from bot import cli_announce, cli_groups, cli_households, cli_procedures
    cli_announce.register(app)
    cli_groups.register(app)
    cli_households.register(app)
    cli_procedures.register(app)
    for name, command in app.cli.commands.items():
        if name not in ALL_OA_COMMANDS:
            add_oa_option(command)
