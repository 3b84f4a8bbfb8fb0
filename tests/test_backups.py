"""Back-ups that restore, on SQLite and PostgreSQL: `db backup` while a crowd of residents walks a procedure,
`db restore` into a new database, the copies kept to BACKUP_KEEP, and the nightly job whose failure reaches
the leaders in chat and /healthz."""
from __future__ import annotations

import json
import re
import threading
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot import create_app, texts
from bot.ops import backups
from bot.runtime.jobs import nightly_backup
from bot.runtime.scheduler import start_scheduler
from bot.sandbox import events as zalo
from bot.store import DataKeyError, Store, make_engine, sealed
from config import ConfigError, load_settings
from config.settings import SANDBOX_DATA_KEY
from tests.conftest import APP_ID, OA_ID, POSTGRES_URL, make_settings, wait_for
from tests.test_several_oas import OA2, two_oas_running

WALK = ["đăng ký tạm trú", "đồng ý", "1", "có", "1", "Số 12 ngõ 5 phố Hoa Lư", None, "Nguyễn Văn An",
        "001234567890", "Trần Thị Chủ", "có", "0912345678", "1", "gửi"]  # None: a date three days ahead
FULL_NAME_AT = WALK.index("Nguyễn Văn An")


def walk_messages() -> list[str]:
    day = (datetime.now() + timedelta(hours=7, days=3)).strftime("%d/%m/%Y")
    return [day if said is None else said for said in WALK]


def codes_in(bot, user: str) -> list[str]:
    return re.findall(r"\bTT-\d{4}\b", "\n".join(bot.inbox(user)))


