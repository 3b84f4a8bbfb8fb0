"""Several worker processes on one database (the production layout: web processes, one `flask worker`
with the scheduler, more with --without-scheduler): they share the queue, each user's events are
processed one at a time in order, no reply goes twice, and when one is killed the others take over
its claims once its lease runs out."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import text

from tests.conftest import APP_ID, OA_ID, OA_SECRET, make_settings, start_bot, wait_for
from tests.test_announcements_delivery import _worker_env

ROOT = Path(__file__).resolve().parent.parent
SAYINGS = ("xin chào", "đăng ký tạm trú", "đồng ý", "Nguyễn Văn An", "15/08/1990")


def start_worker(env: dict[str, str], log: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", *extra], cwd=ROOT, env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


def post_conversations(web, users: list[str]) -> int:
    """Each user sends SAYINGS in order, users at the same time (8 connections); return events sent."""
    from bot.sandbox import events as zalo

    def converse(user: str) -> None:
        for said in SAYINGS:
            assert web.post(zalo.user_text_event(APP_ID, OA_ID, user, said)).status_code == 200

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(converse, users))
    return len(users) * len(SAYINGS)


def wait_until_settled(engine, expected_events: int, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            done = connection.execute(text("SELECT count(*) FROM events WHERE event_name = 'user_send_text' "
                                           "AND status = 'done'")).scalar()
            unsent = connection.execute(text("SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')")).scalar()
        if done == expected_events and unsent == 0:
            return
        time.sleep(0.2)
    raise AssertionError(f"not settled: {done}/{expected_events} events done, {unsent} unsent\n"
                         + log.read_text()[-3000:])


def assert_each_user_in_order(engine, users: list[str]) -> set[str]:
    """One event of a user starts only after the previous one finished; return the workers seen."""
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT user_id, id, claimed_at, processed_at, claimed_by, attempts FROM events "
            "WHERE event_name = 'user_send_text' ORDER BY user_id, id")).all()
    by_user: dict[str, list] = {}
    for row in rows:
        by_user.setdefault(row.user_id, []).append(row)
    assert set(by_user) == set(users)
    with engine.connect() as connection:  # replies are written while their event is processed
        replies = connection.execute(text("SELECT event_id, min(id), max(id) FROM outbox "
                                          "WHERE event_id IS NOT NULL GROUP BY event_id")).all()
    span = {event_id: (first, last) for event_id, first, last in replies}
    for user, events in by_user.items():
        # claimed_at is taken before a claim that may wait for SQLite's write lock, so order is
        # checked by what each event wrote: all of one event's replies before any of the next's.
        answered = [span[row.id] for row in events if row.id in span]
        assert len(answered) == len(events), user
        for before, after in zip(answered, answered[1:]):
            assert before[1] < after[0], (user, answered)
    return {row.claimed_by for row in rows}


def replies_by_user(engine, standin, users: list[str]) -> dict[str, tuple[int, int]]:
    """(outbox rows sent, of them how many reached Zalo, messages that reached Zalo) per user; checks they
    arrived in outbox order. A copy sent by a worker killed before it could record the send has an id
    the outbox does not know: it counts as a repeat."""
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, user_id, zalo_message_id FROM outbox "
                                       "WHERE status = 'sent' AND user_id IS NOT NULL")).all()
    outbox_of = {zalo_id: row.id for row in rows for zalo_id in (row.zalo_message_id or "").split(",") if zalo_id}
    counts = {}
    for user in users:
        arrived = [m for m in standin.state.messages_for(user)]
        order = [outbox_of[m["message_id"]] for m in arrived if m["message_id"] in outbox_of]
        assert order == sorted(order), (user, order)  # in the order the bot decided them (repeats stay adjacent)
        counts[user] = (sum(1 for row in rows if row.user_id == user), len(set(order)), len(arrived))
    return counts


def test_two_worker_processes_share_the_queue_in_per_user_order_without_duplicates(database_url, standin, tmp_path):
    settings = make_settings(database_url, standin.url).with_overrides(worker_threads=4)
    web, stop_web = start_bot(settings, standin, start_worker=False)
    standin.state.webhook_url, standin.state.oa_secret_key = web.url + "/zalo/webhook", OA_SECRET
    env, log = _worker_env(database_url, standin.url), tmp_path / "workers.log"
    env["WORKER_THREADS"] = "4"
    env["WORKER_LEASE_SECONDS"] = "20"  # nobody is killed here: a busy machine must not make a live worker look dead
    workers = [start_worker(env, log), start_worker(env, log, "--without-scheduler")]
    engine = web.services.store.engine
    users = [f"resident-{n:02d}" for n in range(40)]
    try:
        expected = post_conversations(web, users)
        wait_until_settled(engine, expected, log)
        claimed_by = assert_each_user_in_order(engine, users)
        assert len(claimed_by) == 2, claimed_by  # both processes took events
        with engine.connect() as connection:
            assert connection.execute(text("SELECT max(attempts) FROM events")).scalar() == 1  # each claimed once
            # Nobody typed in the OA console: no echo of a reply was taken for one (which would
            # silence the bot for that resident), even when another process sent the reply.
            assert connection.execute(text("SELECT count(*) FROM staff_replies")).scalar() == 0
        for user, (sent, distinct, arrived) in replies_by_user(engine, standin, users).items():
            assert sent == distinct == arrived >= len(SAYINGS), (user, sent, distinct, arrived)
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(20)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM workers")).scalar() == 0  # both said goodbye
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(10)
        stop_web()


def test_when_a_worker_is_killed_the_other_takes_over_its_claims(database_url, standin, tmp_path):
    settings = make_settings(database_url, standin.url).with_overrides(worker_threads=4)
    web, stop_web = start_bot(settings, standin, start_worker=False)
    standin.state.webhook_url, standin.state.oa_secret_key = web.url + "/zalo/webhook", OA_SECRET
    standin.state.response_delay_seconds = 0.02  # slow enough that the kill lands mid-work
    env, log = _worker_env(database_url, standin.url), tmp_path / "workers.log"
    env.update(WORKER_THREADS="4", WORKER_LEASE_SECONDS="3")
    doomed, survivor = start_worker(env, log), start_worker(env, log, "--without-scheduler")
    engine = web.services.store.engine
    users = [f"resident-{n:02d}" for n in range(30)]
    try:
        with ThreadPoolExecutor(1) as pool:
            posting = pool.submit(post_conversations, web, users)
            deadline = time.monotonic() + 30
            while len(standin.state.messages) < 40 and time.monotonic() < deadline:
                time.sleep(0.01)
            doomed.send_signal(signal.SIGKILL)
            doomed.wait(10)
            expected = posting.result()
        with engine.connect() as connection:  # what the dead process held: events redone, messages maybe twice
            in_flight = connection.execute(text(
                "SELECT count(*) FROM outbox WHERE status = 'sending' AND claimed_by IN "
                "(SELECT id FROM workers WHERE pid = :pid)"), {"pid": doomed.pid}).scalar()
            held_events = connection.execute(text(
                "SELECT count(*) FROM events WHERE status = 'processing' AND claimed_by IN "
                "(SELECT id FROM workers WHERE pid = :pid)"), {"pid": doomed.pid}).scalar()
        wait_until_settled(engine, expected, log)
        assert_each_user_in_order(engine, users)
        counts = replies_by_user(engine, standin, users)
        assert all(sent == distinct >= len(SAYINGS) for sent, distinct, _ in counts.values()), counts
        duplicates = sum(arrived - distinct for _, distinct, arrived in counts.values())
        assert duplicates <= in_flight, (duplicates, in_flight, held_events)
        with engine.connect() as connection:  # the survivor took the dead one off the list...
            assert connection.execute(text("SELECT count(*) FROM workers WHERE pid = :pid"),
                                      {"pid": doomed.pid}).scalar() == 0
        if held_events or in_flight:  # ...and said what it took over, when there was something
            assert "recovered" in log.read_text()
    finally:
        for worker in (doomed, survivor):
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(20)
        stop_web()


def test_claims_of_a_worker_on_another_host_return_when_its_lease_runs_out(database_url):
    """A worker on another machine cannot be checked for life: it is dead when it stops beating."""
    from datetime import timedelta

    from bot.store import Store, make_engine, upgrade_schema
    from bot.store.models import utcnow
    from config.settings import SANDBOX_DATA_KEY

    engine = make_engine(database_url)
    upgrade_schema(engine)
    store = Store(engine, OA_ID, SANDBOX_DATA_KEY)
    now = utcnow()
    assert store.record_event("k0", "user_send_text", "u0", "{}") and store.record_event("k1", "user_send_text", "u1", "{}")
    with store.unit() as uow:
        uow.workers.register("other-host:7:dead", "other-host", 7, now - timedelta(seconds=45))
        uow.workers.register("other-host:8:alive", "other-host", 8, now - timedelta(seconds=5))
        for n, owner in enumerate(("other-host:7:dead", "other-host:8:alive")):
            assert uow.events.claim(n + 1, owner)
            message_id = uow.outbox.add("text", {"text": "Chào bác"}, user_id=f"u{n}")
            assert uow.outbox.claim(message_id, owner)
        uow.commit()
    with store.unit() as uow:
        dead = uow.workers.dead("here:1:me", "here", utcnow(), timedelta(seconds=30), lambda pid: False)
        assert dead == ["other-host:7:dead"]
        assert uow.workers.recover(dead) == (1, 1)
        uow.commit()
    with store.unit() as uow:
        assert [e.status for e in (uow.events.get(1), uow.events.get(2))] == ["pending", "processing"]
        assert [uow.outbox.get(i).status for i in (1, 2)] == ["queued", "sending"]
        assert uow.workers.beat("other-host:7:dead", utcnow()) is False  # it must register again
    store.dispose()


def test_a_reply_waiting_in_the_workers_own_send_lane_is_not_overtaken(database_url):
    """A worker writes a resident's replies already claimed and sends them from a lane, maybe a while
    later; a newer reply to the same resident, queued meanwhile (by another worker), must wait for
    them, even when this worker's own sweeper is the one that finds it (seen in a kill test: the
    resident got the later answer first). Only messages claimed together in one batch go as one."""
    from bot.store import Store, make_engine, upgrade_schema
    from config.settings import SANDBOX_DATA_KEY

    engine = make_engine(database_url)
    upgrade_schema(engine)
    store = Store(engine, OA_ID, SANDBOX_DATA_KEY)
    with store.unit() as uow:
        waiting = uow.outbox.add("text", {"text": "Bước 2"}, user_id="u1", claimed_by="worker-a")
        newer = uow.outbox.add("text", {"text": "Bước 3"}, user_id="u1")
        batch = [uow.outbox.add("text", {"text": f"Tin {n}"}, user_id="u2") for n in (1, 2)]
        uow.commit()
    with store.unit() as uow:
        assert not uow.outbox.claim(newer, "worker-a")  # its own lane still holds the older one
        assert not uow.outbox.claim(newer, "worker-b")
        assert [uow.outbox.claim(i, "worker-a", batch) for i in batch] == [True, True]
        uow.outbox.mark_sent(waiting, "zalo-1")
        assert uow.outbox.claim(newer, "worker-a")
        uow.commit()
    store.dispose()


def test_workers_in_containers_sharing_a_host_name_are_not_one_machine(monkeypatch):
    """Two containers with host networking share the host name but not their process ids: a worker
    must not take the other's live process for gone (and requeue its claims)."""
    import os

    from bot.runtime import process

    here = process.host()
    real_readlink = os.readlink
    monkeypatch.setattr(os, "readlink", lambda path: "pid:[4026599999]" if path == "/proc/self/ns/pid"
                        else real_readlink(path))
    elsewhere = process.host()
    assert here.split("/")[0] == elsewhere.split("/")[0] and here != elsewhere


