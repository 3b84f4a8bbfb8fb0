"""`flask --app wsgi db backup [-o FILE]` and `db restore FILE [--force]`: the database every OA shares,
copied while the bot runs and put back into an empty database (bot/ops/backups.py)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from bot.clock import utcnow
from bot.ops import backups
from bot.store import upgrade_schema


def add_backup_commands(db: click.Group, app: Flask) -> None:
    """Add `backup` and `restore` to the `db` group."""

    def main_services():
        return app.extensions["bot_deployment"].main  # the database is shared: any OA's would do

    @db.command("backup")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Write the copy exactly here (nothing is deleted). Default: a dated file in BACKUP_DIR, "
                       "keeping the newest BACKUP_KEEP.")
    def db_backup(output):
        """Copy the database while the bot keeps running (SQLite backup API, or pg_dump on PostgreSQL)."""
        services = main_services()
        settings, engine = services.settings, services.store.engine
        how = "SQLite online backup" if engine.dialect.name == "sqlite" else "pg_dump"
        try:
            if output is not None:
                path = backups.write_copy(engine, output)
            else:
                path = backups.backup(engine, settings.backup_dir, settings.backup_keep, utcnow())
        except (backups.BackupError, OSError) as exc:
            if output is None:
                backups.record_outcome(settings.backup_dir, utcnow(), str(exc))
            raise click.ClickException(f"Back-up failed ({how}): {exc}") from None
        if output is None:
            backups.record_outcome(settings.backup_dir, utcnow())
        click.echo(f"Back-up written ({how}): {path} ({path.stat().st_size:,} bytes). Personal data in it stays "
                   "sealed: it opens only with this DATA_KEY, so keep a copy of DATA_KEY apart from the back-ups.")

    @db.command("restore")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Drop what the database holds and replace it with the copy.")
    def db_restore(file, force):
        """Restore a back-up into the (empty) database of DATABASE_URL; stop the bot first."""
        engine = main_services().store.engine
        try:
            backups.restore(file, engine, force=force)
        except backups.BackupError as exc:
            raise click.ClickException(f"Not restored: {exc}") from None
        upgrade_schema(engine)  # a copy made by an older version gets this version's migrations
        click.echo(f"Restored {file.name}, and brought its schema up to date (as `flask --app wsgi db upgrade` "
                   "does). Start the bot with the same DATA_KEY as when the copy was made.")
