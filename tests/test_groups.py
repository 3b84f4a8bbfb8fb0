"""Member groups (tags) on SQLite and PostgreSQL: leaders manage them from chat, the CLI and the dashboard
by registered phone number or request code; lists mask phone numbers and every look is audited; each
change reaches the OA's Zalo tags through the stand-in, in order, surviving Zalo errors."""
from __future__ import annotations

from bot import texts
from bot.admin import texts as t
from bot.flows.text import normalize
from bot.privacy import masking
from tests.test_admin import add_staff, login, post
from tests.test_standin import eventually

PHONES = {"resident-an": "0912345678", "resident-binh": "0987654321", "resident-cuc": "0868123456"}
NAMES = {"resident-an": "Nguyễn Văn An", "resident-binh": "Trần Thị Bình", "resident-cuc": "Lê Văn Cúc"}


def members(bot, following=("resident-an", "resident-binh", "resident-cuc")) -> None:
    """Registered members (as a confirmed «đăng ký thành viên» leaves them), following the OA or not."""
    with bot.services.store.unit() as uow:
        for user_id, phone in PHONES.items():
            uow.members.set_follower(user_id, user_id in following)
            uow.members.set_identity(user_id, NAMES[user_id], phone)
        uow.commit()


def in_group(bot, name: str) -> set[str]:
    from bot.services import groups
    with bot.services.store.unit() as uow:
        return set(uow.groups.user_ids(groups.key(name)))


def tagged(bot, tag: str) -> set[str]:
    with bot.standin.state.lock:
        return set(bot.standin.state.tags.get(tag, set()))


def audit_actions(bot) -> list[tuple[str, str, str]]:
    with bot.services.store.unit() as uow:
        return [(e.staff_id, e.action, e.target) for e in uow.audit.latest()]


def test_masking_keeps_enough_to_tell_people_apart():
    assert masking.phone("0912345678") == "0912***678"
    assert masking.phone("02438123456") == "0243***456"
    assert masking.cccd("001234567890") == "001******890"
    assert masking.phone("") == "" and masking.phone("12345") == "***"


def test_a_leader_manages_groups_in_chat_and_zalo_tags_follow(bot):
    members(bot)
    bot.add_staff("leader-1", "Tổ trưởng Hòa", "leader")
    with bot.services.store.unit() as uow:  # a request code names its resident too
        request_code = uow.requests.create("DKTV", "dang_ky_thanh_vien", "resident-cuc", {}, None).code
        uow.commit()

    assert bot.say("leader-1", "nhóm")[0] == texts.GROUPS_NONE
    said = bot.say("leader-1", f"Thêm vào nhóm Khu A: 0912 345 678, {request_code.lower()}; 0900000000")[0]
    assert said.startswith(texts.GROUP_ADDED.format(n=2, name="Khu A", count=2))
    assert "0900000000" in said  # the one that matched nobody is named
    assert in_group(bot, "khu a") == {"resident-an", "resident-cuc"}
    assert eventually(lambda: tagged(bot, "Khu A") == {"resident-an", "resident-cuc"})

    # The name is matched without diacritics or case; adding someone twice counts once.
    said = bot.say("leader-1", "them vao nhom KHU A 0987654321 0912345678")[0]
    assert said == texts.GROUP_ADDED.format(n=1, name="Khu A", count=3)

    listing = bot.say("leader-1", "nhóm khu a")[0]
    assert listing.startswith(texts.GROUP_MEMBERS_TITLE.format(name="Khu A", count=3))
    assert "Nguyễn Văn An · 0912***678" in listing and "0912345678" not in listing
    assert ("leader-1", "view_group", "Khu A") in audit_actions(bot)
    overview = bot.say("leader-1", "danh sách nhóm")[0]
    assert texts.GROUPS_LINE.format(n=1, name="Khu A", count=3) in overview

    assert bot.say("leader-1", "bỏ khỏi nhóm khu A: 0987654321")[0] == texts.GROUP_REMOVED.format(
        n=1, name="Khu A", count=2)
    assert eventually(lambda: tagged(bot, "Khu A") == {"resident-an", "resident-cuc"})
    assert bot.say("leader-1", "nhóm khu Z")[0] == texts.GROUP_UNKNOWN.format(name="khu Z", names="Khu A")
    assert bot.say("leader-1", "thêm vào nhóm khu A")[0] == texts.GROUP_NEED_PEOPLE.format(name="Khu A")

    assert bot.say("leader-1", "xóa nhóm Khu A")[0] == texts.GROUP_DELETED.format(name="Khu A", count=2)
    assert in_group(bot, "khu a") == set()
    assert eventually(lambda: "Khu A" not in bot.standin.state.tags)
    assert texts.LEADER_HELP in bot.say("leader-1", "lệnh")[0]