@contextmanager
def empty_database(kind: str, tmp_path: Path):
    """A new, empty database of the same kind: where a copy is restored."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'bot.db'}"
        return
    name = "restored_" + uuid.uuid4().hex[:12]
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def restore_with_cli(url: str, copy: Path, *flags: str, standin_url: str = "http://127.0.0.1:9"):
    """`flask --app wsgi db restore COPY` run by the operator with DATABASE_URL set to `url`."""
    app = create_app(make_settings(url, standin_url))
    try:
        return cli(app, "db", "restore", str(copy), *flags)
    finally:
        app.extensions["bot"].store.dispose()


# --- 1. a consistent copy while residents write --------------------------------------------------

def test_a_backup_taken_while_residents_walk_a_procedure_restores_with_every_answer(bot, tmp_path):
    kind = bot.services.store.engine.dialect.name
    bot.services.settings = bot.services.settings.with_overrides(backup_dir=tmp_path / "backups")
    messages = walk_messages()
    halfway = {"halfway-1": "Lê Thị Nửa", "halfway-2": "Phạm Văn Giữa", "halfway-3": "Đỗ Thị Dừng"}  # stopped there
    for user, name in halfway.items():
        for said in messages[:FULL_NAME_AT] + [name]:
            bot.say(user, said)
    crowd = [f"resident-{n:02d}" for n in range(20)]

    def walk(user: str) -> None:
        for said in messages:
            assert bot.post(zalo.user_text_event(APP_ID, OA_ID, user, said)).status_code == 200

    walkers = [threading.Thread(target=walk, args=(user,)) for user in crowd]
    for walker in walkers:
        walker.start()
    wait_for(lambda: len(requests_in(bot.services.store)) >= 5, what="the first requests")
    before = requests_in(bot.services.store)
    bot.add_staff("volunteer-just-before", "Tình nguyện viên Mai", "volunteer")  # the last write before the copy
    result = cli(bot.app, "db", "backup")
    assert result.exit_code == 0, result.output
    assert ("pg_dump" if kind == "postgresql" else "SQLite online backup") in result.output
    for walker in walkers:
        walker.join()
    wait_for(lambda: all(codes_in(bot, user) for user in crowd), what="every resident's reference code")
    assert len(requests_in(bot.services.store)) == 20 > len(before)  # the copy was taken mid-walk
    copy, _taken = backups.newest(tmp_path / "backups")
    assert str(copy) in result.output and copy.name.endswith(".sqlite3" if kind == "sqlite" else ".pgdump")
    if kind == "sqlite":  # what residents typed is not in the file in plain text
        raw = copy.read_bytes()
        assert "Nguyễn Văn An".encode() not in raw and b"001234567890" not in raw and b"0912345678" not in raw

    with empty_database(kind, tmp_path) as url:
        restored = restore_with_cli(url, copy)
        assert restored.exit_code == 0, restored.output
        assert "db upgrade" in restored.output
        store = Store(make_engine(url), OA_ID, SANDBOX_DATA_KEY)
        try:
            assert_copy_reads_with_the_same_key(store, before, halfway)
            assert_copy_is_sealed_against_another_key(url, before)
        finally:
            sealed.use_keys(SANDBOX_DATA_KEY)  # the bot's own key again, for the rest of the test
            store.dispose()


def requests_in(store) -> dict[str, dict]:
    with store.unit() as uow:
        return {r.code: json.loads(r.answers) for r in uow.requests.all()}


def assert_copy_reads_with_the_same_key(store, before: dict, halfway: dict) -> None:
    copied = requests_in(store)
    assert set(before) <= set(copied)
    for code, answers in before.items():
        assert copied[code] == answers and answers["full_name"] == "Nguyễn Văn An"
        assert answers["id_number"] == "001234567890"
    with store.unit() as uow:
        for user, name in halfway.items():  # conversations half done: where they were, with what they said
            assert uow.conversations.get(user)["answers"]["full_name"] == name
        counter = uow.session.execute(text("SELECT value FROM counters WHERE prefix = 'TT'")).scalar()
        assert uow.staff.get("volunteer-just-before").name == "Tình nguyện viên Mai"
    assert counter == len(copied)  # each code handed out is a request in the copy: nothing half written


def assert_copy_is_sealed_against_another_key(url: str, before: dict) -> None:
    store = Store(make_engine(url), OA_ID, Fernet.generate_key().decode())
    try:
        code = next(iter(before))
        with store.unit() as uow, pytest.raises(DataKeyError):
            uow.requests.by_code(code)
        with store.engine.connect() as conn:  # plain columns still read; the answers do not
            rows = dict(conn.execute(text("SELECT code, answers FROM requests")).all())
        assert rows[code].startswith(sealed.PREFIX) and "Nguyễn Văn An" not in rows[code]
    finally:
        store.dispose()


# --- 2. the newest BACKUP_KEEP are kept ------------------------------------------------------------

def test_backups_are_named_by_local_time_and_only_the_newest_are_kept(migrated_database_url, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    strangers = [folder / "bot-notes.txt", folder / "mine.sqlite3", folder / "bot-2020-01-01-0300.sqlite3.old"]
    for path in strangers:
        path.write_text("not a back-up of ours")
    suffix = "sqlite3" if migrated_database_url.startswith("sqlite") else "pgdump"
    first = datetime(2026, 12, 2, 20, 0)  # UTC: 3 in the morning of 3 December in Vietnam
    written = [backups.backup(migrated_database_url, folder, 3, first + timedelta(days=n)) for n in range(5)]
    assert written[0].name == f"bot-2026-12-03-0300.{suffix}"
    kept = sorted(p.name for p in folder.iterdir() if p not in strangers and p.name != backups.STATUS_FILE)
    assert kept == [f"bot-2026-12-0{day}-0300.{suffix}" for day in (5, 6, 7)]
    assert all(path.exists() for path in strangers)
    assert backups.newest(folder) == (written[-1], first + timedelta(days=4))
    assert backups.newest(tmp_path / "nowhere") is None


# --- 3. restore only into an empty database, unless told ------------------------------------------

def test_restore_refuses_a_database_with_data_and_replaces_it_with_force(migrated_database_url, tmp_path):
    app = create_app(make_settings(migrated_database_url, "http://127.0.0.1:9"))
    store = app.extensions["bot"].store
    try:
        with store.unit() as uow:
            uow.staff.add("leader-1", "Tổ trưởng Hòa", "leader")
            uow.requests.create("TT", "tam_tru", "resident-1", {"full_name": "Nguyễn Văn An"}, "online")
            uow.commit()
        copy = tmp_path / "copy.bak"
        made = cli(app, "db", "backup", "-o", str(copy))
        assert made.exit_code == 0 and copy.exists(), made.output
        assert not (tmp_path / "backups").exists()  # -o writes there only
        with store.unit() as uow:
            uow.staff.add("late", "Người đến sau", "volunteer")
            uow.commit()
        store.dispose()

        refused = restore_with_cli(migrated_database_url, copy)
        assert refused.exit_code != 0
        assert "already has" in refused.output and "--force" in refused.output
        assert staff_names(store) == {"leader-1", "late"}  # untouched

        forced = restore_with_cli(migrated_database_url, copy, "--force")
        assert forced.exit_code == 0, forced.output
        assert staff_names(store) == {"leader-1"}
        assert requests_in(store)["TT-0001"] == {"full_name": "Nguyễn Văn An"}
    finally:
        store.dispose()


def staff_names(store) -> set[str]:
    with store.unit() as uow:
        return {s.zalo_id for s in uow.staff.list()}


def test_restore_refuses_a_file_that_is_no_backup_of_this_database(migrated_database_url, tmp_path):
    stranger = tmp_path / "notes.txt"
    stranger.write_text("hello")
    result = restore_with_cli(migrated_database_url, stranger, "--force")
    assert result.exit_code != 0 and "not a back-up of this bot" in result.output


# --- 4. the nightly job -------------------------------------------------------------------------

@pytest.fixture
def two_oas(migrated_database_url, tmp_path):
    """Two OAs on one database, nightly back-ups on, into tmp_path/blocked/backups."""
    with two_oas_running(migrated_database_url, backup_nightly=True,
                         backup_dir=tmp_path / "blocked" / "backups") as both:
        yield both


def health(bot) -> dict:
    return requests.get(bot.url + "/healthz", timeout=5).json()


def test_a_failed_nightly_backup_reaches_every_leader_and_healthz_until_one_succeeds(two_oas, tmp_path,
                                                                                    monkeypatch):
    kind = two_oas.main.store.engine.dialect.name
    leaders = {OA_ID: ["leader-a", "leader-b"], OA2: ["leader-7"]}
    for oa_id, people in leaders.items():
        for person in people:
            with two_oas.deployment.oas[oa_id].store.unit() as uow:
                uow.staff.add(person, "Tổ trưởng", "leader")
                uow.commit()
            two_oas.say(oa_id, person, "xin chào")  # within Zalo's 7-day window
    two_oas.say(OA_ID, "resident-1", "xin chào")
    assert health(two_oas.bot) == {"status": "ok"}  # no back-up yet is no failure

    if kind == "postgresql":  # the folder is fine; the program is missing
        monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
        why, reason = "pg_dump is not installed", texts.BACKUP_REASONS["missing_tool"]
    else:  # a file where the folder should be: it cannot be made
        (tmp_path / "blocked").write_text("not a folder")
        why, reason = "cannot write to BACKUP_DIR", texts.BACKUP_REASONS["folder"]
    assert nightly_backup(list(two_oas.deployment)) is None
    two_oas.wait_idle()
    notice = texts.BACKUP_FAILED.format(reason=reason)
    for oa_id, people in leaders.items():
        state = two_oas.first if oa_id == OA_ID else two_oas.second
        for person in people:
            assert [m["text"] for m in state.messages_for(person)][-1] == notice, person
    assert notice not in [m["text"] for m in two_oas.first.messages_for("resident-1")]
    found = health(two_oas.bot)
    assert found["status"] == "degraded" and found["backup"].startswith("failed: ") and why in found["backup"]

    monkeypatch.undo()  # the server's administrator mends it
    if kind == "sqlite":
        (tmp_path / "blocked").unlink()
    written = nightly_backup(list(two_oas.deployment))
    assert written is not None and written.exists()
    assert health(two_oas.bot) == {"status": "ok"}
    two_oas.bot.clock.advance(minutes=3 * 24 * 60)  # three nights without a back-up
    assert health(two_oas.bot) == {"status": "degraded", "backup": "stale"}


def test_the_nightly_job_is_off_unless_asked_for(bot):
    assert load_settings({}, dotenv=False).backup_nightly is False
    scheduler = start_scheduler(bot.services)
    try:
        assert scheduler.get_job("nightly_backup") is None
    finally:
        scheduler.shutdown(wait=False)
    settings = load_settings({"BACKUP_NIGHTLY": "1", "BACKUP_HOUR": "4"}, dotenv=False)
    bot.services.settings = bot.services.settings.with_overrides(backup_nightly=True, backup_hour=settings.backup_hour)
    scheduler = start_scheduler(bot.services)
    try:
        job = scheduler.get_job("nightly_backup")
        assert job is not None and (job.next_run_time.hour, job.next_run_time.minute) == (4, 0)
        assert job.next_run_time.utcoffset() == timedelta(hours=7)  # 4 in the morning in Vietnam
    finally:
        scheduler.shutdown(wait=False)
    with pytest.raises(ConfigError, match="BACKUP_HOUR"):
        load_settings({"BACKUP_HOUR": "24"}, dotenv=False)
