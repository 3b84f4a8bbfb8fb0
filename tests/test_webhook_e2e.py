"""The path from Zalo to a reply, end to end: signed POSTs to the bot on a real port, replies read
from the Zalo stand-in on loopback, state read from the real database."""
import json
import time

from sqlalchemy import select

from bot.sandbox import events as zalo
from bot.store.models import Event, Member, OutboxMessage, StaffReply
from tests.conftest import APP_ID, OA_ID


def text_event(user, text, **kw):
    return zalo.user_text_event(APP_ID, OA_ID, user, text, **kw)


def rows(bot, model, *where):
    with bot.services.store.unit() as uow:
        return list(uow.session.scalars(select(model).where(*where)))


def test_save_time_probe_gets_200_and_stores_nothing(bot):
    response = bot.post_raw(b"{}", sign=False)
    assert response.status_code == 200
    assert rows(bot, Event) == []


def test_unsigned_or_wrongly_signed_event_is_401_and_nothing_happens(bot):
    event = text_event("U1", "xin chào")
    unsigned = bot.post(event, sign=False)
    forged = bot.post(event, sign=False, headers={"X-ZEvent-Signature": "mac=" + "ab" * 32})
    assert (unsigned.status_code, forged.status_code) == (401, 401)
    assert "reason" in unsigned.json() and "signature" in forged.json()["reason"]
    time.sleep(0.3)
    assert rows(bot, Event) == [] and bot.standin.state.messages == []


def test_bad_json_is_400_and_huge_body_is_413_and_server_keeps_serving(bot):
    assert bot.post_raw(b'{"event_name": "user_send_text",', timestamp="").status_code == 400
    assert bot.post_raw(b'[1, 2]').status_code == 400  # signed, but not an event object
    wrong_type = json.dumps({"event_name": 7, "timestamp": "1"}).encode()
    assert bot.post_raw(wrong_type, timestamp="1").status_code == 400
    huge = json.dumps({"event_name": "user_send_text", "timestamp": "1", "pad": "x" * (1024 * 1024)}).encode()
    assert bot.post_raw(huge, timestamp="1").status_code == 413
    assert bot.post(text_event("U2", "xin chào")).status_code == 200
    assert rows(bot, Event, Event.user_id == "U2")


def test_greeting_gets_welcome_and_numbered_menu_with_buttons(bot):
    assert bot.post(text_event("U3", "xin chào")).status_code == 200
    welcome, menu = bot.standin.state.wait_for_messages("U3", 2)
    assert "Tổ dân phố điện tử" in welcome["text"]
    first_item = bot.services.runtime.catalog.menu[0].title
    assert f"1. {first_item}" in menu["text"] and menu["buttons"][0] == first_item


def test_redelivered_event_is_acknowledged_but_has_no_second_effect(bot):
    event = text_event("U4", "xin chào", msg_id="same-msg-id")
    assert bot.post(event).json()["status"] == "ok"
    assert bot.post(event).json()["status"] == "duplicate"
    follow = zalo.follow_event(APP_ID, OA_ID, "U4b")
    assert bot.post(follow).status_code == bot.post(follow).status_code == 200
    bot.standin.state.wait_for_messages("U4", 2)
    bot.wait_idle()
    time.sleep(0.3)
    assert len(bot.standin.state.messages_for("U4")) == 2
    assert len(rows(bot, Event, Event.user_id == "U4b", Event.event_name == "follow")) == 1


def test_unknown_event_is_stored_and_ignored(bot):
    event = {"app_id": APP_ID, "event_name": "brand_new_event", "timestamp": zalo.now_ms(),
             "sender": {"id": "U5"}, "recipient": {"id": OA_ID}}
    assert bot.post(event).status_code == 200
    bot.wait_idle()
    (stored,) = rows(bot, Event, Event.event_name == "brand_new_event")
    assert stored.status == "ignored"
    assert bot.standin.state.messages_for("U5") == []