def test_residents_and_volunteers_typing_group_commands_get_the_ordinary_answer(bot):
    members(bot)
    bot.add_staff("vol-1", "Trần Thị Lan", "volunteer")
    for user in ("resident-an", "vol-1"):
        for command in ("nhóm", "thêm vào nhóm khu A: 0912345678", "xóa nhóm khu A"):
            replies = bot.say(user, command)
            assert replies and not any(r.startswith(("Đã thêm", "Đã xóa nhóm", "Các nhóm", "Tổ chưa có nhóm"))
                                       for r in replies), (user, command, replies)
    assert in_group(bot, "khu a") == set() and bot.standin.state.tags == {}


def test_tags_reach_zalo_despite_errors_and_only_for_followers(bot):
    """A 5xx and a rate limit are retried; a member Zalo says does not follow (-213) fails alone, without
    marking them unreachable or holding up the other changes; members known not to follow are not sent."""
    members(bot, following=("resident-an", "resident-binh"))
    bot.add_staff("leader-1", "Tổ trưởng Hòa", "leader")
    with bot.standin.state.lock:
        bot.standin.state.users["resident-binh"] = {"user_is_follower": False}  # unfollowed, not yet told
    bot.standin.state.inject("/v2.0/oa/tag/tagfollower", "http502")
    bot.standin.state.inject("/v2.0/oa/tag/tagfollower", "zalo_error", code=-32)
    bot.say("leader-1", "thêm vào nhóm người cao tuổi: 0912345678, 0987654321, 0868123456")
    assert in_group(bot, "nguoi cao tuoi") == {"resident-an", "resident-binh", "resident-cuc"}
    assert eventually(lambda: tagged(bot, "người cao tuổi") == {"resident-an"}, timeout=20)
    with bot.services.store.unit() as uow:
        assert uow.members.get("resident-binh").unreachable_code is None
    calls = [path for _method, path in bot.standin.state.calls if path == "/v2.0/oa/tag/tagfollower"]
    assert len(calls) == 4  # an: 502, -32, ok; binh: -213; cuc (not following) never sent

    # Following again brings the member's tags back.
    with bot.standin.state.lock:
        bot.standin.state.users["resident-cuc"] = {"user_is_follower": True}
    from bot.sandbox import events as zalo
    from tests.conftest import APP_ID, OA_ID
    assert bot.post(zalo.follow_event(APP_ID, OA_ID, "resident-cuc")).status_code == 200
    assert eventually(lambda: "resident-cuc" in tagged(bot, "người cao tuổi"))


def test_with_zalo_tags_off_groups_stay_in_the_bot(database_url, standin):
    from tests.conftest import OA_SECRET, make_settings, start_bot
    running, stop = start_bot(make_settings(database_url, standin.url).with_overrides(zalo_tags=False), standin)
    standin.state.webhook_url, standin.state.oa_secret_key = running.url + "/zalo/webhook", OA_SECRET
    try:
        members(running)
        running.add_staff("leader-1", "Tổ trưởng Hòa", "leader")
        running.say("leader-1", "thêm vào nhóm khu B: 0912345678")
        assert in_group(running, "khu b") == {"resident-an"}
        with running.services.store.unit() as uow:
            assert not [r for r in uow.outbox.due(100) if r.kind.startswith("tag_")]
        assert standin.state.tags == {}
    finally:
        stop()


def test_the_command_line_manages_groups_and_staff_join_the_staff_group(bot):
    members(bot)
    runner = bot.app.test_cli_runner()
    result = runner.invoke(args=["groups", "add", "Thanh niên", "--member", "0912345678", "--member", "0999999999",
                                 "--zalo-id", "resident-binh"])
    assert result.exit_code == 0 and "2 added to 'Thanh niên'" in result.output
    assert "0999999999" in result.output  # not found, said so
    shown = runner.invoke(args=["groups", "show", "thanh nien"])
    assert "0912***678" in shown.output and "0912345678" not in shown.output and NAMES["resident-an"] in shown.output
    assert ("cli", "view_group", "Thanh niên") in audit_actions(bot)
    assert eventually(lambda: tagged(bot, "Thanh niên") == {"resident-an", "resident-binh"})
    assert runner.invoke(args=["groups", "remove", "thanh niên", "--member", "0987654321"]).exit_code == 0
    assert in_group(bot, "thanh nien") == {"resident-an"}
    assert runner.invoke(args=["groups", "delete", "Thanh Niên"]).exit_code == 0
    assert runner.invoke(args=["groups", "show", "thanh nien"]).exit_code != 0

    runner.invoke(args=["staff", "add", "--zalo-id", "resident-cuc", "--name", "Lê Văn Cúc", "--role", "volunteer"])
    assert in_group(bot, "cán bộ") == {"resident-cuc"}
    listed = runner.invoke(args=["groups", "list"]).output
    assert "cán bộ" in listed
    runner.invoke(args=["staff", "remove", "--zalo-id", "resident-cuc"])
    assert in_group(bot, "cán bộ") == set()


