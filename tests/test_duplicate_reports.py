"""Fewer duplicate reports (issue 28): a resident about to report what someone reported nearby is offered to
follow that report instead; anonymous reports keep no name or phone and are marked «Ẩn danh» to leaders.
End to end through the webhook, on SQLite and PostgreSQL."""
from __future__ import annotations

from bot import texts
from bot.services.casework import open_requests_text
from tests.test_admin import add_staff, login, post

# Two points 40 m apart (north–south) and one 300 m from the first, in Hoa Lư street, Hà Nội.
HERE = ("21.013700", "105.848000")
FORTY_METRES_AWAY = ("21.014060", "105.848000")
THREE_HUNDRED_METRES_AWAY = ("21.016400", "105.848000")
RUBBISH, TRAFFIC = "1", "3"  # the category's number in phan_anh.yaml (Môi trường, Giao thông)


def report(bot, user: str, category: str = RUBBISH, where: tuple[str, str] | str = HERE,
           anonymous: bool = False) -> list[str]:
    """Answer every question of a phản ánh and tap «Gửi»; return what the bot says to that."""
    bot.say(user, "phản ánh")
    bot.say(user, "đồng ý")
    for answer in ("không", category, "Rác đổ ra đầu ngõ cả tuần nay"):
        bot.say(user, answer)
    if isinstance(where, str):
        bot.say(user, where)
    else:
        bot.say(user, kind="location", lat=where[0], lng=where[1])
    bot.say(user, "bỏ qua")  # no photo
    if anonymous:
        bot.say(user, "không muốn để lại tên")
    else:
        bot.say(user, "không")
        bot.say(user, "Trần Văn Bình")
        bot.say(user, "0912345678")
    return bot.say(user, "Gửi")


def codes(bot) -> list[str]:
    with bot.services.store.unit() as uow:
        return [row.code for row in uow.requests.all()]


def test_a_second_report_40_metres_away_is_offered_to_follow_the_first(bot):
    bot.clock.set_local(2026, 12, 3, 9)
    add_staff(bot, "leader-1", "Nguyễn Văn Hòa", "leader")
    assert any("PA-0001" in said for said in report(bot, "res-1"))
    offer = report(bot, "res-2", where=FORTY_METRES_AWAY)
    assert offer[-1].startswith("Đã có 1 người báo việc này (PA-0001), tổ đang xử lý")
    assert codes(bot) == ["PA-0001"]  # nothing filed while the resident chooses
    assert texts.PLEASE_CHOOSE in bot.say("res-2", "hả")[0]  # the answers wait: asked again
    followed = bot.say("res-2", "Theo dõi việc này")
    assert "PA-0001" in followed[0] and codes(bot) == ["PA-0001"]
    leader = bot.app.test_client()
    login(leader, "leader-1")
    page = leader.get("/admin/requests/PA-0001").get_data(as_text=True)
    assert "Người cùng báo" in page and "1 người theo dõi" in page
    assert post(leader, "/admin/requests/PA-0001/status", status="dang_xu_ly").status_code == 302
    bot.wait_idle()
    assert "Việc bác theo dõi (PA-0001): Đang xử lý." in bot.inbox("res-2")
    assert any("PA-0001" in m and "Đang xử lý" in m for m in bot.inbox("res-1"))  # the author as before


def test_a_resident_may_file_their_own_report_anyway(bot):
    bot.clock.set_local(2026, 12, 3, 9)
    report(bot, "res-1")
    report(bot, "res-2", where=FORTY_METRES_AWAY)
    said = bot.say("res-2", "Vẫn gửi phản ánh")
    assert any("PA-0002" in s for s in said) and codes(bot) == ["PA-0001", "PA-0002"]
    with bot.services.store.unit() as uow:
        answers = uow.requests.answers_of(uow.requests.by_code("PA-0002").id)
    assert answers["location"] == ",".join(FORTY_METRES_AWAY) and answers["phone"] == "0912345678"


