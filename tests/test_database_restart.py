"""PostgreSQL restarts while Zalo delivers events (on a server of this test's own, so the others are not
disturbed): the webhook answers 503 (Zalo delivers again) or 200 once the event is stored, never 200
without it; /healthz says 503 while the database is down; afterwards the bot answers by itself."""
from __future__ import annotations

import os
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from bot.sandbox import events as zalo
from tests.conftest import APP_ID, OA_ID, OA_SECRET, POSTGRES_URL, REQUIRE_POSTGRES, make_settings, start_bot

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "pg-test-server"
PORT = "25433"


def server(*args: str) -> str:
    answer = subprocess.run([str(SCRIPT), *args], env={**os.environ, "PGPORT": PORT}, capture_output=True,
                            text=True, timeout=120)
    assert answer.returncode == 0, answer.stderr
    return answer.stdout.strip()


@pytest.fixture
def own_postgres():
    if not POSTGRES_URL:  # the same condition as every PostgreSQL test: .ci/run provides the binaries
        pytest.fail("REQUIRE_POSTGRES=1 but no PostgreSQL") if REQUIRE_POSTGRES else pytest.skip("no PostgreSQL")
    base = server()
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        server()  # running again (whatever the test did), then dropped
        admin = create_engine(base)
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_the_webhook_never_says_200_without_storing_while_the_database_restarts(own_postgres, standin):
    running, stop = start_bot(make_settings(own_postgres, standin.url), standin)
    standin.state.webhook_url, standin.state.oa_secret_key = running.url + "/zalo/webhook", OA_SECRET
    answers: list[tuple[str, int]] = []
    health: list[int] = []
    done = threading.Event()

    def deliver() -> None:
        n = 0
        while not done.is_set():
            msg_id = f"restart-{n}"
            event = zalo.user_text_event(APP_ID, OA_ID, f"resident-{n % 7}", "xin chào", msg_id=msg_id)
            try:
                answers.append((msg_id, running.post(event).status_code))
            except requests.RequestException:
                answers.append((msg_id, 0))  # no answer at all: Zalo delivers again
            n += 1
            time.sleep(0.01)

    sender = threading.Thread(target=deliver)
    sender.start()
    try:
        time.sleep(1.0)
        server("stop")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and 503 not in health:
            health.append(requests.get(running.url + "/healthz", timeout=10).status_code)
            time.sleep(0.1)
        time.sleep(1.0)
        server()
        time.sleep(2.0)
    finally:
        done.set()
        sender.join(30)
    try:
        statuses = [status for _msg_id, status in answers]
        assert 503 in health and 503 in statuses, (health, sorted(set(statuses)))
        assert statuses[-1] == 200  # serving again without a restart of the bot
        assert set(statuses) <= {200, 503}, sorted(set(statuses))
        engine = create_engine(own_postgres)
        with engine.connect() as connection:
            keys = set(connection.execute(text("SELECT dedupe_key FROM events")).scalars())
        engine.dispose()
        acknowledged = {f"user_send_text:{msg_id}" for msg_id, status in answers if status == 200}
        assert acknowledged <= keys, sorted(acknowledged - keys)[:5]
        # The worker got through the outage too: every stored event is processed, none is stuck.
        assert running.services.worker.wait_idle(60), "events left unprocessed after the restart"
        engine = create_engine(own_postgres)
        with engine.connect() as connection:
            left = connection.execute(text("SELECT status, count(*) FROM events WHERE status <> 'done' "
                                           "GROUP BY status")).all()
        engine.dispose()
        assert left == [], left
        assert running.say("resident-after", "xin chào")
    finally:
        stop()
