"""Ward announcements end to end: a leader composes in chat (or the CLI), the worker's announcer sends
through the outbox to the stand-in, members outside the 7-day window get it on their next message."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot import texts
from bot.flows.moments import parse_moment
from bot.runtime.announcer import Throttle

LEADER = "leader-1"
NOTICE = "Cắt nước từ 8h đến 11h sáng thứ Bảy để sửa đường ống. Bà con trữ nước giúp tổ."


def add_members(bot, in_window: int, out_of_window: int, opted_out: int = 0, prefix: str = "m") -> dict[str, list[str]]:
    """Members as the store knows them; returns their ids by kind."""
    now = bot.clock()
    made = {"in": [f"{prefix}-in-{i}" for i in range(in_window)],
            "out": [f"{prefix}-out-{i}" for i in range(out_of_window)],
            "off": [f"{prefix}-off-{i}" for i in range(opted_out)]}
    with bot.services.store.unit() as uow:
        for user in made["in"] + made["off"]:
            uow.members.record_interaction(user, now - timedelta(days=1))
        for user in made["out"]:
            uow.members.record_interaction(user, now - timedelta(days=10))
            uow.members.set_follower(user, True)
        for user in made["off"]:
            uow.members.set_announcements_off(user, True)
        uow.commit()
    return made


def received(bot, user: str, text: str = NOTICE) -> int:
    return sum(text in (m["text"] or "") for m in bot.standin.state.messages_for(user))


def announcement_rows(bot):
    with bot.services.store.unit() as uow:
        return uow.announcements.listing(50)


@pytest.fixture
def daytime(bot):
    bot.clock.set_local(2026, 11, 25, 9)
    bot.add_staff(LEADER, "Tổ trưởng Hòa", "leader")
    return bot


def test_leader_announces_to_200_members_despite_faults_and_the_report_adds_up(daytime):
    bot = daytime
    members = add_members(bot, in_window=150, out_of_window=40, opted_out=10)
    blocked = {members["in"][0]: -244, members["in"][1]: -213, members["in"][2]: -227}
    bot.standin.state.unreachable.update(blocked)

    preview = bot.say(LEADER, "Thông báo: " + NOTICE)
    assert NOTICE in preview[0] and "Gửi ngay" in preview[0]
    assert "tất cả 201 thành viên" in preview[0]  # the 200 and the leader, who just wrote
    assert bot.say(LEADER, "1")[0].startswith(texts.ANNOUNCE_SENDING.format(id=1)[:20])
    for _ in range(3):  # 5xx and rate limits mid-run: each message still goes out once
        bot.standin.state.inject("/v3.0/oa/message/cs", "http500", count=2)
        bot.standin.state.inject("/v3.0/oa/message/cs", "zalo_error", count=2, code=-32)
    assert bot.services.announcer.run_due() == 1
    assert bot.services.worker.wait_idle(30)

    reachable = [u for u in members["in"] if u not in blocked]
    assert received(bot, LEADER) == 2  # the preview, then the notice itself
    counts = {user: received(bot, user) for user in reachable}
    assert all(n == 1 for n in counts.values()), {u: n for u, n in counts.items() if n != 1}
    assert not any(received(bot, user) for user in members["out"] + members["off"] + list(blocked))
    (announcement,) = announcement_rows(bot)
    assert announcement.status == "done"

    report = [t for t in bot.inbox(LEADER) if t.startswith("Thông báo #1 đã gửi xong")]
    assert len(report) == 1
    assert f"Đã nhận: {len(reachable) + 1}" in report[0]
    assert "quá 7 ngày không tương tác): 40" in report[0]
    assert "Đã tắt nhận tin: 10" in report[0] and "Không gửi được: 3" in report[0]
    assert "đã chặn tin nhắn của OA" in report[0] and "chưa quan tâm (follow) OA" in report[0]

    # someone outside the window writes: the notice comes first, once
    late = members["out"][0]
    first = bot.say(late, "xin chào")
    assert first[0].startswith(texts.PENDING_INTRO.format(n=1)) and NOTICE in first[1]
    assert received(bot, late) == 1
    assert not any(NOTICE in t for t in bot.say(late, "xin chào"))
    # an announced member is answered as usual afterwards (the echo of the notice did not pause the bot)
    assert bot.say(members["in"][5], "xin chào")


def test_a_resident_who_writes_the_command_gets_the_ordinary_menu(bot):
    bot.clock.set_local(2026, 11, 25, 9)
    menu = bot.say("resident-1", "menu")[-1]
    assert menu.startswith("Bác cần làm gì ạ?")
    assert bot.say("resident-1", "thông báo: mai cắt điện cả phố") == [menu]
    assert announcement_rows(bot) == []


def test_groups_photo_schedule_list_and_cancel_in_chat(daytime):
    bot = daytime
    members = add_members(bot, in_window=3, out_of_window=0)
    with bot.services.store.unit() as uow:
        for user in members["in"][:2]:
            uow.groups.add("Khu A", "khu a", user)
        uow.commit()

    assert "Không có nhóm khu z" in bot.say(LEADER, "thông báo cho khu Z: họp")[0]
    preview = bot.say(LEADER, "THONG BAO KHAN cho khu a: Họp khẩn 19h tại nhà văn hóa")
    assert "2 thành viên trong nhóm Khu A" in preview[0] and "KHẨN" in preview[0]
    with_photo = bot.say(LEADER, kind="image", url="https://f6.photo.talk.zdn.vn/1/hop.jpg")
    assert "[kèm 1 ảnh]" in with_photo[0]
    assert bot.say(LEADER, "hẹn giờ")[0] == texts.ANNOUNCE_ASK_TIME
    assert bot.say(LEADER, "lúc nào cũng được")[0] == texts.ANNOUNCE_BAD_TIME
    assert bot.say(LEADER, "7:00 20/11")[0] == texts.ANNOUNCE_PAST_TIME
    scheduled = bot.say(LEADER, "7:00 26/11")[0]
    assert "07:00 ngày 26/11/2026" in scheduled
    assert "#1 · 07:00 ngày 26/11/2026 · Họp khẩn" in bot.say(LEADER, "thông báo đã hẹn")[0]

    bot.clock.set_local(2026, 11, 26, 7, 1)
    assert bot.services.announcer.run_due() == 1
    assert bot.services.worker.wait_idle(10)
    for user in members["in"][:2]:
        sent = bot.standin.state.messages_for(user)
        assert [m["text"] for m in sent if m["text"]][-1].startswith(texts.ANNOUNCE_HEADER_URGENT)
        assert any("hop.jpg" in str(m) for m in sent)
    assert received(bot, members["in"][2], "Họp khẩn") == 0

    bot.say(LEADER, "thông báo: Sẽ hủy")
    bot.say(LEADER, "2")
    bot.say(LEADER, "8h sáng mai")
    assert bot.say(LEADER, "hủy thông báo 2")[0] == texts.ANNOUNCE_CANCELLED.format(id=2)
    assert "đã hủy" in bot.say(LEADER, "hủy thông báo 2")[0]
    bot.clock.set_local(2026, 11, 27, 9)
    assert bot.services.announcer.run_due() == 0


def test_stop_and_restart_receiving(daytime):
    bot = daytime
    members = add_members(bot, in_window=2, out_of_window=0)
    quitter = members["in"][0]
    assert bot.say(quitter, "Dừng nhận tin")[0] == texts.ANNOUNCE_OFF
    bot.say(LEADER, "thông báo: Lần một")
    bot.say(LEADER, "gửi ngay")
    bot.services.announcer.run_due()
    assert bot.services.worker.wait_idle(10)
    assert received(bot, quitter, "Lần một") == 0 and received(bot, members["in"][1], "Lần một") == 1

    assert bot.say(quitter, "nhan tin lai")[0] == texts.ANNOUNCE_ON
    bot.say(LEADER, "thông báo: Lần hai")
    bot.say(LEADER, "1")
    bot.services.announcer.run_due()
    assert bot.services.worker.wait_idle(10)
    assert received(bot, quitter, "Lần hai") == 1


def test_quiet_hours_hold_ordinary_notices_but_not_urgent_ones(daytime):
    bot = daytime
    members = add_members(bot, in_window=2, out_of_window=0)
    bot.clock.set_local(2026, 11, 25, 22, 30)
    ordinary = bot.say(LEADER, "thông báo: Sáng mai phun thuốc muỗi")
    assert ordinary[0].startswith("Xem trước thông báo") and "Sáng mai phun thuốc muỗi" in ordinary[0]
    preview = ordinary[0].split("\n")  # «Bác chọn:» right above its options, after the photo hint
    assert preview.index("Muốn kèm ảnh, gửi ảnh ngay bây giờ.") + 1 == preview.index("Bác chọn:")
    assert preview[preview.index("Bác chọn:") + 1].startswith("1. Gửi ngay") and "Bạn" not in ordinary[0]
    assert "07:00 ngày 26/11/2026" in bot.say(LEADER, "1")[0]
    bot.say(LEADER, "thông báo khẩn: Nước lên nhanh, bà con kê đồ lên cao")
    bot.say(LEADER, "1")
    bot.services.announcer.run_due()
    assert bot.services.worker.wait_idle(10)
    user = members["in"][0]
    assert received(bot, user, "Nước lên nhanh") == 1 and received(bot, user, "phun thuốc") == 0

    bot.clock.set_local(2026, 11, 26, 7, 0)
    bot.services.announcer.run_due()
    assert bot.services.worker.wait_idle(10)
    assert received(bot, user, "phun thuốc") == 1


def test_throttle_spaces_calls_at_the_configured_rate():
    slept, now = [], [0.0]

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    throttle = Throttle(600, sleep=sleep, monotonic=lambda: now[0])  # one call every 0.1 s
    for _ in range(11):
        throttle.wait()
    assert now[0] == pytest.approx(1.0)
    throttle.wait(2)  # a text and its photo count as two calls
    throttle.wait()
    assert now[0] == pytest.approx(1.3)


@pytest.mark.parametrize("said, expected", [
    ("7:00 25/11", (2026, 11, 25, 7, 0)), ("sáng mai 7h", (2026, 11, 25, 7, 0)),
    ("20h30 hôm nay", (2026, 11, 24, 20, 30)), ("3 giờ chiều mai", (2026, 11, 25, 15, 0)),
    ("7g30 sáng 26/11", (2026, 11, 26, 7, 30)), ("7h", (2026, 11, 25, 7, 0)),
    ("2026-12-01 06:15", (2026, 12, 1, 6, 15)), ("32/11 7h", None), ("ngày mai", None), ("họp", None),
])
def test_send_times_as_leaders_write_them(said, expected):
    from datetime import datetime
    moment = parse_moment(said, datetime(2026, 11, 24, 15, 30))
    assert (moment.timetuple()[:5] if moment else None) == expected


def test_announcements_to_everyone_are_also_posted_to_the_neighborhood_zalo_group(database_url, standin):
    from tests.conftest import OA_SECRET, make_settings, start_bot
    bot, stop = start_bot(make_settings(database_url, standin.url, announce_zalo_groups=("g-tdp-5",)), standin)
    standin.state.webhook_url, standin.state.oa_secret_key = bot.url + "/zalo/webhook", OA_SECRET
    try:
        bot.clock.set_local(2026, 11, 25, 9)
        bot.add_staff(LEADER, "Tổ trưởng Hòa", "leader")
        members = add_members(bot, in_window=1, out_of_window=1)
        assert "và nhóm Zalo của tổ" in bot.say(LEADER, "thông báo: " + NOTICE)[0]
        bot.say(LEADER, "1")
        bot.services.announcer.run_due()
        assert bot.services.worker.wait_idle(10)
        (post,) = bot.standin.state.messages_for("g-tdp-5")
        assert post["text"].startswith(texts.ANNOUNCE_HEADER) and NOTICE in post["text"]
        assert received(bot, members["in"][0]) == 1 and received(bot, members["out"][0]) == 0
    finally:
        stop()
