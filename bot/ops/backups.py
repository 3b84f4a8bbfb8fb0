"""Back-ups that restore: a consistent copy of the live database (SQLite's online backup API, or pg_dump
on PostgreSQL) named by the local time it was taken (Vietnam, UTC+7: bot-2026-12-03-0300.sqlite3 /
.pgdump), the newest BACKUP_KEEP kept; and the way back, into an empty database. Residents' personal data
stays sealed in the copy: it opens with the same DATA_KEY only.

The outcome of the last back-up into a folder is kept beside the copies (last-backup.json): /healthz,
answered by the web processes, reports what the worker's nightly job met."""
from __future__ import annotations

import errno
import json
import os
import re
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from bot.clock import local, utc
from bot.ops import dumps
from bot.ops.dumps import BackupError
from bot.store import make_engine

__all__ = ["BackupError", "backup", "health", "newest", "reason", "record_outcome", "restore", "write_copy"]
NAME = re.compile(r"bot-(\d{4}-\d{2}-\d{2}-\d{4})\.(sqlite3|pgdump)")
STAMP = "%Y-%m-%d-%H%M"
SUFFIX = {"sqlite": "sqlite3", "postgresql": "pgdump"}
STATUS_FILE = "last-backup.json"
STALE_AFTER = timedelta(days=2)


@contextmanager
def _engine(source):
    """The engine given, or one made for a URL (and closed afterwards)."""
    if not isinstance(source, str):
        yield source
        return
    engine = make_engine(source)
    try:
        yield engine
    finally:
        engine.dispose()


def backup(source, folder: Path, keep: int, now: datetime) -> Path:
    """Copy the database (an engine or a URL) into `folder`, named by `now` (naive UTC) in local time, and
    delete all but the newest `keep` back-ups there (only files named like ours)."""
    folder = Path(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _engine(source) as engine:
        name = f"bot-{local(now).strftime(STAMP)}.{SUFFIX[engine.dialect.name]}"
        path = write_copy(engine, folder / name)
    for old, _taken in _backups_in(folder)[keep:]:
        old.unlink(missing_ok=True)
    return path


def write_copy(source, path: Path) -> Path:
    """Write a consistent copy of the live database to exactly `path`: through a temporary file beside
    it, so `path` is never half written."""
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    try:
        with _engine(source) as engine:
            if engine.dialect.name == "sqlite":
                dumps.copy_sqlite(engine.url.database, partial)
            else:
                dumps.pg_dump(engine.url, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _backups_in(folder: Path) -> list[tuple[Path, datetime]]:
    """Our back-ups in a folder with when each was taken (naive UTC), newest first."""
    found = []
    for path in Path(folder).glob("bot-*"):
        match = NAME.fullmatch(path.name)
        if match and path.is_file():
            found.append((path, utc(datetime.strptime(match.group(1), STAMP))))
    return sorted(found, key=lambda item: item[1], reverse=True)


def newest(folder: Path) -> tuple[Path, datetime] | None:
    """The newest back-up in `folder` and when it was taken, as naive UTC (like bot.clock.utcnow());
    None when there is none (or no folder)."""
    found = _backups_in(folder) if Path(folder).is_dir() else []
    return found[0] if found else None


def restore(path: Path, target, force: bool = False) -> None:
    """Restore a back-up into the database `target` (an engine or a URL), which must be empty unless
    `force`: then its tables are dropped and replaced by the copy's. The bot must be stopped."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No back-up file {path}.")
    with _engine(target) as engine:
        kind, database = dumps.kind_of_file(path), engine.dialect.name
        if kind != database:
            what = {"sqlite": "a SQLite copy", "postgresql": "a pg_dump file"}.get(kind, "not a back-up of this bot")
            raise BackupError(f"{path.name} is {what}; DATABASE_URL is a {database} database.")
        existing = dumps.tables(engine)
        if existing and not force:
            raise BackupError(f"The database already has {len(existing)} tables: restore only into an empty "
                              "database, or add --force to drop them and replace them with the copy.")
        if database == "sqlite":
            engine.dispose()
            dumps.restore_sqlite(path, engine.url.database)
            return
        if existing:
            dumps.drop_postgres_tables(engine, existing)
        engine.dispose()
        dumps.pg_restore(path, engine.url)


def record_outcome(folder: Path, now: datetime, error: str | None = None) -> None:
    """Remember in `folder` how the last back-up went (`error`: why it failed; None: it worked).
    When the folder itself cannot be written, /healthz finds that out by itself (health)."""
    status = {"at": now.isoformat(timespec="seconds"), "ok": error is None, "error": error}
    try:
        Path(folder).mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = Path(folder) / (STATUS_FILE + ".part")
        partial.write_text(json.dumps(status), encoding="utf-8")
        os.replace(partial, Path(folder) / STATUS_FILE)
    except OSError:
        pass


def health(folder: Path, now: datetime) -> str | None:
    """What /healthz says of nightly back-ups: None when well, else "failed: <why>" or "stale" (the newest
    copy is older than two days)."""
    folder = Path(folder)
    try:
        status = json.loads((folder / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        status = {}
    if status.get("ok") is False:
        return f"failed: {status.get('error') or 'unknown'}"
    if not _writable(folder):
        return f"failed: cannot write to BACKUP_DIR {folder}"
    last = newest(folder)
    if last is None:  # none yet (a new deployment), or every copy went missing after one was made
        return "stale" if status.get("ok") else None
    return "stale" if now - last[1] > STALE_AFTER else None


def _writable(folder: Path) -> bool:
    """The folder, or the nearest folder above it that exists (it is made on the first back-up), is writable."""
    for place in (folder, *folder.parents):
        if place.exists():
            return place.is_dir() and os.access(place, os.W_OK | os.X_OK)
    return False


def reason(exc: BaseException) -> str:
    """The kind of a failure, for the leaders' notice: missing_tool, disk_full, folder or other."""
    if isinstance(exc, BackupError):
        return exc.reason
    if isinstance(exc, OSError):
        return "disk_full" if exc.errno == errno.ENOSPC else "folder"
    return "other"