def test_a_worker_only_ever_claims_its_own_oas_events(database_url):
    from bot.store import Store, make_engine, upgrade_schema
    engine = make_engine(database_url)
    upgrade_schema(engine)
    main = Store(engine, "oa-main")
    own = main.for_oa("oa-other")
    try:
        for store, user in ((main, "resident-a"), (own, "resident-b"), (main, "resident-c")):
            assert store.record_event(f"user_send_text:{user}", "user_send_text", user, "{}")
        for store, expected in ((own, {"resident-b"}), (main, {"resident-a", "resident-c"})):
            with store.unit() as uow:
                heads = uow.events.pending_heads(set(), 10)
                assert {e.user_id for e in heads} == expected
                assert all(uow.events.claim(e.id, "worker-x") for e in heads)
                uow.commit()
    finally:
        main.dispose()



def test_on_postgresql_a_stored_event_wakes_the_worker_process_without_waiting_for_its_poll(
        database_url, standin, tmp_path):
    """The webhook's insert sends NOTIFY; the worker process listening answers at once though it would only
    look on its own every 30 s. SQLite has no such signal: its worker polls."""
    import pytest

    from bot.sandbox import events as zalo

    if not database_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    web, stop_web = start_bot(make_settings(database_url, standin.url), standin, start_worker=False)
    standin.state.webhook_url, standin.state.oa_secret_key = web.url + "/zalo/webhook", OA_SECRET
    env, log = _worker_env(database_url, standin.url) | {"WORKER_POLL_SECONDS": "30"}, tmp_path / "worker.log"
    worker = start_worker(env, log)
    try:
        wait_for(lambda: "Worker running" in log.read_text(), 60, "the worker to start")
        wait_for(lambda: listening(web.services.store.engine), 60, "its LISTEN")
        for said in ("xin chào", "1"):
            asked = time.monotonic()
            seen = len(standin.state.messages_for("resident-w"))
            assert web.post(zalo.user_text_event(APP_ID, OA_ID, "resident-w", said)).status_code == 200
            standin.state.wait_for_messages("resident-w", seen + 1, timeout=20)
            assert time.monotonic() - asked < 10, log.read_text()[-2000:]  # not the 30 s poll
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        stop_web()


def listening(engine) -> bool:
    """A worker's LISTEN is in effect (a new connection each time: PostgreSQL keeps activity figures per
    transaction)."""
    with engine.connect() as connection:
        return bool(connection.execute(text("SELECT count(*) FROM pg_stat_activity WHERE query = "
                                            "'LISTEN bot_events'")).scalar())