def test_far_away_another_category_or_a_closed_report_is_not_offered(bot):
    bot.clock.set_local(2026, 12, 3, 9)
    report(bot, "res-1")
    assert any("PA-0002" in s for s in report(bot, "res-2", where=THREE_HUNDRED_METRES_AWAY))
    assert any("PA-0003" in s for s in report(bot, "res-3", category=TRAFFIC, where=FORTY_METRES_AWAY))
    with bot.services.store.unit() as uow:
        for code in ("PA-0001", "PA-0002"):
            uow.requests.by_code(code).status = "da_xong"
        uow.commit()
    assert any("PA-0004" in s for s in report(bot, "res-4", where=FORTY_METRES_AWAY))


def test_the_same_typed_address_without_marks_is_offered(bot):
    bot.clock.set_local(2026, 12, 3, 9)
    report(bot, "res-1", where="số 5 ngõ 12 Hoa Lư")
    offer = report(bot, "res-2", where="so 5 ngo 12 hoa lu")
    assert offer[-1].startswith("Đã có 1 người báo việc này (PA-0001)")
    assert any("PA-0002" in s for s in report(bot, "res-3", where="số 7 ngõ 12 Hoa Lư"))


def test_an_anonymous_report_keeps_no_name_or_phone_and_leaders_see_it_marked(bot):
    bot.clock.set_local(2026, 12, 3, 9)
    add_staff(bot, "leader-1", "Nguyễn Văn Hòa", "leader")
    with bot.services.store.unit() as uow:
        uow.members.get_or_create("res-anon").display_name = "Phạm Thị Mai"  # the Zalo name the OA knows
        uow.commit()
    said = report(bot, "res-anon", anonymous=True)
    assert any("PA-0001" in s for s in said)
    with bot.services.store.unit() as uow:
        answers = uow.requests.answers_of(uow.requests.by_code("PA-0001").id)
        listing = open_requests_text(uow, bot.services.runtime.catalog, bot.clock())
    assert answers["keep_anonymous"] == "Có" and "reporter_name" not in answers and "phone" not in answers
    assert "PA-0001" in listing and texts.ANONYMOUS_MARK.strip() in listing
    leader = bot.app.test_client()
    login(leader, "leader-1")
    for url in ("/admin/", "/admin/requests/PA-0001"):
        page = leader.get(url).get_data(as_text=True)
        assert "Ẩn danh" in page and "Phạm Thị Mai" not in page, url


def test_upgrading_keeps_the_open_reports_and_lets_residents_follow_them(database_url):
    from sqlalchemy import text

    from bot.store import Store, make_engine
    from config.settings import SANDBOX_DATA_KEY
    from tests.conftest import OA_ID, migrate_to

    def old_rows(connection):
        connection.execute(text(
            "INSERT INTO requests (oa_id, code, kind, user_id, answers, status, channel, created_at, updated_at, "
            "urgent) VALUES (:oa, 'PA-0001', 'phan_anh', 'r1', '{}', 'moi', 'to_chuyen', CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP, :no)"), {"oa": OA_ID, "no": False})

    engine = make_engine(database_url)
    migrate_to(engine, "0019", old_rows)
    migrate_to(engine, "head")
    store = Store(engine, OA_ID, SANDBOX_DATA_KEY)
    with store.unit() as uow:
        request = uow.requests.by_code("PA-0001")
        uow.requests.add_follower(request.id, "r2")
        uow.requests.add_follower(request.id, "r2")  # twice: one row
        uow.commit()
    with store.unit() as uow:
        assert uow.requests.followers_of(uow.requests.by_code("PA-0001").id) == ["r2"]
    store.dispose()


def test_erasing_ones_data_stops_following_a_report(bot):
    bot.clock.set_local(2026, 12, 3, 9)
    add_staff(bot, "leader-1", "Nguyễn Văn Hòa", "leader")
    report(bot, "res-1")
    report(bot, "res-2", where=FORTY_METRES_AWAY)
    bot.say("res-2", "Theo dõi việc này")
    bot.say("res-2", "xóa dữ liệu của tôi")
    bot.say("res-2", "1")
    leader = bot.app.test_client()
    login(leader, "leader-1")
    assert "1 người theo dõi" not in leader.get("/admin/requests/PA-0001").get_data(as_text=True)
    post(leader, "/admin/requests/PA-0001/status", status="dang_xu_ly")
    bot.wait_idle()
    assert not any("Việc bác theo dõi" in m for m in bot.inbox("res-2"))