def test_the_dashboard_manages_groups_for_leaders_only_and_audits_each_look(bot):
    members(bot)
    add_staff(bot, "leader-1", "Nguyễn Văn Hòa", "leader")
    add_staff(bot, "vol-1", "Trần Thị Lan", "volunteer")
    client = bot.app.test_client()
    login(client, "leader-1")
    assert t.GROUPS_EMPTY in client.get("/admin/groups").get_data(as_text=True)
    answer = post(client, "/admin/groups/add", name="Người cao tuổi", people="0912345678\n0987654321\nabc")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/admin/groups/nguoi%20cao%20tuoi")
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "0912***678" in page and "0912345678" not in page
    assert t.GROUP_NOT_FOUND.format(missing="abc") in page
    assert ("leader-1", "view_group", "Người cao tuổi") in audit_actions(bot)

    assert post(client, "/admin/groups/nguoi cao tuoi/remove", user_id="resident-an").status_code == 302
    assert in_group(bot, "nguoi cao tuoi") == {"resident-binh"}
    assert post(client, "/admin/groups/nguoi cao tuoi/remove", user_id="nobody").status_code == 400
    assert post(client, "/admin/groups/add", name="", people="0912345678").status_code == 302
    assert post(client, "/admin/groups/nguoi cao tuoi/delete").status_code == 302  # no confirmation: kept
    assert in_group(bot, "nguoi cao tuoi") == {"resident-binh"}
    assert post(client, "/admin/groups/nguoi cao tuoi/delete", confirm="yes").status_code == 302
    assert in_group(bot, "nguoi cao tuoi") == set()
    assert client.get("/admin/groups/nguoi cao tuoi").status_code == 404
    assert client.post("/admin/groups/add", data={"name": "x", "people": "0912345678"}).status_code == 400  # CSRF

    volunteer = bot.app.test_client()
    login(volunteer, "vol-1")
    assert volunteer.get("/admin/groups").status_code == 403
    assert post(volunteer, "/admin/groups/add", name="x", people="0912345678").status_code == 403


def test_a_confirmed_registration_joins_the_households_area_group(bot, tmp_path):
    from tests.test_households import GOOD_AND_BAD, run
    from tests.test_personal_data import ADDRESS, NAME, PHONE, walk
    household_map = GOOD_AND_BAD + f"Đỗ Văn Hải,{ADDRESS},Khu C,2,3,\n"
    run(bot, "households", "import", data=household_map.encode(), tmp_path=tmp_path)
    bot.add_staff("leader-1", "Tổ trưởng Hòa", "leader")
    from bot.sandbox import events as zalo
    from tests.conftest import APP_ID, OA_ID
    bot.post(zalo.follow_event(APP_ID, OA_ID, "new-neighbor"))
    code = walk(bot, "new-neighbor", "dang_ky_thanh_vien")
    bot.say("leader-1", f"duyệt {code}")
    assert in_group(bot, "khu c") == {"new-neighbor"}
    assert eventually(lambda: tagged(bot, "Khu C") == {"new-neighbor"})
    listing = bot.say("leader-1", "nhóm khu C")[0]
    assert f"{NAME} · {masking.phone(PHONE)}" in listing
    assert bot.say("leader-1", f"bỏ khỏi nhóm khu C: {PHONE}")[0].startswith("Đã bỏ 1 người")

    # Erasing their data takes them out of every group, in Zalo too, and forgets the phone number.
    bot.say("leader-1", f"thêm vào nhóm khu C: {PHONE}")
    assert eventually(lambda: tagged(bot, "Khu C") == {"new-neighbor"})
    bot.say("new-neighbor", "xóa dữ liệu của tôi")
    bot.say("new-neighbor", "1")
    assert in_group(bot, "khu c") == set()
    assert eventually(lambda: tagged(bot, "Khu C") == set())
    said = bot.say("leader-1", f"thêm vào nhóm khu C: {PHONE}")[0]
    assert said.startswith(texts.GROUP_ADDED.format(n=0, name="Khu C", count=0)) and PHONE in said


def test_upgrading_keeps_the_groups_older_versions_made(database_url):
    from sqlalchemy import text

    from bot.store import Store, make_engine
    from config.settings import SANDBOX_DATA_KEY
    from tests.conftest import OA_ID, migrate_to

    engine = make_engine(database_url)
    store = Store(engine, OA_ID, SANDBOX_DATA_KEY)

    def old_groups(connection):  # before 0012 a group existed only through its members
        for user_id, name in (("u1", "Khu A"), ("u2", "Khu A"), ("u3", "Người cao tuổi")):
            connection.execute(text("INSERT INTO member_groups (oa_id, name, name_key, user_id) "
                                    "VALUES (:oa, :name, :key, :user)"),
                               {"oa": OA_ID, "name": name, "key": normalize(name), "user": user_id})

    migrate_to(engine, "0011", old_groups)
    migrate_to(engine, "head")
    with store.unit() as uow:
        assert uow.groups.sizes() == {"Khu A": 2, "Người cao tuổi": 1}
        assert uow.groups.find("khu a") == "Khu A"
    store.dispose()
