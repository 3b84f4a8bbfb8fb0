"""`flask --app wsgi doctor`: one line per check and an exit status, as the person running the server reads them.
A healthy server passes; each broken thing is named with how to mend it; LANG=vi speaks Vietnamese."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot import create_app
from bot.clock import local, utcnow
from bot.ops.checks import check_backup
from bot.ops.doctor_texts import speaker
from bot.store import make_engine, upgrade_schema
from config.settings import REAL_CREDENTIALS, REQUIRED_OUTSIDE_SANDBOX
from tests.conftest import make_settings, migrate_to, start_bot
from tests.test_several_oas import OA2, two  # noqa: F401 - the fixture: a deployment serving two OAs

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = {"LANG": "C.UTF-8"}
LINE = re.compile(r"^\[( OK |WARN|FAIL|SKIP)\] ")


@pytest.fixture
def server(migrated_database_url, standin, tmp_path):
    """The bot as deployed: real (not sandbox) settings, a public https address, back-ups in their own folder."""
    settings = make_settings(migrated_database_url, standin.url, dashboard_url="https://bot.example.vn/admin",
                             backup_dir=tmp_path / "backups")
    running, stop = start_bot(settings, standin)
    standin.state.webhook_url = running.url + "/zalo/webhook"
    standin.state.echo = False
    yield running
    stop()


def doctor(app, env: dict | None = None):
    result = app.test_cli_runner().invoke(args=["doctor"], env=env or ENGLISH)
    return result.exit_code, result.output.splitlines()


def line(lines: list[str], start: str) -> str:
    found = [text for text in lines if text.startswith(start)]
    assert found, f"no line starting {start!r} in:\n" + "\n".join(lines)
    return found[0]


def test_a_healthy_server_passes_with_one_line_per_check(server):
    server.add_staff("9001", "Nguyễn Văn Hòa", "leader")
    server.add_staff("9002", "Trần Thị Lan", "volunteer", parts=("sang",))
    server.say("1001", "xin chào")  # personal data sealed in the database

    code, lines = doctor(server.app)

    assert code == 0, "\n".join(lines)
    assert all(LINE.match(text) and not text.startswith("[FAIL]") for text in lines[:-1]), "\n".join(lines)
    assert lines[-1].startswith("All checks passed")
    assert re.match(r"\[ OK \] Database: reachable, schema at \d{4} \(latest\)$", line(lines, "[ OK ] Database"))
    assert re.match(r"\[ OK \] DATA_KEY: stored personal data opens \(\d+ values tried\)$",
                    line(lines, "[ OK ] DATA_KEY"))
    assert re.match(r"\[ OK \] Zalo token: valid, expires in 2[45] h \(\d{4}-\d\d-\d\d \d\d:\d\d Vietnam time\)",
                    line(lines, "[ OK ] Zalo token"))
    assert ("GET", "/v2.0/oa/tag/gettagsofoa") in server.standin.state.calls  # Zalo was really asked
    assert line(lines, "[ OK ] Leader and roster") == \
        "[ OK ] Leader and roster: 1 leader(s), 1 volunteer(s), 1 shift(s) on the roster"
    assert "https://bot.example.vn/zalo/webhook" in line(lines, "[ OK ] Webhook URL")
    assert re.search(r"\d+ procedures valid", line(lines, "[ OK ] Procedure files"))
    assert line(lines, "[WARN] Last back-up").endswith("→ make one: flask --app wsgi db backup (BACKUP_NIGHTLY=1 "
                                                       "makes one every night)")
    assert "Asia/Ho_Chi_Minh" in line(lines, "[ OK ] Clock")
    assert any(text.startswith(("[ OK ] Disk", "[WARN] Disk", "[SKIP] Disk")) for text in lines)


def test_no_leader_is_named_with_the_command_that_adds_one(server):
    code, lines = doctor(server.app)
    assert code == 1
    assert line(lines, "[FAIL] Leader and roster") == (
        "[FAIL] Leader and roster: no leader: a resident asking for a person reaches nobody  "
        "→ flask --app wsgi staff add --zalo-id <id> --name <name> --role leader")

    runner = server.app.test_cli_runner()
    assert runner.invoke(args=["staff", "add", "--zalo-id", "9001", "--name", "Nguyễn Văn Hòa",
                               "--role", "leader"]).exit_code == 0
    code, lines = doctor(server.app)
    assert code == 0, "\n".join(lines)
    assert line(lines, "[WARN] Leader and roster").endswith("→ flask --app wsgi roster add --zalo-id <id> --part sang")


def test_an_unmigrated_database_is_named_and_db_upgrade_mends_it(database_url, standin):
    migrate_to(make_engine(database_url), "0020")  # the code was updated; `db upgrade` was not run
    app = create_app(make_settings(database_url, standin.url))
    try:
        code, lines = doctor(app)
        assert code == 1
        assert re.match(r"\[FAIL\] Database: schema at 0020, this version expects \d{4}  "
                        r"→ run: flask --app wsgi db upgrade$", line(lines, "[FAIL] Database"))
        assert line(lines, "[SKIP] Zalo token") == "[SKIP] Zalo token: not checked: needs the database"
        assert standin.state.calls == []

        assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
        _code, lines = doctor(app)
        assert line(lines, "[ OK ] Database")
    finally:
        app.extensions["bot"].store.dispose()


def test_a_database_that_does_not_answer_is_named_without_its_password(standin, tmp_path):
    app = create_app(make_settings("postgresql+psycopg://bot:s3cret-pw@127.0.0.1:1/bot", standin.url,
                                   backup_dir=tmp_path))
    code, lines = doctor(app)
    assert code == 1
    found = line(lines, "[FAIL] Database")
    assert found.startswith("[FAIL] Database: cannot connect: OperationalError: ")
    assert found.endswith("→ check DATABASE_URL and that the database server is running")
    assert line(lines, "[SKIP] Leader and roster") and line(lines, "[SKIP] Disk")
    assert "s3cret-pw" not in "\n".join(lines)


def test_a_data_key_that_does_not_open_stored_data_is_named(server):
    server.add_staff("9001", "Nguyễn Văn Hòa", "leader")
    server.say("1001", "xin chào")
    written_with = server.services.settings.data_key
    other = Fernet.generate_key().decode()

    replaced = create_app(server.services.settings.with_overrides(data_key=other))
    code, lines = doctor(replaced)
    assert code == 1
    assert line(lines, "[FAIL] DATA_KEY") == (
        "[FAIL] DATA_KEY: stored personal data does not open with DATA_KEY: it was written with another key  "
        "→ set DATA_KEY back to the key the data was written with (to change keys, put the new one first and "
        "keep the old one after a comma)")

    rotated = create_app(server.services.settings.with_overrides(data_key=f"{other},{written_with}"))
    code, lines = doctor(rotated)
    assert line(lines, "[ OK ] DATA_KEY")
    for app in (replaced, rotated):
        app.extensions["bot"].store.dispose()


def test_zalo_refusing_the_token_is_named(server):
    server.add_staff("9001", "Nguyễn Văn Hòa", "leader")
    server.standin.state.access_token, server.standin.state.refresh_token = "revoked-a", "revoked-r"
    code, lines = doctor(server.app)
    assert code == 1
    found = line(lines, "[FAIL] Zalo token")
    assert found.startswith("[FAIL] Zalo token: Zalo refused the token and its renewal (Zalo error -14014")
    assert found.endswith("→ an OA admin authorises the app again on developers.zalo.me (API Explorer: a new "
                          "access and refresh token)")


def test_lang_vi_speaks_vietnamese(server):
    code, lines = doctor(server.app, env={"LANG": "vi_VN.UTF-8"})
    assert code == 1
    assert re.match(r"\[ OK \] Cơ sở dữ liệu: kết nối được, lược đồ ở \d{4} \(mới nhất\)$",
                    line(lines, "[ OK ] Cơ sở dữ liệu"))
    assert line(lines, "[FAIL] Tổ trưởng và lịch trực") == (
        "[FAIL] Tổ trưởng và lịch trực: chưa có tổ trưởng: người dân xin gặp người sẽ không có ai nhận  "
        "→ flask --app wsgi staff add --zalo-id <id> --name <tên> --role leader")
    assert re.match(r"^1 lỗi, \d+ cảnh báo\.$", lines[-1])


def test_each_oa_of_a_deployment_gets_its_own_lines(two):  # noqa: F811 - the fixture
    with two.main.store.unit() as uow:
        uow.staff.add("9001", "Nguyễn Văn Hòa", "leader")
        uow.commit()
    code, lines = doctor(two.bot.app)
    assert code == 1
    assert line(lines, "[ OK ] Zalo token (main)") and line(lines, "[ OK ] Zalo token (to7)")
    assert ("GET", "/v2.0/oa/tag/gettagsofoa") in two.second.calls  # asked with tổ 7's own token
    assert line(lines, "[WARN] Leader and roster (main)")
    assert line(lines, "[FAIL] Leader and roster (to7)").endswith(
        "→ flask --app wsgi staff add --zalo-id <id> --name <name> --role leader --oa to7")
    assert line(lines, "[ OK ] Procedure files (to7)")
    assert not any(OA2 in text for text in lines)  # OAs named by their short names


def test_the_last_back_up_is_dated(tmp_path):
    settings, say, now = make_settings("sqlite://", "http://127.0.0.1:9"), speaker("en"), utcnow()
    settings = settings.with_overrides(backup_dir=tmp_path)
    assert check_backup(settings, say, now).message == f"none in {tmp_path}"
    name = f"bot-{local(now - timedelta(days=3)).strftime('%Y-%m-%d-%H%M')}.sqlite3"
    (tmp_path / name).write_bytes(b"")
    old = check_backup(settings, say, now)
    assert (old.status, old.message) == ("warn", f"the newest, {name}, is 3 days old")
    (tmp_path / f"bot-{local(now - timedelta(hours=5)).strftime('%Y-%m-%d-%H%M')}.sqlite3").write_bytes(b"")
    fresh = check_backup(settings, say, now)
    assert fresh.status == "ok" and fresh.message.endswith(", 5 h old")


# --- the app does not start: `flask --app wsgi doctor` still names why -----------------------------------------

def flask_doctor(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """Run `flask --app wsgi doctor` as an operator does, with only these settings (nothing from a .env)."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("ZALO_", "OA_", "BACKUP_")) and k not in ("EXTRA_OAS", "DATABASE_URL",
                                                                            "BOT_CONFIG_DIR", "METRICS_TOKEN")}
    clean |= dict.fromkeys(REQUIRED_OUTSIDE_SANDBOX + REAL_CREDENTIALS, "")
    clean |= {"LANG": "C.UTF-8", "BACKUP_DIR": str(tmp_path / "backups"),
              "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}"} | env
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "doctor"], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=120)


