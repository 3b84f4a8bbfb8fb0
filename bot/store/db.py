"""Engine, migrations and the unit of work: the one place sessions are opened."""
from __future__ import annotations

import copy
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.store import sealed
from bot.store.across_oas import AcrossOAs
from bot.store.announcements import AnnouncementRepository
from bot.store.appointments import AppointmentRepository
from bot.store.audit import AuditRepository
from bot.store.casework import CaseworkRepository
from bot.store.conversations import ConversationRepository
from bot.store.driver import Hot
from bot.store.erasure import ErasureRepository
from bot.store.events import EventRepository, event_values, insert_event_statement
from bot.store.groups import GroupRepository
from bot.store.handoffs import HandoffRepository
from bot.store.households import HouseholdRepository
from bot.store.login_throttle import LoginThrottleRepository
from bot.store.members import MemberRepository
from bot.store.name_index import NameIndexRepository
from bot.store.notices import NoticeRepository
from bot.store.outbox import OutboxRepository
from bot.store.requests import RequestRepository
from bot.store.signups import SignupRepository
from bot.store.staff import StaffRepository
from bot.store.staff_sessions import StaffSessionRepository
from bot.store.tokens import TokenRepository
from bot.store.workers import WorkerRepository
from config.settings import SANDBOX_DATA_KEY

SQLITE_BUSY_TIMEOUT_MS = 30000
SQLITE_WRITE_WAIT_SECONDS = 30.0
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(database_url: str, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Engine:
    """Create an engine; SQLite gets WAL and a busy timeout so web and worker can share it."""
    url = make_url(database_url)
    # hide_parameters: a database error names the statement, never the values (residents' data) it
    # was given; such errors get logged.
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, hide_parameters=True)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # noqa: ANN001
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA secure_delete=ON")  # overwritten or erased personal data leaves no trace in free pages
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.close()

    return engine


