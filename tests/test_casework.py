"""Following up requests: the resident is told of status changes (now, or at their next message when
outside Zalo's 7-day window), finished reports are checked on, leaders get their numbers."""
from datetime import timedelta

from bot import texts
from bot.runtime.jobs import evening_digest, minute_tick
from bot.runtime.outbox import queue_reply
from bot.services import casework


def change(bot, code: str, status: str):
    now = bot.services.runtime.clock()
    with bot.services.store.unit() as uow:
        request = uow.requests.by_code(code)
        messages = casework.change_status(uow, request, status, "leader", "Bác Hòa", now, "0912 345 678")
        ids = [queue_reply(uow, m, None) for m in messages]
        uow.commit()
    bot.services.sender.send_ids(ids)
    return messages


def test_status_change_tells_the_resident_what_happens_next(bot):
    bot.add_staff("leader", "Bác Hòa", "leader")
    bot.say("r1", "gặp người")
    change(bot, "HT-0001", "cho_bo_sung")
    told = bot.inbox("r1")[-1]
    assert "HT-0001" in told and "Chờ bổ sung" in told and "0912 345 678" in told
    with bot.services.store.unit() as uow:
        (line,) = [h for h in uow.casework.history(uow.requests.by_code("HT-0001").id) if h.kind == "status"]
        assert (line.actor_name, line.old, line.new) == ("Bác Hòa", "moi", "cho_bo_sung")


def test_outside_the_window_the_update_waits_for_the_next_message(bot):
    bot.say("r2", "gặp người")
    bot.say("r2", "hủy")
    bot.clock.advance(60 * 24 * 8)  # eight days later
    assert change(bot, "HT-0001", "moi") == []  # reopened, while the resident is away
    before = len(bot.inbox("r2"))
    replies = bot.say("r2", "xin chào")
    assert replies[0].startswith(texts.PENDING_INTRO.format(n=1)) and "HT-0001" in replies[0]
    assert len(bot.inbox("r2")) > before + 1  # the notice, then the ordinary answer
    assert not bot.say("r2", "xin chào")[0].startswith(texts.PENDING_INTRO.format(n=1))


def test_finished_report_is_checked_on_and_reopened_when_not_handled(bot):
    bot.add_staff("leader", "Bác Hòa", "leader")
    with bot.services.store.unit() as uow:
        uow.members.record_interaction("r3", bot.clock())
        uow.requests.create("PA", "phan_anh", "r3", {"description": "Rác ở đầu ngõ"}, "online")
        uow.commit()
    change(bot, "PA-0001", "da_xong")
    minute_tick(bot.services, bot.clock() + timedelta(days=1))
    assert not any(texts.FOLLOW_UP_QUESTION.format(code="PA-0001") in m for m in bot.inbox("r3"))
    bot.clock.advance(60 * 24 * 3 + 1)
    minute_tick(bot.services)
    bot.wait_idle()
    assert bot.inbox("r3")[-1].startswith(texts.FOLLOW_UP_QUESTION.format(code="PA-0001"))
    assert "mở lại" in bot.say("r3", "chưa")[0]
    with bot.services.store.unit() as uow:
        assert uow.requests.by_code("PA-0001").status == "moi"
    assert "PA-0001" in bot.inbox("leader")[-1]


def test_leader_gets_statistics_and_open_requests_a_resident_does_not(bot):
    bot.add_staff("leader", "Bác Hòa", "leader")
    bot.say("r4", "gặp người")
    bot.say("r5", "gặp cán bộ")
    stats = bot.say("leader", "Thống kê")[0]
    assert "2 yêu cầu" in stats and "Gặp người hỗ trợ: 2" in stats and "Mới: 2" in stats
    listing = bot.say("leader", "yeu cau moi")[0]
    assert listing.index("HT-0001") < listing.index("HT-0002")
    assert not any("yêu cầu" in r and "Thống kê" in r for r in bot.say("r4", "thống kê"))


def test_evening_digest_reaches_leaders(bot):
    bot.add_staff("leader", "Bác Hòa", "leader")
    bot.say("r6", "gặp người")
    assert evening_digest(bot.services) == 1
    bot.wait_idle()
    assert "1 yêu cầu mới" in bot.inbox("leader")[-1]


def test_a_report_is_counted_as_forwarded_by_the_to_not_as_filed_online(bot):
    bot.add_staff("leader", "Bác Hòa", "leader")
    with bot.services.store.unit() as uow:
        uow.requests.create("PA", "phan_anh", "r6", {"description": "Đèn đường hỏng"}, "to_chuyen")
        uow.commit()
    stats = bot.say("leader", "thống kê")[0]
    assert "Tổ chuyển đến nơi giải quyết: 1" in stats and "Tự nộp qua mạng" not in stats


def test_upgrading_relabels_the_reports_older_versions_stored_as_online(database_url):
    from sqlalchemy import text

    from bot.store import Store, make_engine
    from config.settings import SANDBOX_DATA_KEY
    from tests.conftest import OA_ID, migrate_to

    def old_rows(connection):
        for code, kind in (("PA-0001", "phan_anh"), ("TT-0001", "tam_tru")):
            connection.execute(text(
                "INSERT INTO requests (oa_id, code, kind, user_id, answers, status, channel, created_at, updated_at, "
                "urgent) VALUES (:oa, :code, :kind, 'r7', '{}', 'moi', 'online', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, "
                ":no)"), {"oa": OA_ID, "code": code, "kind": kind, "no": False})

    engine = make_engine(database_url)
    migrate_to(engine, "0016", old_rows)
    migrate_to(engine, "head")
    store = Store(engine, OA_ID, SANDBOX_DATA_KEY)
    with store.unit() as uow:
        assert uow.requests.by_code("PA-0001").channel == "to_chuyen"
        assert uow.requests.by_code("TT-0001").channel == "online"  # a resident's own choice stays
    store.dispose()
