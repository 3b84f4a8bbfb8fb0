"""Fixtures: a real database (SQLite, and PostgreSQL when TEST_POSTGRES_URL is set), the Zalo
stand-in on loopback, and the bot served on a real port with its worker running."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from bot import create_app
from bot.sandbox.events import sign_body
from bot.sandbox.standin import StandInState, serve_standin
from bot.store import upgrade_schema
from config import Settings

APP_ID = "test-app-1"
OA_ID = "test-oa-1"
OA_SECRET = "test-oa-secret"
APP_SECRET = "test-app-secret"

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "").strip()
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", autouse=True)
def _cheap_setup_for_tests():
    """Two costs every test would pay again for nothing: a password hash made to be slow (0.13 s of CPU;
    the stored method is named in the hash, so checking works the same), and parsing config/ for each
    app (0.1 s), kept while no file in the folders changed. The tests of either call them directly."""
    import bot.bootstrap
    import bot.store.staff
    from bot.flows.catalog import load_catalog

    loaded: dict = {}

    def load_catalog_once(config_dir: Path, overrides: Path | None = None):
        folders = [Path(config_dir)] + ([Path(overrides)] if overrides is not None else [])
        key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                    for folder in folders for p in sorted(folder.rglob("*")) if p.is_file())
        if key not in loaded:
            loaded[key] = load_catalog(config_dir, overrides)
        return loaded[key]

    saved = bot.store.staff.PASSWORD_METHOD, bot.bootstrap.load_catalog
    bot.store.staff.PASSWORD_METHOD, bot.bootstrap.load_catalog = "pbkdf2:sha256:1000", load_catalog_once
    yield
    bot.store.staff.PASSWORD_METHOD, bot.bootstrap.load_catalog = saved


@pytest.fixture(scope="session", autouse=True)
def _no_postgres_silently_skipped():
    if REQUIRE_POSTGRES and not POSTGRES_URL:
        pytest.fail("REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set")


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, or a new schema in the PostgreSQL test server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need TEST_POSTGRES_URL (.ci/run sets it)")
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(scope="session")
def _migrated_templates(tmp_path_factory):
    """Databases migrated once per test session, copied for each test: a SQLite file, and (with
    TEST_POSTGRES_URL) a PostgreSQL database used as a TEMPLATE. Migrating each test's database took most
    of the end-to-end tests' set-up."""
    from sqlalchemy.engine import make_url

    from bot.store.db import make_engine

    sqlite_file = tmp_path_factory.mktemp("template") / "bot.db"
    engine = make_engine(f"sqlite:///{sqlite_file}")
    upgrade_schema(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    templates = {"sqlite": sqlite_file}
    admin = None
    if POSTGRES_URL:
        name = f"bot_template_{os.getpid()}"
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {name}"))
        engine = create_engine(make_url(POSTGRES_URL).set(database=name))
        upgrade_schema(engine)
        engine.dispose()
        templates["postgresql"] = name
    yield templates
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {templates['postgresql']} WITH (FORCE)"))
        admin.dispose()


class PostgresCopies:
    """Copies of the migrated PostgreSQL template, emptied after each test and handed to the next one.
    A CREATE DATABASE costs about 0.4 s of the server's CPU on this machine; emptying a used copy, a few
    milliseconds. Each test process keeps its own copies, and makes a new one only when all are in use."""

    def __init__(self, template: str):
        self.template, self.free, self.made = template, [], []
        self.admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")

    def take(self) -> str:
        if self.free:
            return self.free.pop()
        name = "t_" + uuid.uuid4().hex[:12]
        with self.admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {self.template}"))
        self.made.append(name)
        return name

    def give_back(self, name: str, url) -> None:
        """Empty every table but the schema version, restart the sequences, and keep the copy; a copy
        that cannot be emptied is dropped."""
        with self.admin.connect() as conn:  # what the test left connected (a killed worker, a pool)
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                           "AND tablename <> 'alembic_version'")).scalars().all()
                sequences = conn.execute(text("SELECT sequencename FROM pg_sequences "
                                              "WHERE schemaname = 'public'")).scalars().all()
                statements = ["SET session_replication_role = replica"]  # no foreign-key checks while emptying
                statements += [f'DELETE FROM "{table}"' for table in tables]
                statements += [f'ALTER SEQUENCE "{sequence}" RESTART' for sequence in sequences]
                conn.exec_driver_sql("; ".join(statements))
            self.free.append(name)
        except Exception:  # noqa: BLE001 - the next test gets a new copy
            self.drop(name)
        finally:
            engine.dispose()

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))

    def close(self) -> None:
        for name in self.made:
            self.drop(name)
        self.admin.dispose()