def test_events_of_one_user_are_processed_in_order_one_at_a_time(bot):
    for i in range(6):
        bot.post(text_event("U6", f"tin {i}"))
        bot.post(text_event(f"other-{i}", "xin chào"))
    bot.wait_idle(15)
    mine = sorted(rows(bot, Event, Event.user_id == "U6", Event.event_name == "user_send_text"), key=lambda e: e.id)
    assert [json.loads(e.raw)["message"]["text"] for e in mine] == [f"tin {i}" for i in range(6)]
    for earlier, later in zip(mine, mine[1:]):
        assert earlier.processed_at <= later.claimed_at


def test_last_interaction_moves_on_messages_but_not_on_receipts(bot):
    sent_ms = int(zalo.now_ms()) // 1000 * 1000 - 600_000
    bot.post(text_event("U7", "xin chào", timestamp_ms=sent_ms))
    bot.wait_idle()
    seen = zalo.user_seen_event(APP_ID, OA_ID, "U7", ["x1"], timestamp_ms=sent_ms + 300_000)
    bot.post(seen)
    bot.wait_idle()
    (member,) = rows(bot, Member, Member.user_id == "U7")
    assert member.last_interaction_at.timestamp() == sent_ms / 1000


def test_bot_echoes_are_ignored_but_console_replies_are_recorded(bot):
    bot.post(text_event("U8", "xin chào"))
    bot.standin.state.wait_for_messages("U8", 2)
    deadline = time.time() + 5
    while bot.standin.state.stats()["echo_sent"] < 2 and time.time() < deadline:
        time.sleep(0.05)
    bot.standin.state.send_console_reply("U8", "Chào bác, cán bộ Hòa đây ạ")
    bot.wait_idle()
    echoes = rows(bot, Event, Event.event_name.like("oa_send_%"))
    assert len(echoes) == 3 and all(e.status == "done" for e in echoes)
    (reply,) = rows(bot, StaffReply, StaffReply.user_id == "U8")
    assert reply.text == "Chào bác, cán bộ Hòa đây ạ"


def test_echoes_of_the_bots_own_replies_are_settled_without_being_processed_one_by_one(bot):
    for text in ("xin chào", "tạm trú", "đồng ý"):
        bot.say("U9", text)
    sent = len(bot.inbox("U9"))
    deadline = time.time() + 5
    while bot.standin.state.stats()["echo_sent"] < sent and time.time() < deadline:
        time.sleep(0.05)
    bot.wait_idle()
    echoes = rows(bot, Event, Event.event_name.like("oa_send_%"))
    assert len(echoes) == sent >= 4 and all(e.status == "done" for e in echoes)
    # Settled in bulk (by the sender, or with the next claim round): never claimed, processed alone.
    claimed = [e for e in echoes if e.claimed_by is not None]
    assert len(claimed) <= len(echoes) // 4, [(e.id, e.event_name) for e in claimed]
    assert rows(bot, StaffReply, StaffReply.user_id == "U9") == []


def test_unreachable_user_is_recorded_and_not_retried(bot):
    bot.standin.state.unreachable["U9"] = -230
    bot.post(text_event("U9", "xin chào"))
    bot.wait_idle()
    time.sleep(1.5)
    sent = rows(bot, OutboxMessage, OutboxMessage.user_id == "U9")
    assert sent and all(m.status == "failed" and m.error_code == -230 for m in sent)
    (member,) = rows(bot, Member, Member.user_id == "U9")
    assert member.unreachable_code == -230 and "7 ngày" in member.unreachable_reason
    calls = [c for c in bot.standin.state.calls if c[1].endswith("/message/cs")]
    assert len(calls) == 1  # the rest of the batch is not tried once Zalo says the user is unreachable


def test_server_errors_are_retried_until_the_reply_is_delivered_once(bot):
    bot.standin.state.inject("/message/cs", "http500", count=3, user_id="U10")
    bot.post(text_event("U10", "xin chào"))
    delivered = bot.standin.state.wait_for_messages("U10", 2, timeout=15)
    time.sleep(1.5)
    assert len(bot.standin.state.messages_for("U10")) == 2
    assert "Tổ dân phố điện tử" in delivered[0]["text"]  # order kept after the retry