def migrations_config():
    """Alembic's configuration of this project's migrations (no alembic.ini: they live in the package)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade_schema(engine: Engine) -> None:
    """Apply every Alembic migration not yet applied (safe to run on each start)."""
    from alembic import command

    cfg = migrations_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


def checkpoint_wal(session: Session) -> None:
    """SQLite: copy the write-ahead log into the database and empty it, so erased values (overwritten
    there by secure_delete) no longer sit in the -wal file. Nothing to do on PostgreSQL."""
    if session.get_bind().dialect.name != "sqlite":
        return
    session.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    session.commit()


# PostgreSQL: the webhook's insert tells the workers listening (bot/runtime/wakeup.py), so they need not poll.
EVENTS_CHANNEL = "bot_events"
NOTIFY_EVENTS = f"NOTIFY {EVENTS_CHANNEL}"


class _Repository:
    """A unit's repository, made the first time the unit uses it: a unit is opened for every event,
    every dispatch and every send, and most use three or four of its two dozen repositories."""

    def __init__(self, repository, per_oa: bool = True):
        self.repository, self.per_oa = repository, per_oa

    def __set_name__(self, _owner, name: str) -> None:
        self.name = name

    def __get__(self, uow, _owner=None):
        if uow is None:
            return self
        made = self.repository(uow.session, uow.oa_id) if self.per_oa else self.repository(uow.session)
        uow.__dict__[self.name] = made  # the unit's own from now on (this descriptor is not asked again)
        return made


class UnitOfWork:
    """Repositories over one session; nothing is kept unless commit() is called."""

    events = _Repository(EventRepository)
    outbox = _Repository(OutboxRepository)
    members = _Repository(MemberRepository)
    tokens = _Repository(TokenRepository)
    staff = _Repository(StaffRepository)
    conversations = _Repository(ConversationRepository)
    requests = _Repository(RequestRepository)
    handoffs = _Repository(HandoffRepository)
    appointments = _Repository(AppointmentRepository)
    casework = _Repository(CaseworkRepository)
    notices = _Repository(NoticeRepository)
    logins = _Repository(LoginThrottleRepository)
    sessions = _Repository(StaffSessionRepository)  # dashboard logins (not the SQLAlchemy session)
    announcements = _Repository(AnnouncementRepository)
    groups = _Repository(GroupRepository)
    signups = _Repository(SignupRepository)
    erasure = _Repository(ErasureRepository)
    audit = _Repository(AuditRepository)
    households = _Repository(HouseholdRepository)
    workers = _Repository(WorkerRepository, per_oa=False)
    across = _Repository(AcrossOAs, per_oa=False)  # every OA at once: which have something to do
    names = _Repository(NameIndexRepository)

    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id
        self.checkpoint_after_commit = False  # set by erasure: erased values must leave SQLite's WAL too

    def commit(self) -> None:
        self.session.commit()
        if self.checkpoint_after_commit:
            self.checkpoint_after_commit = False
            checkpoint_wal(self.session)

    def rollback(self) -> None:
        self.session.rollback()


class Store:
    """Opens units of work for one OA against one database."""

    def __init__(self, engine: Engine, oa_id: str, data_key: str = SANDBOX_DATA_KEY):
        """`data_key`: DATA_KEY, the Fernet key(s) that seal residents' personal data (bot/store/sealed.py)."""
        sealed.use_keys(data_key)
        self.engine = engine
        self.oa_id = oa_id
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._insert_event = insert_event_statement(engine)
        self._intake_engine = None  # SQLite only: connections that never sleep in SQLite's busy wait
        if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            self._intake_engine = make_engine(engine.url.render_as_string(hide_password=False), busy_timeout_ms=0)
            self._intake_insert = Hot(self._insert_event).for_dialect(engine.dialect)  # straight to the driver

    def for_oa(self, oa_id: str) -> "Store":
        """A store for another OA of the same deployment: same database and connection pools."""
        other = copy.copy(self)
        other.oa_id = oa_id
        return other

    @contextmanager
    def unit(self) -> Iterator[UnitOfWork]:
        """Yield a unit of work; roll back whatever was not committed."""
        session = self._sessions()
        try:
            yield UnitOfWork(session, self.oa_id)
        finally:
            session.close()  # ends the transaction (rolled back unless committed); objects stay readable

    def record_event(self, dedupe_key: str, event_name: str, user_id: str | None, raw: str) -> bool:
        """Store one webhook delivery in its own short transaction (no session, one statement).

        The webhook's hot path: False when the same delivery was stored before."""
        values = event_values(self.oa_id, dedupe_key, event_name, user_id, raw)
        if self._intake_engine is None:
            with self.engine.begin() as connection:
                stored = connection.execute(self._insert_event, values).scalar() is not None
                if stored and connection.dialect.name == "postgresql":
                    connection.exec_driver_sql(NOTIFY_EVENTS)  # delivered at commit: workers wake at once
                return stored
        return self._insert_sqlite_eagerly(values)

    def _insert_sqlite_eagerly(self, values: dict) -> bool:
        """SQLite lets one writer in at a time, and its own busy wait sleeps 1, 2, 5, 10, 15… ms
        between tries: behind the worker's writes the webhook's answer would take hundreds of
        milliseconds. Ask for the write lock every half millisecond instead (on connections without
        a busy wait), so the insert gets in as soon as the lock is free. The asking is a bare
        BEGIN IMMEDIATE on the driver's connection (2 µs when refused; a refused insert through
        SQLAlchemy cost 87 µs, and under load an insert was refused 3–4 times)."""
        deadline = time.monotonic() + SQLITE_WRITE_WAIT_SECONDS
        pooled = self._intake_engine.raw_connection()  # the insert goes to the driver: no SQLAlchemy per call
        try:
            driver_connection = pooled.driver_connection
            while True:
                try:
                    driver_connection.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.0005)
            try:
                stored = driver_connection.execute(self._intake_insert.sql, self._intake_insert.params(values)).fetchone()
                driver_connection.commit()
            except BaseException:
                driver_connection.rollback()
                raise
            return stored is not None
        finally:
            pooled.close()  # back to the pool

    def dispose(self) -> None:
        """Close every pooled connection (tests and tools that remove the database afterwards)."""
        self.engine.dispose()
        if self._intake_engine is not None:
            self._intake_engine.dispose()

    def ping(self) -> bool:
        """Return True when the database answers a trivial query."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - any driver error means "not answering"
            return False