@pytest.fixture(scope="session")
def _postgres_copies(_migrated_templates):
    if "postgresql" not in _migrated_templates:
        yield None
        return
    copies = PostgresCopies(_migrated_templates["postgresql"])
    yield copies
    copies.close()


@pytest.fixture(params=BACKENDS)
def migrated_database_url(request, tmp_path: Path, _migrated_templates, _postgres_copies) -> str:
    """A database already at the latest schema: a copy of the session's template."""
    from sqlalchemy.engine import make_url

    if request.param == "sqlite":
        target = tmp_path / "bot.db"
        shutil.copyfile(_migrated_templates["sqlite"], target)
        yield f"sqlite:///{target}"
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need TEST_POSTGRES_URL (.ci/run sets it)")
    name = _postgres_copies.take()
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    _postgres_copies.give_back(name, url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bot.db'}"


@pytest.fixture
def standin():
    state = StandInState(app_id=APP_ID, app_secret=APP_SECRET, access_token="access-1",
                         refresh_token="refresh-1", oa_id=OA_ID)
    server = serve_standin(state, host="127.0.0.1", port=0)
    yield server
    server.shutdown()


def make_settings(database_url: str, standin_url: str, **changes) -> Settings:
    base = Settings(database_url=database_url, sandbox=False, app_id=APP_ID, oa_id=OA_ID,
                    oa_secret_key=OA_SECRET, app_secret=APP_SECRET, access_token="access-1",
                    refresh_token="refresh-1", api_base=standin_url, oauth_base=standin_url,
                    secret_key="test-secret", zalo_timeout_seconds=2.0, worker_threads=4,
                    worker_poll_seconds=0.25,  # the webhook wakes the worker; polling is the fallback
                    retry_backoff_base=0.05,
                    flood_messages=1000)  # tests answer faster than anyone types; test_security_webhook lowers it
    return base.with_overrides(**changes)


class MovableClock:
    """The bot's clock in tests: real time until a test sets or moves it (no sleeping)."""

    def __init__(self):
        self.fixed = None

    def __call__(self):
        from bot.store.models import utcnow
        return self.fixed or utcnow()

    def set_local(self, year, month, day, hour, minute=0):
        """Set the clock to a local Vietnam time (UTC+7)."""
        from datetime import datetime, timedelta
        self.fixed = datetime(year, month, day, hour, minute) - timedelta(hours=7)

    def advance(self, minutes: float):
        from datetime import timedelta
        self.fixed = self() + timedelta(minutes=minutes)


@dataclass
class RunningBot:
    url: str
    app: object
    services: object
    standin: object
    clock: MovableClock = None

    def post(self, event: dict, *, sign: bool = True, headers: dict | None = None) -> requests.Response:
        """POST an event to the webhook exactly as Zalo would: raw JSON bytes, signed."""
        raw = json.dumps(event, ensure_ascii=False).encode()
        return self.post_raw(raw, timestamp=str(event.get("timestamp", "")), sign=sign, headers=headers)

    def post_raw(self, raw: bytes, timestamp: str = "", *, sign: bool = True,
                 headers: dict | None = None) -> requests.Response:
        all_headers = {"Content-Type": "application/json"}
        if sign:
            all_headers["X-ZEvent-Signature"] = sign_body(APP_ID, raw, timestamp, OA_SECRET)
        all_headers.update(headers or {})
        return requests.post(self.url + "/zalo/webhook", data=raw, headers=all_headers, timeout=10)

    def wait_idle(self, timeout: float = 10.0) -> None:
        assert self.services.worker.wait_idle(timeout), "worker did not finish in time"

    def say(self, user_id: str, text: str = "", kind: str = "text", **extra) -> list[str]:
        """Send what a resident sends (text, image or location) and return the bot's new replies."""
        from bot.sandbox import events as zalo
        seen = len(self.standin.state.messages_for(user_id))
        if kind == "image":
            event = zalo.user_image_event(APP_ID, OA_ID, user_id, extra["url"])
        elif kind == "location":
            event = zalo.user_location_event(APP_ID, OA_ID, user_id, extra["lat"], extra["lng"])
        elif kind == "sticker":
            event = zalo.user_sticker_event(APP_ID, OA_ID, user_id)
        elif kind == "audio":
            event = zalo.user_audio_event(APP_ID, OA_ID, user_id, extra.get("url", "https://voice-talk.zdn.vn/v1.aac"))
        elif kind == "call":
            event = zalo.user_call_event(APP_ID, OA_ID, user_id)
        else:
            event = zalo.user_text_event(APP_ID, OA_ID, user_id, text)
        assert self.post(event).status_code == 200
        self.wait_idle()
        return [m["text"] or "" for m in self.standin.state.messages_for(user_id)[seen:]]

    def inbox(self, user_id: str) -> list[str]:
        """Every text the user has received so far."""
        return [m["text"] or "" for m in self.standin.state.messages_for(user_id)]

    def add_staff(self, zalo_id: str, name: str, role: str, parts: tuple[str, ...] = ()) -> None:
        with self.services.store.unit() as uow:
            uow.staff.add(zalo_id, name, role)
            for part in parts:
                uow.staff.add_shift(zalo_id, part)
            uow.commit()


def start_bot(settings: Settings, standin, start_worker: bool = True) -> tuple[RunningBot, callable]:
    from dataclasses import replace
    app = create_app(settings)
    services = app.extensions["bot"]
    every_oa = list(app.extensions["bot_deployment"])  # the main OA, and any EXTRA_OAS
    clock = MovableClock()
    for oa in every_oa:
        oa.runtime = replace(oa.runtime, clock=clock)
    upgrade_schema(services.store.engine)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # a short poll: shutdown() waits for the loop to look, 0.5 s by default, at every test's end
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    if start_worker:
        for oa in every_oa:
            oa.worker.start()
    bot = RunningBot(url=f"http://127.0.0.1:{server.server_port}", app=app, services=services, standin=standin,
                     clock=clock)

    def stop():
        server.shutdown()
        if start_worker:
            for oa in every_oa:
                oa.worker.stop()
        services.store.dispose()

    return bot, stop


@pytest.fixture
def bot(migrated_database_url, standin) -> RunningBot:
    """The bot on a real port, its worker running, replies going to the stand-in."""
    running, stop = start_bot(make_settings(migrated_database_url, standin.url), standin)
    standin.state.webhook_url = running.url + "/zalo/webhook"
    standin.state.oa_secret_key = OA_SECRET
    yield running
    stop()


def migrate_to(engine, revision: str, then=None) -> None:
    """Bring the schema to an Alembic revision (an older one, to test upgrades); `then(connection)` runs
    in the same transaction, to write rows as that version did."""
    from alembic import command

    from bot.store.db import migrations_config

    config = migrations_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        if then is not None:
            then(connection)


# --- a real browser ----------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@contextmanager
def chromium(*flags: str):
    """Yield a headless Debian Chromium driven through chromedriver, with its own fresh profile and
    these extra flags. Skips the test when Chromium is missing; fails it instead under REQUIRE_BROWSER=1
    (CI), where a skipped browser test would hide that nothing was checked."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium chromium-driver)")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="test-chromium-")
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", f"--user-data-dir={profile}", *flags):
        options.add_argument(flag)
    options.binary_location = CHROMIUM
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


PHONE_SCREEN = {"width": 412, "height": 900, "deviceScaleFactor": 1, "mobile": True}


@pytest.fixture
def browser():
    """A headless Chromium with a phone's screen and Vietnamese as its language (the dashboard's tests)."""
    with chromium("--lang=vi") as driver:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE_SCREEN)
        yield driver


def wait_for(condition, timeout: float = 90.0, what: str = "condition") -> None:
    """Wait until `condition()` is true, looking every 50 ms; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.05)
