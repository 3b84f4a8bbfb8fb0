"""Emergencies through the real webhook: the number to call first, every leader and volunteer told at once
whatever the hour, an urgent request listed first, the location joined to it; talk about such things is
no emergency. The clock is moved, never slept on."""
from sqlalchemy import select

from bot import texts
from bot.services.casework import digest_text, open_requests_text
from bot.store.models import ServiceRequest
from tests.test_admin import add_request, admin, leader  # noqa: F401 - fixtures
from tests.test_handoff import setup_team

POLICE, HEALTH = "0229 3871 113", "0229 3871 115"  # config/neighborhood.yaml


def requests_of(bot) -> list[ServiceRequest]:
    with bot.services.store.unit() as uow:
        return list(uow.session.scalars(select(ServiceRequest).order_by(ServiceRequest.id)))


def test_a_fire_at_the_menu_at_night_names_114_first_and_tells_every_staff_member(bot):
    setup_team(bot)  # two volunteers on day shifts and a leader
    bot.clock.set_local(2026, 12, 3, 23, 30)  # outside office hours and inside quiet hours
    said = bot.say("res-1", "nhà hàng xóm đang bốc cháy")
    assert said[0].startswith("Bác gọi ngay 114") and POLICE in said[0] and HEALTH in said[0]
    assert "KC-0001" in said[0] and "đồng ý" not in said[0].lower()  # no consent question, no form
    assert said[-1] == texts.EMERGENCY_ASK_LOCATION and len(said) == 2
    for staff in ("leader", "vol-sang", "vol-chieu"):
        notice = bot.inbox(staff)[-1]
        assert notice.startswith("KHẨN CẤP KC-0001") and "nhà hàng xóm đang bốc cháy" in notice and "114" in notice
    [request] = requests_of(bot)
    assert request.urgent and request.kind == "khan_cap" and request.status == "moi"

    assert bot.say("res-1", kind="location", lat="20.2506", lng="105.9745")[0].startswith("Dạ, tổ đã chuyển vị trí")
    assert "openstreetmap.org/?mlat=20.2506&mlon=105.9745" in bot.inbox("vol-chieu")[-1]
    with bot.services.store.unit() as uow:
        assert uow.requests.answers_of(request.id)["vi_tri"] == "20.2506,105.9745"


def test_an_emergency_mid_procedure_keeps_the_procedure_and_asks_no_consent(bot):
    setup_team(bot)
    bot.clock.set_local(2026, 12, 3, 10)
    bot.say("res-2", "phản ánh")
    bot.say("res-2", "1")  # consent: the first question follows
    said = bot.say("res-2", "có người bị điện giật")
    assert said[0].startswith("Bác gọi ngay 115") and "114" in said[0]
    assert not any(texts.CONSENT in s for s in said)
    assert "điện giật" in bot.inbox("leader")[-1]
    assert bot.say("res-2", "nhắc lại")[0].startswith("Việc này có đang nguy hiểm")  # the form is where it was


def test_an_emergency_while_a_volunteer_holds_the_chat_reaches_everyone(bot):
    setup_team(bot)
    bot.clock.set_local(2026, 12, 3, 9)
    bot.say("res-3", "gặp người")
    bot.say("vol-sang", "nhận HT-0001")
    said = bot.say("res-3", "bà tôi khó thở quá")
    assert said[0].startswith("Bác gọi ngay 115")
    assert bot.inbox("vol-sang")[-1].startswith("KHẨN CẤP KC-0001: Người bị nạn")
    assert bot.inbox("vol-chieu")[-1].startswith("KHẨN CẤP")  # off duty, told all the same


def test_more_words_join_the_emergency_and_it_comes_first_for_leaders(bot):
    setup_team(bot)
    bot.clock.set_local(2026, 12, 3, 10)
    bot.say("res-5", "phản ánh")
    bot.say("res-5", "1")
    for answer in ("không", "1", "Rác đổ ra đường cả tuần nay", "bỏ qua", "bỏ qua", "có"):
        bot.say("res-5", answer)
    bot.say("res-5", "1")  # PA-0001 is filed first
    bot.say("res-4", "cứu với có cướp")
    assert bot.say("res-4", "nó chạy về phía chợ rồi")[0]  # a plain message: the bot answers as usual
    again = bot.say("res-4", "nó cầm dao")
    assert "KC-0001" in again[0] and "báo lại" in again[0]
    assert bot.inbox("leader")[-1].startswith("KHẨN CẤP KC-0001:")
    assert bot.inbox("leader")[-1].endswith("nhắn thêm: «nó cầm dao»")
    assert [r.code for r in requests_of(bot) if r.kind == "khan_cap"] == ["KC-0001"]
    with bot.services.store.unit() as uow:
        listing = open_requests_text(uow, bot.services.runtime.catalog, bot.clock())
        digest = digest_text(uow, bot.services.runtime.catalog, bot.clock())
    lines = listing.splitlines()
    assert lines[1].startswith("[KHẨN CẤP] - KC-0001") and "PA-0001" in lines[2]
    assert digest.startswith("KHẨN CẤP chưa xong: KC-0001")


def test_talk_about_fire_first_aid_or_films_is_no_emergency(bot):
    setup_team(bot)
    bot.clock.set_local(2026, 12, 3, 10)
    for text in ("tuyên truyền phòng cháy chữa cháy", "lớp sơ cứu tuần sau học ở đâu", "phim hành động hay quá",
                 "xe dang chay thi het xang", "cho xiu"):
        said = bot.say("res-6", text)
        assert not any("Bác gọi ngay" in s for s in said), text
    assert not any(r.kind == "khan_cap" for r in requests_of(bot))
    assert bot.inbox("leader") == []


def test_staff_words_are_never_taken_for_an_emergency(bot):
    setup_team(bot)
    bot.clock.set_local(2026, 12, 3, 9)
    bot.say("res-7", "gặp người")
    bot.say("vol-sang", "nhận HT-0001")
    assert bot.say("vol-sang", "Bác gọi 114 ngay nếu thấy cháy nhé") == []
    assert bot.inbox("res-7")[-1] == "Lan: Bác gọi 114 ngay nếu thấy cháy nhé"
    assert not any(r.kind == "khan_cap" for r in requests_of(bot))


def test_the_dashboard_lists_an_open_emergency_first_and_marks_it(admin, leader):
    admin.clock.set_local(2026, 12, 3, 10)
    admin.say("res-8", "có người ngất xỉu ở đầu ngõ")
    add_request(admin, "phan_anh", "res-9")  # newer than the emergency
    page = leader.get("/admin/").get_data(as_text=True)
    rows = page.split('<tbody>')[1]
    assert rows.index("KC-0001") < rows.index("PA-0001")
    assert 'class="urgent"' in rows and "KHẨN CẤP" in rows
