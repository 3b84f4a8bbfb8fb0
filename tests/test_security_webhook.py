"""The webhook and the worker against what an outside probe sent (issue 21): bodies nested to break the
parser, old events replayed, malformed attachments, one huge message and a flood of small ones. Each
goes through the real webhook on a running bot (SQLite and PostgreSQL)."""
from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from bot import texts
from bot.clock import utcnow
from bot.handlers.flood import verdict
from bot.runtime.jobs import erase_expired
from bot.sandbox import events as zalo
from tests.conftest import APP_ID, OA_ID, make_settings, start_bot

pytestmark = pytest.mark.security


def stored(bot) -> int:
    with bot.services.store.unit() as uow:
        return uow.events.count()


def refused(answer, status: int = 400) -> str:
    assert answer.status_code == status, (answer.status_code, answer.text)
    return answer.json()["reason"]


def ms(at: datetime) -> int:
    return int((at - datetime(1970, 1, 1)).total_seconds() * 1000)


def test_deeply_nested_json_is_refused_without_a_crash(bot):
    before = stored(bot)
    reason = refused(bot.post_raw(b"[" * 100_000, timestamp="1", headers={"X-ZEvent-Signature": "mac=00"}))
    assert "nested" in reason
    event = zalo.user_text_event(APP_ID, OA_ID, "U-nest", "xin chào")
    deep = {**event, "extra": json.loads("[" * 40 + "]" * 40)}  # signed, readable, but no Zalo event nests so
    assert "nested" in refused(bot.post(deep))
    brackets_in_text = zalo.user_text_event(APP_ID, OA_ID, "U-nest", "[" * 100 + " xin chào")
    assert bot.post(brackets_in_text).status_code == 200  # brackets a resident types are text, not nesting
    assert stored(bot) == before + 1
    assert bot.say("U-nest", "xin chào")


def test_a_signed_event_older_than_a_day_is_refused(bot):
    now = utcnow()
    three_days = zalo.user_text_event(APP_ID, OA_ID, "U-old", "xin chào", timestamp_ms=ms(now - timedelta(days=3)))
    before = stored(bot)
    assert "older than 24 h" in refused(bot.post(three_days))
    ahead = zalo.user_text_event(APP_ID, OA_ID, "U-old", "xin chào", timestamp_ms=ms(now + timedelta(days=2)))
    assert "future" in refused(bot.post(ahead))
    assert stored(bot) == before and bot.inbox("U-old") == []
    retried = zalo.user_text_event(APP_ID, OA_ID, "U-old", "xin chào", timestamp_ms=ms(now - timedelta(hours=2)))
    assert bot.post(retried).status_code == 200  # within Zalo's retries: taken and answered
    bot.wait_idle()
    assert bot.inbox("U-old")


def test_after_retention_a_replayed_event_is_still_a_duplicate(bot):
    event = zalo.user_text_event(APP_ID, OA_ID, "U-replay", "xin chào")
    assert bot.post(event).json()["status"] == "ok"
    bot.wait_idle()
    answered = len(bot.inbox("U-replay"))
    assert answered > 0
    services = replace(bot.services, settings=bot.services.settings.with_overrides(retention_days=1))
    erase_expired(services, now=utcnow() + timedelta(days=1, hours=1))
    with bot.services.store.unit() as uow:
        row = _only_event(uow)
        assert row.raw == "{}" and row.user_id is None  # the personal data went, the dedupe key stayed
    assert bot.post(event).json()["status"] == "duplicate"
    bot.wait_idle()
    assert len(bot.inbox("U-replay")) == answered
    erase_expired(services, now=utcnow() + timedelta(days=2, hours=1))  # by then the age check refuses it
    assert stored(bot) == 0


def _only_event(uow):
    from sqlalchemy import select

    from bot.store.models import Event
    return uow.session.scalars(select(Event).where(Event.event_name == "user_send_text")).one()