def test_missing_settings_outside_the_sandbox_stop_the_checks(tmp_path):
    done = flask_doctor(tmp_path, ZALO_SANDBOX="0", ZALO_APP_ID="1234567890")
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("[FAIL] Settings: Missing settings for a real Zalo OA: ZALO_OA_ID, ")
    assert lines[0].endswith("→ set or correct what it names in .env or the environment (.env.example explains "
                             "each setting), then run the doctor again")
    assert lines[1:] == ["1 problem(s), 0 warning(s)."] and "Traceback" not in done.stderr
    assert not (tmp_path / "bot.db").exists()

    served = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, env={**os.environ, **dict.fromkeys(REAL_CREDENTIALS, ""),
                                              "ZALO_SANDBOX": "0", "ZALO_APP_ID": ""})
    assert served.returncode != 0 and "ConfigError: Missing settings" in served.stderr  # gunicorn still stops


def test_a_broken_procedure_file_is_named_though_the_bot_cannot_start(tmp_path):
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    broken = config / "procedures" / "can_cuoc.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "steps: [oops\n", encoding="utf-8")
    upgrade_schema(engine := make_engine(f"sqlite:///{tmp_path / 'bot.db'}"))
    engine.dispose()

    done = flask_doctor(tmp_path, ZALO_SANDBOX="1", BOT_CONFIG_DIR=str(config))

    assert done.returncode == 1, done.stdout + done.stderr
    found = line(done.stdout.splitlines(), "[FAIL] Procedure files")
    assert re.match(rf"\[FAIL\] Procedure files: {re.escape(str(broken))}:\d+: not valid YAML: ", found)
    assert found.endswith("→ fix that line, then check with: flask --app wsgi procedures check")
    assert line(done.stdout.splitlines(), "[ OK ] Database")
    assert "[FAIL] Start" not in done.stdout  # the same error as the procedure files' line: said once
    assert "Traceback" not in done.stderr


def test_what_stops_the_start_is_named_when_no_check_finds_it(tmp_path):
    upgrade_schema(engine := make_engine(f"sqlite:///{tmp_path / 'bot.db'}"))
    engine.dispose()
    done = flask_doctor(tmp_path, ZALO_SANDBOX="1", OFFICE_HOURS="9-17")  # the roster's parts start at 7
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].startswith("[FAIL] Start: the app does not start: ConfigError: config/schedule.yaml: parts ")
    assert lines[1].endswith("lie outside OFFICE_HOURS 9-17  → mend what the error says, then run the doctor again")
    assert line(lines, "[FAIL] Leader and roster")  # the other checks still ran
