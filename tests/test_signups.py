"""Sign-ups to a ward announcement, end to end through the real webhook and the Zalo stand-in: the leader
announces with `--signup` (and a limit), residents tap «Đăng ký» (a hidden payload tied to the
announcement) or type it, say how many people come, cancel; past the limit they wait in line and move
up; reminders the evening before and an hour before; the leader's list and «thống kê»."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot import texts
from bot.replies import button_title
from bot.runtime.jobs import minute_tick
from bot.sandbox import events as zalo
from bot.store.models import Signup
from tests.conftest import APP_ID, OA_ID

LEADER = "leader-1"
EVENT = "Lớp hướng dẫn VNeID, 8h thứ Bảy 12/12, nhà văn hóa"


@pytest.fixture
def ward(bot):
    bot.clock.set_local(2026, 12, 3, 9)
    bot.add_staff(LEADER, "Tổ trưởng Hòa", "leader")
    return bot


def cli(bot, *args: str) -> str:
    result = bot.app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def cli_error(bot, *args: str) -> str:
    result = bot.app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code != 0
    return result.output


def residents(bot, *users: str) -> None:
    """Members who wrote to the OA yesterday (inside Zalo's 7-day window), with a registered name and phone."""
    with bot.services.store.unit() as uow:
        for i, user in enumerate(users):
            uow.members.record_interaction(user, bot.clock() - timedelta(days=1))
            uow.members.set_identity(user, f"Cư dân {user}", f"09123450{i:02d}")
        uow.commit()


def announce(bot, *extra: str) -> int:
    """The leader's sign-up announcement, sent; its id."""
    output = cli(bot, "announce", "--signup", EVENT, *extra)
    number = int(output.split("#", 1)[1].split(" ", 1)[0])
    assert bot.services.announcer.run_due() == 1
    bot.wait_idle()
    return number


def buttons(bot, user: str) -> list[dict]:
    """The buttons under the last message that had some."""
    for record in reversed(bot.standin.state.messages_for(user)):
        attachment = (record["payload"].get("message") or {}).get("attachment") or {}
        found = (attachment.get("payload") or {}).get("buttons")
        if found:
            return found
    return []


def tap(bot, user: str, title: str) -> list[str]:
    """Tap the button with this title under the latest message that has it: Zalo sends its payload."""
    button = None
    for record in reversed(bot.standin.state.messages_for(user)):
        attachment = (record["payload"].get("message") or {}).get("attachment") or {}
        button = next((b for b in (attachment.get("payload") or {}).get("buttons") or [] if b["title"] == title), None)
        if button:
            break
    assert button, f"no button {title!r} for {user}"
    seen = len(bot.standin.state.messages_for(user))
    assert bot.post(zalo.user_text_event(APP_ID, OA_ID, user, button["payload"])).status_code == 200
    bot.wait_idle()
    return [m["text"] or "" for m in bot.standin.state.messages_for(user)[seen:]]


def signups(bot, announcement_id: int) -> dict[str, tuple[str, int]]:
    with bot.services.store.unit() as uow:
        rows = uow.session.query(Signup).filter_by(announcement_id=announcement_id).all()
        return {row.user_id: (row.status, row.people) for row in rows}


def test_a_resident_signs_up_with_the_buttons_says_how_many_and_the_leader_counts_them(ward):
    bot = ward
    residents(bot, "resident-a", "resident-b")
    number = announce(bot, "--limit", "30")

    inbox = bot.inbox("resident-a")
    assert any(EVENT in text and texts.ANNOUNCE_HEADER in text for text in inbox)
    assert "Bác có tham gia «" + EVENT + "» (08:00 Thứ Bảy 12/12/2026) không?" in inbox[-1]
    assert "tối đa 30 người" in inbox[-1]
    shown = buttons(bot, "resident-a")
    assert [b["title"] for b in shown] == ["Đăng ký", "Không tham gia"]
    assert {b["type"] for b in shown} == {"oa.query.hide"}  # the tap is not shown as the resident's words

    (answer,) = tap(bot, "resident-a", "Đăng ký")
    assert "đã ghi tên bác tham gia" in answer and "1 người" in answer
    assert [b["title"] for b in buttons(bot, "resident-a")][:3] == ["1 người", "2 người", "3 người"]
    (changed,) = tap(bot, "resident-a", "3 người")
    assert changed == texts.SIGNUP_PEOPLE_CHANGED.format(people=3, title=EVENT)
    assert bot.say("resident-a", "2 người") == [texts.SIGNUP_PEOPLE_CHANGED.format(people=2, title=EVENT)]
    (no,) = tap(bot, "resident-b", "Không tham gia")
    assert no == texts.SIGNUP_DECLINED.format(title=EVENT)
    assert signups(bot, number) == {"resident-a": ("going", 2), "resident-b": ("declined", 1)}

    listing = cli(bot, "announcements", "signups", str(number))
    assert "2 of 30 people coming (1 sign-ups), 0 waiting, 1 not coming" in listing
    assert "Cư dân resident-a" in listing and "0912***000" in listing and "0912345000" not in listing
    stats = bot.say(LEADER, "thống kê")[-1]
    assert f"#{number} {EVENT} (08:00 Thứ Bảy 12/12/2026): 2/30 người đăng ký, 0 chờ, 1 không tham gia" in stats


def test_past_the_limit_residents_wait_in_line_and_move_up_when_someone_cancels(ward):
    bot = ward
    residents(bot, "a", "b", "c", "d")
    number = announce(bot, "--limit", "3")
    tap(bot, "a", "Đăng ký")
    tap(bot, "a", "2 người")
    tap(bot, "b", "Đăng ký")
    (waiting,) = tap(bot, "c", "Đăng ký")
    assert waiting == texts.SIGNUP_WAITING.format(title=EVENT, people=1, position=1)
    assert bot.say("d", "đăng ký 2 người") == [texts.SIGNUP_WAITING.format(title=EVENT, people=2, position=2)]
    assert bot.say("d", "đăng ký") == [texts.SIGNUP_STILL_WAITING.format(title=EVENT, people=2, position=2)]

    before_c = len(bot.inbox("c"))
    replies = bot.say("a", "hủy đăng ký")  # two places free: c (1 person) moves up, d (2) does not fit
    assert replies == [texts.SIGNUP_CANCELLED.format(title=EVENT)]
    (moved,) = bot.standin.state.wait_for_messages("c", before_c + 1)[before_c:]
    assert moved["text"].startswith("Tin vui ạ: đã có chỗ cho bác ở «" + EVENT + "», 1 người")
    assert signups(bot, number) == {"a": ("cancelled", 2), "b": ("going", 1), "c": ("going", 1), "d": ("waiting", 2)}
    assert bot.say("d", "dang ki") == [texts.SIGNUP_STILL_WAITING.format(title=EVENT, people=2, position=1)]

    before_d = len(bot.inbox("d"))
    bot.say("b", "Không tham gia")  # b gives up the place: now 2 free, d moves up
    assert bot.standin.state.wait_for_messages("d", before_d + 1)[before_d]["text"].startswith("Tin vui ạ")
    assert signups(bot, number)["d"] == ("going", 2)
    # a going resident may not take more places than are left
    assert bot.say("c", "3 người") == [texts.SIGNUP_TOO_MANY.format(title=EVENT, left=1, people=1)]
    assert bot.say("c", "5 người")[0].startswith("Dạ, «" + EVENT + "» nhận tối đa 3 người")


def test_a_tap_in_the_middle_of_a_procedure_answers_the_sign_up_and_the_procedure_goes_on(ward):
    bot = ward
    residents(bot, "resident-a")
    number = announce(bot)
    bot.say("resident-a", "làm giấy khai sinh cho con")
    question = bot.say("resident-a", "đồng ý")
    replies = tap(bot, "resident-a", "Đăng ký")
    assert "đã ghi tên bác tham gia" in replies[0] and replies[-1] == texts.LOOKUP_BACK_TO_QUESTION
    assert signups(bot, number) == {"resident-a": ("going", 1)}
    assert bot.say("resident-a", "nhắc lại") == question  # the procedure is where it was
    # typed inside a procedure, «hủy đăng ký» is the procedure's: no sign-up is touched by words there
    bot.say("resident-a", "2 người")
    assert signups(bot, number) == {"resident-a": ("going", 1)}


def test_typed_answers_pick_among_several_open_sign_ups_and_plain_words_go_on_to_the_bot(ward):
    bot = ward
    residents(bot, "resident-a")
    menu_answer = bot.say("resident-a", "đăng ký")  # no sign-up open: the bot's usual answer
    assert not any("ghi tên" in text for text in menu_answer)
    first = announce(bot)
    second = int(cli(bot, "announce", "--signup", "Ngày Chủ nhật xanh, 7h 13/12, đầu ngõ 5", "--text",
                     "Mời bà con dọn vệ sinh ngõ.").split("#", 1)[1].split(" ", 1)[0])
    bot.services.announcer.run_due()
    bot.wait_idle()

    (which,) = bot.say("resident-a", "Đăng kí")
    assert which.startswith(texts.SIGNUP_WHICH)
    titles = [button_title(EVENT), button_title("Ngày Chủ nhật xanh, 7h 13/12, đầu ngõ 5")]
    assert [b["title"] for b in buttons(bot, "resident-a")] == titles
    tap(bot, "resident-a", titles[1])
    assert signups(bot, second) == {"resident-a": ("going", 1)} and signups(bot, first) == {}
    (cancelled,) = bot.say("resident-a", "huy dang ky")  # only one held: no need to ask which
    assert cancelled == texts.SIGNUP_CANCELLED.format(title="Ngày Chủ nhật xanh, 7h 13/12, đầu ngõ 5")


def test_a_payload_for_an_unknown_or_past_event_or_from_someone_it_never_reached_is_answered_plainly(ward):
    bot = ward
    residents(bot, "resident-a")
    number = announce(bot)
    residents(bot, "newcomer")  # became a member after the notice went out
    assert bot.say("resident-a", "#dangky 999") == [texts.SIGNUP_UNKNOWN]
    assert bot.say("newcomer", f"#dangky {number}") == [texts.SIGNUP_UNKNOWN]
    assert signups(bot, number) == {}
    bot.clock.set_local(2026, 12, 12, 8, 30)  # the class has begun
    assert bot.say("resident-a", f"#dangky {number}") == [texts.SIGNUP_CLOSED.format(title=EVENT)]
    assert signups(bot, number) == {}


def test_reminders_go_the_evening_before_and_an_hour_before_to_those_going_inside_the_window(ward):
    bot = ward
    residents(bot, "going", "declined", "away")
    number = announce(bot)
    tap(bot, "going", "Đăng ký")
    tap(bot, "declined", "Không tham gia")
    tap(bot, "away", "Đăng ký")
    bot.clock.set_local(2026, 12, 11, 18, 59)
    with bot.services.store.unit() as uow:  # by the evening before, «away» has not written for 8 days
        for user in ("going", "declined"):
            uow.members.get(user).last_interaction_at = bot.clock() - timedelta(days=1)
        uow.commit()
    counts = {user: len(bot.inbox(user)) for user in ("going", "declined", "away")}

    minute_tick(bot.services)
    bot.clock.set_local(2026, 12, 11, 19, 0)
    minute_tick(bot.services)
    minute_tick(bot.services)  # once only
    bot.wait_idle()
    evening = bot.inbox("going")[counts["going"]:]
    assert evening == [texts.SIGNUP_REMIND_EVENING.format(when="08:00 Thứ Bảy 12/12/2026", title=EVENT, people=1)]
    assert len(bot.inbox("declined")) == counts["declined"] and len(bot.inbox("away")) == counts["away"]

    bot.clock.set_local(2026, 12, 12, 7, 0)
    minute_tick(bot.services)
    minute_tick(bot.services)
    bot.wait_idle()
    assert bot.inbox("going")[counts["going"] + 1:] == [
        texts.SIGNUP_REMIND_HOUR.format(when="08:00 Thứ Bảy 12/12/2026", title=EVENT)]
    assert len(bot.inbox("away")) == counts["away"]
    with bot.services.store.unit() as uow:
        assert uow.announcements.get(number).reminded_hour_at is not None


def test_the_command_line_refuses_a_sign_up_it_cannot_place_in_time(ward):
    bot = ward
    assert "No day and time in --signup" in cli_error(bot, "announce", "--signup", "Họp tổ ở nhà văn hóa")
    assert "--limit goes with --signup" in cli_error(bot, "announce", "--text", "Họp tổ", "--limit", "3")
    assert "has already passed" in cli_error(bot, "announce", "--signup", "Họp tổ 8h 1/12")
    assert "before the announcement is sent" in cli_error(
        bot, "announce", "--signup", "Họp tổ", "--event-at", "2026-12-05 08:00", "--at", "2026-12-06 08:00")
    output = cli(bot, "announce", "--signup", "Họp tổ", "--event-at", "2026-12-05 19:30")
    assert "Sign-up for «Họp tổ» at 2026-12-05 19:30" in output


def test_a_resident_who_erases_their_data_leaves_the_list_and_the_first_waiting_moves_up(ward):
    bot = ward
    residents(bot, "resident-a", "resident-b")
    number = announce(bot, "--limit", "1")
    tap(bot, "resident-a", "Đăng ký")
    tap(bot, "resident-b", "Đăng ký")  # waiting: the one place is taken
    before_b = len(bot.inbox("resident-b"))
    bot.say("resident-a", "xóa dữ liệu của tôi")
    assert bot.say("resident-a", "Xóa") == [texts.ERASED]
    (moved,) = bot.standin.state.wait_for_messages("resident-b", before_b + 1)[before_b:]
    assert moved["text"].startswith("Tin vui ạ: đã có chỗ cho bác ở «" + EVENT + "», 1 người")
    assert signups(bot, number) == {"resident-b": ("going", 1)}


def test_a_kept_photo_is_uploaded_again_once_zalo_s_attachment_id_is_old_and_reused_while_fresh(ward):
    bot = ward
    residents(bot, "resident-a", "resident-b")
    photo = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    with bot.services.store.unit() as uow:
        announcement = uow.announcements.add("Ảnh khu vui chơi mới", "cli", status="scheduled", send_at=bot.clock())
        announcement.image_data, announcement.image_type = photo, "image/png"
        announcement.image_attachment_id = "old-attachment"
        announcement.image_uploaded_at = bot.clock() - timedelta(days=7)  # Zalo forgets it after about 7 days
        uow.commit()
    bot.services.announcer.run_due()
    bot.wait_idle()
    uploads = list(bot.standin.state.uploads)
    assert len(uploads) == 1 and bot.standin.state.uploads[uploads[0]]["bytes"] == photo
    for user in ("resident-a", "resident-b"):
        media = [m for m in bot.standin.state.messages_for(user)
                 if (m["payload"]["message"].get("attachment") or {}).get("payload", {}).get("template_type") == "media"]
        (element,) = media[0]["payload"]["message"]["attachment"]["payload"]["elements"]
        assert element["attachment_id"] == uploads[0]  # the new upload, for both residents


def test_upgrading_keeps_announcements_sent_before_sign_ups_existed_and_the_schema_matches_the_models(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import text

    from bot.store import Store
    from bot.store.db import make_engine
    from bot.store.models import Base
    from config.settings import SANDBOX_DATA_KEY
    from tests.conftest import OA_ID, migrate_to

    def old_rows(connection):
        connection.execute(text(
            "INSERT INTO announcements (oa_id, text, groups, zalo_groups, urgent, status, created_by, created_at) "
            "VALUES (:oa, 'Cắt nước sáng mai', '[]', '[]', :no, 'done', 'cli', CURRENT_TIMESTAMP)"),
            {"oa": OA_ID, "no": False})

    engine = make_engine(database_url)
    migrate_to(engine, "0020", old_rows)
    migrate_to(engine, "head")
    with engine.connect() as connection:  # every column and table of the models, as the migrations made them
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in differences if "signup" in repr(d) or "image_" in repr(d) or "event_at" in repr(d)
            or "reminded" in repr(d)] == []
    store = Store(engine, OA_ID, SANDBOX_DATA_KEY)
    with store.unit() as uow:
        (old,) = uow.announcements.listing(5)
        assert old.text == "Cắt nước sáng mai" and old.signup_title is None and old.image_data is None
        assert uow.signups.counts(old.id) == {}
    store.dispose()
