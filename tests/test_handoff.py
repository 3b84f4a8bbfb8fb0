"""Handing a chat to a person, end to end through the webhook and the stand-in; the clock is moved,
never slept on."""
from sqlalchemy import select

from bot import texts
from bot.runtime.jobs import minute_tick
from bot.store.models import Handoff, ServiceRequest


def handoff_rows(bot):
    with bot.services.store.unit() as uow:
        return list(uow.session.scalars(select(Handoff).order_by(Handoff.id)))


def setup_team(bot):
    bot.add_staff("vol-sang", "Lan", "volunteer", parts=("sang",))
    bot.add_staff("vol-chieu", "Minh", "volunteer", parts=("chieu",))
    bot.add_staff("leader", "Bác Hòa", "leader")


def test_handoff_is_announced_to_on_duty_volunteers_claimed_once_relayed_and_rated(bot):
    setup_team(bot)
    bot.clock.set_local(2026, 11, 23, 9, 0)  # a Monday morning: the «sang» shift
    said = bot.say("res-1", "cho tôi gặp người")
    assert "HT-0001" in said[0] and "ít phút" in said[0]
    notice = bot.inbox("vol-sang")[-1]
    assert "HT-0001" in notice and "nhận HT-0001" in notice and "cho tôi gặp người" in notice
    assert bot.inbox("vol-chieu") == [] and bot.inbox("leader") == []

    assert bot.say("res-1", "alo, có ai không") == []  # no automatic replies while waiting
    claimed = bot.say("vol-sang", "nhận ht-1")
    assert "HT-0001" in claimed[0]
    assert "Lan sẽ hỗ trợ bác" in bot.inbox("res-1")[-1]
    assert "đã có Lan nhận" in bot.say("vol-chieu", "nhận HT-0001")[0]

    assert bot.say("res-1", "tôi muốn làm khai sinh cho cháu") == []
    assert bot.inbox("vol-sang")[-1].endswith(": tôi muốn làm khai sinh cho cháu")
    assert bot.say("vol-sang", "Bác chụp giúp cháu giấy chứng sinh nhé") == []
    assert bot.inbox("res-1")[-1] == "Lan: Bác chụp giúp cháu giấy chứng sinh nhé"

    assert "Đã đóng HT-0001" in bot.say("vol-sang", "xong")[0]
    assert bot.inbox("res-1")[-1].startswith(texts.RATE_QUESTION)
    assert bot.say("res-1", "3")[0] == texts.RATE_THANKS
    assert handoff_rows(bot)[0].rating == 3 and handoff_rows(bot)[0].status == "closed"
    with bot.services.store.unit() as uow:
        assert uow.requests.by_code("HT-0001").status == "da_xong"
    assert bot.say("res-1", "đăng ký khai sinh")[0].startswith("Đăng ký khai sinh")  # the bot is back


def test_a_resident_cannot_use_staff_commands(bot):
    setup_team(bot)
    bot.clock.set_local(2026, 11, 23, 9, 0)
    bot.say("res-2", "gặp người")
    replies = bot.say("res-3", "nhận HT-0001")
    assert replies and not any("HT-0001" in r for r in replies)
    assert handoff_rows(bot)[0].status == "waiting"


def test_console_reply_pauses_the_bot_until_quiet(bot):
    bot.say("res-4", "xin chào")
    bot.standin.state.send_console_reply("res-4", "Chào bác, cán bộ phường đây ạ")
    bot.wait_idle()
    assert bot.say("res-4", "vâng, cho tôi hỏi thêm") == []
    bot.clock.advance(31)
    assert texts.MENU_TITLE in bot.say("res-4", "xin chào")[-1]  # quiet long enough: the bot answers again


def test_unclaimed_handoff_reminds_the_leader(bot):
    setup_team(bot)
    bot.clock.set_local(2026, 11, 23, 9, 0)
    bot.say("res-5", "gặp cán bộ")
    bot.clock.advance(5)
    minute_tick(bot.services)
    assert bot.inbox("leader") == []
    bot.clock.advance(6)
    minute_tick(bot.services)
    bot.wait_idle()
    assert "chưa ai nhận" in bot.inbox("leader")[-1] and "HT-0001" in bot.inbox("leader")[-1]
    minute_tick(bot.services)
    assert len(bot.inbox("leader")) == 1  # reminded once


def test_out_of_hours_request_gets_the_morning_message_and_waits_for_the_shift(bot):
    setup_team(bot)
    bot.clock.set_local(2026, 11, 23, 22, 30)
    said = bot.say("res-6", "gặp người")
    assert "sáng mai từ 7h" in said[0]
    assert bot.inbox("vol-sang") == []
    bot.clock.set_local(2026, 11, 24, 7, 1)
    minute_tick(bot.services)
    bot.wait_idle()
    assert "HT-0001" in bot.inbox("vol-sang")[-1]


def test_duty_commands_change_who_is_told(bot):
    setup_team(bot)
    bot.clock.set_local(2026, 11, 23, 9, 0)
    assert "đang trực" in bot.say("vol-chieu", "trực")[0]
    assert "nghỉ" in bot.say("vol-sang", "nghỉ")[0]
    bot.say("res-7", "gặp người")
    assert "HT-0001" in bot.inbox("vol-chieu")[-1]
    assert not any("HT-0001" in m for m in bot.inbox("vol-sang"))


