"""The copying itself, per database: SQLite's online backup API (a consistent snapshot while the bot
writes) and PostgreSQL's pg_dump / pg_restore (custom format), run as programs."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
CLIENT_PACKAGE = "postgresql-client"  # the Debian package with pg_dump and pg_restore


class BackupError(RuntimeError):
    """A back-up or restore could not be done; the message says why and what to do. `reason` sorts it
    for the leaders' chat notice (texts.BACKUP_REASONS)."""

    def __init__(self, message: str, reason: str = "other"):
        super().__init__(message)
        self.reason = reason


def private_file(path: Path) -> None:
    """Create an empty file only the bot's user can read: the copy holds residents' (sealed) data."""
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def copy_sqlite(database: str, target: Path) -> None:
    """Copy a live SQLite database in one step of the backup API: one read transaction, so the copy is
    the database as it was at one moment, while writers go on (WAL). The copy is a single file."""
    private_file(target)
    with closing(sqlite3.connect(database, timeout=30)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # no -wal file beside the copy


def restore_sqlite(copy: Path, database: str) -> None:
    """Write a copy over a SQLite database through the backup API (safe even if the target uses WAL)."""
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(copy)) as source, closing(sqlite3.connect(database, timeout=30)) as target:
        source.backup(target)


def libpq_address(url) -> tuple[str, str | None]:
    """SQLAlchemy's postgresql+psycopg://… as pg_dump takes it, without the password (returned apart:
    it goes in PGPASSWORD, never on a command line that `ps` shows)."""
    address = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return address, url.password


def pg_dump(url, target: Path) -> None:
    """pg_dump in its custom format: one consistent snapshot while the bot writes."""
    address, password = libpq_address(url)
    private_file(target)
    run("pg_dump", ["--format=custom", "--no-password", f"--file={target}", f"--dbname={address}"], password)


def pg_restore(copy: Path, url) -> None:
    """pg_restore into an empty database, all or nothing (one transaction), owned by the URL's user."""
    address, password = libpq_address(url)
    run("pg_restore", ["--no-owner", "--no-privileges", "--no-password", "--exit-on-error", "--single-transaction",
                       f"--dbname={address}", str(copy)], password)


def run(tool: str, arguments: list[str], password: str | None) -> None:
    """Run a PostgreSQL client program; its error output becomes the BackupError's message."""
    program = shutil.which(tool)
    if program is None:
        raise BackupError(f"{tool} is not installed (or not on PATH): install the Debian package {CLIENT_PACKAGE} "
                          f"(apt-get install {CLIENT_PACKAGE}), of the server's major version or newer.",
                          reason="missing_tool")
    env = {**os.environ, "PGPASSWORD": password} if password else None
    done = subprocess.run([program, *arguments], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        detail = " ".join(done.stderr.split())[-400:] or f"exit code {done.returncode}"
        raise BackupError(f"{tool} failed: {detail}")


def kind_of_file(path: Path) -> str | None:
    """'sqlite' or 'postgresql' by the file's first bytes; None for anything else."""
    with open(path, "rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return "sqlite"
    return "postgresql" if head.startswith(PGDUMP_MAGIC) else None


def tables(engine) -> list[str]:
    """The tables of the database (on PostgreSQL: of its current schema)."""
    query = ("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
             if engine.dialect.name == "sqlite" else
             "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    with engine.connect() as connection:
        return list(connection.exec_driver_sql(query).scalars())


def drop_postgres_tables(engine, names: list[str]) -> None:
    """Empty a PostgreSQL schema before a forced restore: its tables and the sequences left over."""
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS " + ", ".join(f'"{n}"' for n in names) + " CASCADE")
        left = connection.exec_driver_sql("SELECT sequencename FROM pg_sequences "
                                          "WHERE schemaname = current_schema()").scalars().all()
        if left:
            connection.exec_driver_sql("DROP SEQUENCE IF EXISTS " + ", ".join(f'"{n}"' for n in left) + " CASCADE")
