"""/metrics: off without METRICS_TOKEN, only with the bearer token, and the numbers a Prometheus scrape reads
after residents write through the real webhook, a forged delivery, a duplicate and a refused send."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import event

from bot.clock import utcnow
from bot.sandbox import events as zalo
from bot.store import Store, make_engine, upgrade_schema
from bot.store.figures import read_figures
from config.settings import REAL_CREDENTIALS
from tests.conftest import APP_ID, OA_ID, make_settings, start_bot
from tests.test_query_plans import WALKS_THE_HISTORY

ROOT = Path(__file__).resolve().parent.parent

TOKEN = "scrape-secret-7f3a"
HOA, LAN, MINH = "1001000000000000001", "1001000000000000002", "1001000000000000003"  # Zalo-like user ids


@pytest.fixture
def watched(migrated_database_url, standin):
    """The bot with METRICS_TOKEN set; the stand-in echoes nothing (echoes are deliveries too, and arrive
    when they like)."""
    running, stop = start_bot(make_settings(migrated_database_url, standin.url, metrics_token=TOKEN), standin)
    standin.state.webhook_url = running.url + "/zalo/webhook"
    standin.state.echo = False
    yield running
    stop()


def scrape(bot, token: str | None = TOKEN) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return requests.get(bot.url + "/metrics", headers=headers, timeout=10)


def samples(bot) -> dict[tuple[str, frozenset], float]:
    """Every sample of one scrape: (name, labels) → value."""
    answer = scrape(bot)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/plain")
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(answer.text) for s in family.samples}


def value(found, name: str, **labels) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def test_metrics_are_off_without_a_token_and_need_it_when_on(bot, watched):
    assert scrape(bot).status_code == 404  # METRICS_TOKEN unset: as if there were no such page
    assert scrape(bot, token=None).status_code == 404
    assert scrape(watched, token=None).status_code == 401
    assert scrape(watched, token="scrape-secret-7f3b").status_code == 401
    basic = requests.get(watched.url + "/metrics", auth=("prometheus", TOKEN), timeout=10)
    assert basic.status_code == 401 and "Bearer" in basic.headers["WWW-Authenticate"]
    assert scrape(watched).status_code == 200


def test_a_scrape_counts_what_residents_and_zalo_did(watched):
    watched.add_staff("9001000000000000009", "Nguyễn Văn Hòa", "leader")
    watched.say(HOA, "xin chào")
    watched.say(LAN, "cho tôi gặp người")  # a handoff and its request, left open
    watched.standin.state.unreachable[MINH] = -230  # outside Zalo's 7-day window: the reply is refused
    watched.say(MINH, "xin chào")
    again = zalo.user_text_event(APP_ID, OA_ID, HOA, "xin chào lần nữa")
    assert watched.post(again).status_code == 200
    assert watched.post(again).json()["status"] == "duplicate"
    forged = zalo.user_text_event(APP_ID, OA_ID, HOA, "giả mạo")
    assert watched.post(forged, headers={"X-ZEvent-Signature": "0" * 64}).status_code == 401
    watched.wait_idle()

    found = samples(watched)
    assert value(found, "zalobot_webhook_events_total", outcome="accepted") == 4
    assert value(found, "zalobot_webhook_events_total", outcome="duplicate") == 1
    assert value(found, "zalobot_webhook_events_total", outcome="bad_signature") == 1
    assert value(found, "zalobot_database_up") == 1
    assert value(found, "zalobot_events_waiting", oa="main", status="pending") == 0
    assert value(found, "zalobot_replies_failed_last_24h", oa="main", code="-230") >= 1
    assert value(found, "zalobot_replies_sent_last_24h", oa="main") >= 3
    assert value(found, "zalobot_handoffs_open", oa="main", status="waiting") == 1
    assert value(found, "zalobot_handoffs_oldest_open_seconds", oa="main") > 0
    assert sum(v for (name, labels), v in found.items()
               if name == "zalobot_requests" and ("status", "moi") in labels) >= 1
    assert value(found, "zalobot_zalo_token_healthy", oa="main") == 1
    assert value(found, "zalobot_zalo_token_expires_in_seconds", oa="main") > 3600
    label_values = {v for (_name, labels) in found for _key, v in labels}
    assert not label_values & {HOA, LAN, MINH, "9001000000000000009", "Nguyễn Văn Hòa"}


def test_events_waiting_for_a_stopped_worker_show_with_their_age(migrated_database_url, standin):
    running, stop = start_bot(make_settings(migrated_database_url, standin.url, metrics_token=TOKEN), standin,
                              start_worker=False)
    try:
        for number in range(3):
            assert running.post(zalo.user_text_event(APP_ID, OA_ID, HOA, f"tin {number}")).status_code == 200
        found = samples(running)
        assert value(found, "zalobot_events_waiting", oa="main", status="pending") == 3
        assert value(found, "zalobot_events_oldest_waiting_seconds", oa="main") > 0
        assert value(found, "zalobot_webhook_events_total", outcome="accepted") == 3
    finally:
        stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("folder", ["given", "gunicorn's own"])
def test_gunicorn_workers_are_summed_with_prometheus_multiproc_dir(tmp_path, folder):
    """Two web processes, as deployed: whichever answers the scrape reports both processes' deliveries,
    whether PROMETHEUS_MULTIPROC_DIR names a folder or gunicorn.conf.py makes one for this start."""
    port, shared = free_port(), tmp_path / "prometheus"
    shared.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ZALO_", "OA_")) and k not in ("EXTRA_OAS", "PROMETHEUS_MULTIPROC_DIR")}
    env |= dict.fromkeys(REAL_CREDENTIALS, "") | {
        "ZALO_SANDBOX": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}", "METRICS_TOKEN": TOKEN,
        "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "2", "WEB_THREADS": "2",
        "TMPDIR": str(tmp_path)} | ({"PROMETHEUS_MULTIPROC_DIR": str(shared)} if folder == "given" else {})
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        web = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                               cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not (up := _answers(url + "/healthz")) and time.monotonic() < deadline and web.poll() is None:
            time.sleep(0.1)
        assert up, log.read_text(errors="replace")
        with ThreadPoolExecutor(8) as pool:  # at once, so both processes take some
            answers = list(pool.map(lambda n: requests.post(url + "/zalo/webhook", data=b'{"n": %d}' % n,
                                                            timeout=10).status_code, range(40)))
        assert answers == [401] * 40
        for _ in range(6):  # each scrape may be answered by either process
            text = requests.get(url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10).text
            found = {(s.name, frozenset(s.labels.items())): s.value
                     for family in text_string_to_metric_families(text) for s in family.samples}
            assert value(found, "zalobot_webhook_events_total", outcome="unsigned") == 40
            assert value(found, "zalobot_database_up") == 1
    finally:
        web.terminate()
        web.wait(timeout=30)
    assert not list(tmp_path.glob("bot-metrics-*"))  # gunicorn's own folder goes when it stops


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code in (200, 503)
    except requests.RequestException:  # refused, or too slow to answer yet (a busy machine)
        return False


def test_a_scrape_reads_events_and_replies_by_status_never_their_whole_history(tmp_path):
    """Events and replies keep two years of rows: a scrape every 15 s must not walk them (requests and handoffs,
    one row per request, are read whole)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'plans.db'}")
    upgrade_schema(engine)
    statements: dict[str, tuple] = {}

    @event.listens_for(engine, "before_cursor_execute")
    def _keep(_conn, _cursor, statement, parameters, _context, _many):
        if " events " in statement or " outbox " in statement:
            statements.setdefault(statement, parameters)

    store = Store(engine, "oa-1")
    with store.unit() as uow:
        read_figures(uow.session, "oa-1", utcnow(), utcnow() - timedelta(hours=24))
    raw = engine.raw_connection()
    try:
        plans = {" ".join(statement.split())[:100]: [row[3] for row in raw.cursor().execute(
            "EXPLAIN QUERY PLAN " + statement, parameters)] for statement, parameters in statements.items()}
        walks = {statement: plan for statement, plan in plans.items()
                 if any(WALKS_THE_HISTORY.search(step) for step in plan)}
    finally:
        raw.close()
        engine.dispose()
    assert len(statements) == 6 and walks == {}
