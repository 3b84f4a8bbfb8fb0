"""The doctor's checks of the machine and the deployment as a whole: each a plain function returning a
Result (ok, warn, fail or skip; what was found; how to mend it) in the words `say` gives."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.clock import local, utcnow
from bot.ops import backups
from bot.ops.doctor_texts import Say
from bot.store import DataKeyError, Store
from bot.store.checkup import open_sealed_samples, schema_revisions
from config import ConfigError, Settings

GIB = 1024 ** 3
LOW_DISK_BYTES, LOW_DISK_SHARE = GIB, 0.10
BACKUP_STALE = timedelta(days=2)


@dataclass(frozen=True)
class Result:
    status: str  # "ok", "warn", "fail", or "skip" (not checked: what it needs failed above)
    title: str
    message: str
    mend: str = ""


def check_settings(settings: Settings | None, problem: ConfigError | None, say: Say) -> Result:
    if problem is not None:
        return Result("fail", say("t_settings"), str(problem), say("settings_mend"))
    if settings.sandbox:
        return Result("warn", say("t_settings"), say("settings_sandbox"), say("settings_sandbox_mend"))
    return Result("ok", say("t_settings"), say("settings_ok", names=", ".join(s.oa_key for s in settings.all_oas())))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def check_database(engine, say: Say) -> Result:
    """Reachable, and at the newest migration. A missing SQLite file is reported, not created."""
    title = say("t_database")
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:") \
            and not Path(engine.url.database).is_file():
        return Result("fail", title, say("db_no_file", path=engine.url.database), say("db_no_file_mend"))
    try:
        current, head = schema_revisions(engine)
    except Exception as exc:  # noqa: BLE001 - any driver error: not reachable
        return Result("fail", title, say("db_down", error=_first_line(exc)), say("db_down_mend"))
    if current != head:
        found = say("db_empty") if current is None else say("db_behind", current=current, head=head)
        return Result("fail", title, found, say("db_upgrade_mend"))
    return Result("ok", title, say("db_ok", revision=head))


def check_data_key(settings: Settings, engine, say: Say) -> tuple[Result, Store | None]:
    """DATA_KEY is well formed and opens stored personal data; the store to check the rest with."""
    title = say("t_data_key")
    try:
        store = Store(engine, settings.oa_id, settings.data_key)
    except DataKeyError as exc:
        return Result("fail", title, str(exc), say("key_malformed_mend")), None
    try:
        with store.unit() as uow:
            opened = open_sealed_samples(uow.session)
    except DataKeyError:
        return Result("fail", title, say("key_wrong"), say("key_wrong_mend")), store
    found = say("key_ok", count=opened) if opened else say("key_ok_empty")
    return Result("ok", title, found), store


def check_webhook_url(settings: Settings, say: Say) -> Result:
    """The address to give Zalo, from DASHBOARD_URL's host (Zalo posts only to https)."""
    title = say("t_webhook")
    if settings.sandbox:
        return Result("ok", title, say("webhook_sandbox", host=settings.host, port=settings.port))
    address = urlsplit(settings.dashboard_url)
    if not address.netloc:
        return Result("warn", title, say("webhook_unknown"), say("webhook_unknown_mend"))
    url = f"https://{address.netloc}/zalo/webhook"
    if address.scheme != "https":
        return Result("warn", title, say("webhook_http", url=settings.dashboard_url), say("webhook_http_mend"))
    return Result("ok", title, say("webhook_ok", url=url))


def check_disk(engine, say: Say) -> Result:
    """Free space where the SQLite file lives: a warning under 1 GiB or 10 %."""
    if engine.dialect.name != "sqlite":
        return Result("skip", say("t_disk"), say("disk_postgres"))
    folder = Path(engine.url.database or ".").resolve().parent
    usage = shutil.disk_usage(folder)
    figures = dict(free=f"{usage.free / GIB:.1f}", total=f"{usage.total / GIB:.1f}",
                   percent=round(100 * usage.free / usage.total))
    if usage.free < LOW_DISK_BYTES or usage.free < LOW_DISK_SHARE * usage.total:
        return Result("warn", say("t_disk"), say("disk_low", folder=folder, **figures), say("disk_low_mend"))
    return Result("ok", say("t_disk"), say("disk_ok", **figures))


def _age(delta: timedelta, say: Say) -> str:
    hours = max(int(delta.total_seconds() // 3600), 0)
    return say("hours", n=hours) if hours < 48 else say("days", n=hours // 24)


def check_backup(settings: Settings, say: Say, now: datetime | None = None) -> Result:
    """The newest back-up in BACKUP_DIR: a warning when there is none, or it is over two days old, or the
    last try failed."""
    now, title, folder = now or utcnow(), say("t_backup"), settings.backup_dir
    problem = backups.health(folder, now) or ""
    if problem.startswith("failed: "):
        return Result("warn", title, say("backup_failed", error=problem.removeprefix("failed: ")), say("backup_mend"))
    last = backups.newest(folder)
    if last is None:
        return Result("warn", title, say("backup_none", folder=folder), say("backup_mend"))
    path, taken = last
    if now - taken > BACKUP_STALE:
        return Result("warn", title, say("backup_old", name=path.name, age=_age(now - taken, say)), say("backup_mend"))
    return Result("ok", title, say("backup_ok", name=path.name, age=_age(now - taken, say)))


def check_clock(say: Say) -> Result:
    """The machine's time and offset beside Vietnam's; the time zone database must know Asia/Ho_Chi_Minh
    (the scheduler runs its jobs in it)."""
    try:
        ZoneInfo("Asia/Ho_Chi_Minh")
    except ZoneInfoNotFoundError:
        return Result("fail", say("t_clock"), say("clock_no_zone"), say("clock_no_zone_mend"))
    machine = datetime.now(timezone.utc).astimezone()
    offset = machine.strftime("%z")
    return Result("ok", say("t_clock"), say("clock_ok", machine=machine.strftime("%Y-%m-%d %H:%M"),
                                             offset=f"{offset[:3]}:{offset[3:]}",
                                             vietnam=local(utcnow()).strftime("%Y-%m-%d %H:%M")))