def test_three_wrong_answers_then_a_volunteer(bot):
    setup_team(bot)
    bot.clock.set_local(2026, 11, 23, 9, 0)
    bot.say("res-8", "khai sinh")
    bot.say("res-8", "1")
    for wrong in ("ngày xưa", "32/13/2024", "không nhớ"):
        replies = bot.say("res-8", wrong)
    assert replies[-1].startswith(texts.OFFER_HUMAN)
    bot.say("res-8", "1")
    notice = bot.inbox("vol-sang")[-1]
    assert "Đăng ký khai sinh" in notice and "không nhớ" in notice
    with bot.services.store.unit() as uow:
        assert uow.session.scalar(select(ServiceRequest.kind).where(ServiceRequest.code == "HT-0001")) == "ho_tro"


def test_guidance_only_then_a_volunteer_tells_them_what_the_resident_was_doing(bot):
    """«Quên mật khẩu VNeID» collects nothing: its steps, then a volunteer if the resident still needs one."""
    setup_team(bot)
    bot.clock.set_local(2026, 11, 23, 9, 0)
    said = bot.say("res-9", "tôi quên mật khẩu vneid")
    assert said[0].startswith("Quên mật khẩu VNeID") and any("«Quên mật khẩu»" in s for s in said)
    assert said[-1].startswith(texts.GUIDED_HELP) and not any(texts.CONSENT in s for s in said)
    bot.say("res-9", "gặp tình nguyện viên")
    notice = bot.inbox("vol-sang")[-1]
    assert "HT-0001" in notice and "Quên mật khẩu VNeID" in notice
    with bot.services.store.unit() as uow:
        assert uow.session.scalar(select(ServiceRequest.kind).where(ServiceRequest.code == "HT-0001")) == "ho_tro"


def test_resident_can_cancel_a_waiting_handoff(bot):
    setup_team(bot)
    bot.clock.set_local(2026, 11, 23, 9, 0)
    bot.say("res-9", "gặp người")
    said = bot.say("res-9", "hủy")
    assert "đã hủy yêu cầu gặp người (HT-0001)" in said[0]
    assert handoff_rows(bot)[0].status == "closed"
    assert bot.say("res-9", "khai sinh")[0].startswith("Đăng ký khai sinh")


def test_the_dashboard_shows_who_claimed_and_closed_a_handoff_and_its_rating(bot):
    from tests.test_admin import add_staff, login, post

    setup_team(bot)
    add_staff(bot, "leader", "Bác Hòa", "leader")  # with a dashboard password
    bot.clock.set_local(2026, 11, 23, 9, 0)
    bot.say("res-9", "gặp người")
    bot.say("vol-sang", "nhận HT-0001")
    bot.say("vol-sang", "xong")
    bot.say("res-9", "tốt lắm")
    client = bot.app.test_client()
    assert login(client, "leader").status_code == 302
    page = client.get("/admin/requests/HT-0001").get_data(as_text=True)
    assert 'id="request-assignee">Lan<' in page
    history = page.split('id="history"')[1]
    assert "Nhận hỗ trợ" in history and "Mới → Đang xử lý" in history and "Đang xử lý → Đã xong" in history
    assert "Cư dân chấm" in history and "Tốt" in history

    bot.say("res-10", "gặp người")  # assigned on the dashboard: the volunteer is told in chat
    assert post(client, "/admin/requests/HT-0002/assign", assignee="vol-chieu").status_code == 302
    bot.wait_idle()
    assert bot.inbox("vol-chieu")[-1].startswith("Bác Hòa đã giao cho bạn yêu cầu HT-0002")


def test_with_no_staff_the_resident_is_told_honestly_and_the_first_leader_added_is_told(bot):
    bot.clock.set_local(2026, 11, 23, 9, 0)
    said = bot.say("res-1", "cho tôi gặp người")
    assert "HT-0001" in said[0] and "0912 345 678" in said[0]  # the tổ's phone from config/neighborhood.yaml
    assert "ít phút" not in said[0] and "đã báo" not in said[0]  # nobody was told: no such promise
    assert {m["user_id"] for m in bot.standin.state.messages} == {"res-1"}
    with bot.services.store.unit() as uow:
        assert uow.requests.by_code("HT-0001") is not None  # logged for whoever comes

    bot.add_staff("leader", "Bác Hòa", "leader")
    bot.clock.advance(1)
    minute_tick(bot.services)
    assert "HT-0001" in bot.inbox("leader")[-1] and "nhận HT-0001" in bot.inbox("leader")[-1]


def test_with_nobody_on_duty_and_no_leader_the_next_shift_is_told(bot):
    bot.add_staff("vol-chieu", "Minh", "volunteer", parts=("chieu",))
    bot.clock.set_local(2026, 11, 23, 9, 0)  # the «sáng» shift, and nobody on it
    said = bot.say("res-1", "cho tôi gặp người")
    assert "HT-0001" in said[0] and "0912 345 678" in said[0] and "ít phút" not in said[0]
    assert bot.inbox("vol-chieu") == []

    bot.clock.set_local(2026, 11, 23, 14, 0)
    minute_tick(bot.services)
    assert "HT-0001" in bot.inbox("vol-chieu")[-1]