@pytest.mark.parametrize("coordinates", ["10.76,106.65", ["10.76", "106.65"], {"latitude": "abc", "longitude": "1"},
                                         {"latitude": "10.76"}, {"latitude": "95", "longitude": "106.65"},
                                         {"latitude": True, "longitude": "106.65"}])
def test_a_malformed_location_is_refused_at_the_webhook(bot, coordinates):
    event = zalo.user_location_event(APP_ID, OA_ID, "U-loc", "10.76", "106.65")
    bad = copy.deepcopy(event)
    bad["message"]["attachments"][0]["payload"]["coordinates"] = coordinates
    before = stored(bot)
    assert "coordinates" in refused(bot.post(bad))
    assert stored(bot) == before
    numbers = copy.deepcopy(event)
    numbers["message"]["attachments"][0]["payload"]["coordinates"] = {"latitude": 10.76, "longitude": 106.65}
    assert bot.post(numbers).status_code == 200
    bot.wait_idle()
    assert bot.inbox("U-loc")  # a location Zalo could send is answered


def test_a_huge_message_reaches_staff_as_one_short_excerpt_with_a_link(bot):
    bot.clock.set_local(2026, 12, 3, 9)  # office hours: the leader is told at once
    bot.add_staff("L1", "Tổ trưởng Lan", "leader")
    huge = "Nhà tôi " + "a" * 450_000
    bot.say("U-long", huge)
    bot.say("U-long", "gặp người")
    notices = bot.inbox("L1")
    assert len(notices) == 1, [len(n) for n in notices]
    assert len(notices[0]) < 2000
    assert "xem đầy đủ trên bảng điều hành: http://127.0.0.1:8080/admin/requests/HT-0001" in notices[0]
    assert "Để nhận, nhắn: nhận HT-0001" in notices[0]  # the claim line stays after the excerpt
    bot.say("L1", "nhận HT-0001")
    seen = len(bot.inbox("L1"))
    bot.say("U-long", huge)
    relayed = bot.inbox("L1")[seen:]
    assert len(relayed) == 1 and len(relayed[0]) < 1200
    assert relayed[0].startswith("[HT-0001]") and "bảng điều hành" in relayed[0]


def test_a_flood_is_answered_once_then_held_and_nothing_is_lost(migrated_database_url, standin):
    running, stop = start_bot(make_settings(migrated_database_url, standin.url, flood_messages=10, flood_seconds=10),
                              standin)
    try:
        for i in range(30):
            assert running.post(zalo.user_text_event(APP_ID, OA_ID, "U-flood", f"tin {i}")).status_code == 200
        running.wait_idle()
        inbox = running.inbox("U-flood")
        assert inbox.count(texts.FLOOD_SLOW_DOWN) == 1
        start_count = len(inbox)
        assert start_count < 30  # 601 replies for 300 messages before
        with running.services.store.unit() as uow:
            assert uow.events.count() == 30 and uow.events.count("done") == 30  # all kept, none failed
        fire = running.say("U-flood", "nhà hàng xóm đang bốc cháy")
        assert any("114" in reply for reply in fire)  # an emergency is answered even in a flood
        assert len(running.inbox("U-flood")) > start_count
    finally:
        stop()


def test_the_flood_verdict_lets_a_resident_who_slowed_down_through():
    start, limit, window = datetime(2026, 12, 3, 8), 10, timedelta(seconds=10)
    burst = [start + timedelta(seconds=0.1 * i) for i in range(13)]
    newest_first = lambda times: sorted(times, reverse=True)[:limit + 2]  # noqa: E731
    assert verdict(newest_first(burst[:10]), limit, window) == "answer"
    assert verdict(newest_first(burst[:11]), limit, window) == "warn"
    assert verdict(newest_first(burst[:13]), limit, window) == "quiet"
    later = burst + [start + timedelta(seconds=30)]
    assert verdict(newest_first(later), limit, window) == "answer"