def test_expired_token_mid_run_is_refreshed_exactly_once(bot):
    bot.post(text_event("U11", "xin chào"))
    bot.standin.state.wait_for_messages("U11", 2)
    bot.standin.state.expire_access_token()
    for user in ("U12", "U13", "U14"):
        bot.post(text_event(user, "xin chào"))
    for user in ("U12", "U13", "U14"):
        bot.standin.state.wait_for_messages(user, 2)
    assert bot.standin.state.refresh_count == 1
    with bot.services.store.unit() as uow:
        assert uow.tokens.get().access_token == bot.standin.state.access_token


def test_replies_decided_before_a_crash_are_sent_when_the_worker_starts_again(bot):
    from bot.runtime.outbox import SEND_GRACE
    with bot.services.store.unit() as uow:  # what a crash right after the commit leaves behind
        uow.outbox.add("text", {"text": "Tin nhắn trước khi sập"}, user_id="U15", hold=SEND_GRACE)
        uow.commit()
    bot.services.worker.stop()
    bot.services._worker = None
    bot.services.worker.start()
    (message,) = bot.standin.state.wait_for_messages("U15", 1, timeout=5)
    assert message["text"] == "Tin nhắn trước khi sập"


def test_healthz_ok_then_503_when_database_is_gone_and_webhook_refuses_to_ack(bot, monkeypatch):
    import requests
    from sqlalchemy import create_engine
    # With no leader, a resident asking for a person reaches nobody: the health check says so
    assert requests.get(bot.url + "/healthz").json() == {"status": "degraded", "no_leader": ["main"]}
    bot.add_staff("leader-1", "Tổ trưởng", "leader")
    assert requests.get(bot.url + "/healthz").json() == {"status": "ok"}
    gone = create_engine("sqlite:////nonexistent-dir/x.db")
    monkeypatch.setattr(bot.services.store, "engine", gone)
    if bot.services.store._intake_engine is not None:  # SQLite: the webhook's own connections
        monkeypatch.setattr(bot.services.store, "_intake_engine", gone)
    monkeypatch.setattr(bot.services.store, "_sessions",
                        __import__("sqlalchemy.orm", fromlist=["sessionmaker"]).sessionmaker(bot.services.store.engine))
    assert requests.get(bot.url + "/healthz").status_code == 503
    assert bot.post(text_event("U16", "xin chào")).status_code == 503


def test_healthz_degraded_after_refused_refresh(bot):
    import requests
    bot.add_staff("leader-1", "Tổ trưởng", "leader")
    bot.standin.state.expire_access_token()
    bot.standin.state.refresh_token = "something-else"  # our refresh token is no longer valid
    bot.post(text_event("U17", "xin chào"))
    deadline = time.time() + 10
    while requests.get(bot.url + "/healthz").json()["status"] != "degraded" and time.time() < deadline:
        time.sleep(0.1)
    health = requests.get(bot.url + "/healthz").json()
    assert health["status"] == "degraded" and "refresh" in health["zalo_token"]


def test_starting_the_worker_of_an_oa_without_a_leader_warns_whoever_runs_it(migrated_database_url, standin, caplog):
    import logging

    from bot import create_app
    from bot.cli.run import start_background, stop_background
    from tests.conftest import make_settings

    app = create_app(make_settings(migrated_database_url, standin.url))
    for leader in (False, True):
        if leader:
            with app.extensions["bot"].store.unit() as uow:
                uow.staff.add("leader-1", "Tổ trưởng", "leader")
                uow.commit()
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="bot.cli.run"):
            workers, scheduler = start_background(app, scheduler=False)
            stop_background(app, workers, scheduler)
        warned = [r.getMessage() for r in caplog.records if "no leader" in r.getMessage()]
        if leader:
            assert warned == []
        else:
            assert len(warned) == 1 and "OA main" in warned[0]
