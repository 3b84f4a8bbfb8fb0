"""Running the bot: `flask --app wsgi serve` (web, worker and scheduler in one process), `worker`, and
`db upgrade` (`db backup` and `db restore`: bot/cli/backup.py)."""
from __future__ import annotations

import logging
import os
import signal
import threading

import click
from flask import Flask
from flask.cli import AppGroup

from bot.cli.backup import add_backup_commands
from bot.cli.common import services_of
from bot.runtime.scheduler import serve_more, start_scheduler
from bot.services import name_search
from bot.store import upgrade_schema

log = logging.getLogger(__name__)


def start_background(app: Flask, scheduler: bool = True) -> tuple:
    """Start a worker for every OA, and the scheduler unless told not to (exactly one process runs it)."""
    deployment = app.extensions["bot_deployment"]
    for name in deployment.without_leader():
        log.warning("OA %s has no leader: a resident asking for a person reaches nobody until one is added "
                    "(flask --app wsgi staff add ... --role leader)", name)
    everyone = list(deployment)
    for services in everyone:
        if scheduler:  # once per deployment: names stored before the name index existed
            with services.store.unit() as uow:
                name_search.backfill(uow, services.runtime.catalog)
                uow.commit()
        services.worker.start()
    if scheduler:
        deployment.when_added(serve_more)  # OAs listed in OAS_FILE while running join every job
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
    db = AppGroup("db", help="Database schema and back-ups.")

    @db.command("upgrade")
    def db_upgrade():
        """Apply schema migrations."""
        upgrade_schema(services_of(app).store.engine)
        click.echo("Database schema is up to date.")

    add_backup_commands(db, app)  # db backup, db restore

    @app.cli.command("serve")
    @click.option("--host", default=None, help="Address to listen on (default HOST or 127.0.0.1).")
    @click.option("--port", default=None, type=int, help="Port (default PORT or 8080).")
    def serve(host, port):
        """Run web, worker and scheduler in one process (the sandbox, or a small deployment)."""
        from werkzeug.serving import make_server

        services = services_of(app)
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
        services = services_of(app)
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

    app.cli.add_command(db)
