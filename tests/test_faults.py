"""Zalo misbehaving mid-run, on SQLite and PostgreSQL: 5xx answers, timeouts, `-32` rate limits and an
access token that expires while residents chat and an announcement goes out. Every reply and every
notice arrives; only a send whose answer timed out (Zalo had taken it) may arrive twice; the token is
refreshed exactly once for the one expiry."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from tests.test_announcements import LEADER, NOTICE, add_members, received

SAYINGS = ("xin chào", "đăng ký tạm trú", "đồng ý", "Nguyễn Văn An")
SEND = "/v3.0/oa/message/cs"


def test_replies_and_an_announcement_get_through_zalo_faults_and_a_token_expiry(bot):
    bot.clock.set_local(2026, 11, 25, 9)
    bot.add_staff(LEADER, "Tổ trưởng Hòa", "leader")
    members = add_members(bot, in_window=40, out_of_window=0)["in"]
    residents = [f"resident-{n:02d}" for n in range(15)]
    state = bot.standin.state
    state.timeout_seconds = 2.5  # longer than the client's 2 s: the call fails, the message was taken
    bot.say(LEADER, "Thông báo: " + NOTICE)
    bot.say(LEADER, "1")

    def converse(user: str) -> list[int]:
        from bot.sandbox import events as zalo
        from tests.conftest import APP_ID, OA_ID
        return [bot.post(zalo.user_text_event(APP_ID, OA_ID, user, said)).status_code for said in SAYINGS]

    refreshes_before = state.refresh_count
    faults_done = threading.Event()

    def misbehave() -> None:
        time.sleep(0.3)
        state.inject(SEND, "http502", count=3)
        state.inject(SEND, "zalo_error", count=3, code=-32)
        state.inject(SEND, "timeout", count=2)
        time.sleep(0.5)
        state.expire_access_token()
        time.sleep(0.5)
        state.inject(SEND, "http500", count=2)
        faults_done.set()

    with ThreadPoolExecutor(6) as pool:
        chaos = pool.submit(misbehave)
        announcing = pool.submit(bot.services.announcer.run_due)
        answers = list(pool.map(converse, residents))
        chaos.result()
        assert announcing.result() == 1
    assert all(status == 200 for statuses in answers for status in statuses)
    assert faults_done.is_set()
    assert bot.services.worker.wait_idle(90)
    assert state.faults.pending() == 0  # every fault was met

    assert state.refresh_count == refreshes_before + 1  # one expiry, one refresh
    copies = {user: received(bot, user) for user in members}
    assert all(n >= 1 for n in copies.values()), copies
    repeated_notices = sum(n - 1 for n in copies.values())

    with bot.services.store.unit() as uow:
        assert uow.outbox.due(10_000) == []  # nothing left waiting
        sent = {user: uow.outbox.zalo_ids_sent(user) for user in residents}
    repeated_replies = 0
    for user in residents:
        arrived = [m["message_id"] for m in state.messages_for(user)]
        assert set(sent[user]) <= set(arrived) and len(sent[user]) >= len(SAYINGS), (user, arrived, sent[user])
        repeated_replies += len(arrived) - len(sent[user])  # copies whose answer never came back
    assert repeated_notices + repeated_replies <= 2, (repeated_notices, repeated_replies)  # the two timeouts
    report = [t for t in bot.inbox(LEADER) if t.startswith("Thông báo #1 đã gửi xong")]
    # The members and the leader, and any resident whose first message was handled before the
    # audience was taken (they are members by then): the report counts what was delivered.
    with bot.services.store.unit() as uow:
        counts = uow.announcements.counts(1)
    delivered = counts.get("sent", 0) + counts.get("delivered", 0)
    assert len(members) + 1 <= delivered <= len(members) + 1 + len(residents)
    assert len(report) == 1 and f"Đã nhận: {delivered}" in report[0], report
