"""Appointments: the slot step in the engine (pure), then booking, notices, «lịch hôm nay», reminders,
«hủy lịch», «đổi lịch» and «xong DL-…» end to end through the webhook and the stand-in. The clock is
moved, never slept on."""
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import texts
from bot.flows import slots
from bot.flows.answers import Given
from bot.flows.catalog import load_catalog
from bot.flows.engine import Moment, Submit, respond
from bot.flows.procedure_checks import build_procedure
from bot.flows.procedures import ProcedureFileError
from bot.handlers.appointments import tick
from bot.replies import Choices, Text, To
from bot.runtime.jobs import minute_tick
from bot.store.models import Appointment

CATALOG = load_catalog(Path(__file__).resolve().parent.parent / "config")
DL = CATALOG.procedures["dat_lich"]
SLOT = DL.steps[DL.step_index("preferred_time")]
TITLE = {p.key: p.title for p in CATALOG.parts}
MONDAY_9AM = datetime(2026, 11, 23, 2, 0)  # UTC; 9:00 in Vietnam
ANSWERS = {"visit_place": "2", "procedure": "4", "full_name": "Nguyễn Văn An", "address": "Số 12 ngõ 5 phố Hoa Lư",
           "phone": "0912345678", "extra_help": "Có người đón ở cổng"}


# --- the slot step in the engine ---------------------------------------------------------------
class Chat:
    def __init__(self, free=None, now=MONDAY_9AM):
        self.state, self.free = None, free or {}
        self.at = Moment(now=now, today=(now + timedelta(hours=7)).date(),
                         free_parts=lambda day: self.free.get(day, tuple(TITLE)))

    def say(self, text: str):
        outcome = respond(CATALOG, self.state, Given("text", text=text), self.at)
        self.state, self.last, self.effects = outcome.state, outcome.replies, outcome.effects
        return outcome.replies

    def to_date(self) -> None:
        for text in ("đặt lịch", "đồng ý", "2", "4", "Nguyễn Văn An"):
            self.say(text)


def test_slot_offers_only_the_parts_with_room_and_keeps_the_title():
    chat = Chat(free={"24/11/2026": ("chieu", "toi")})
    chat.to_date()
    (question,) = chat.say("24/11/2026")
    assert isinstance(question, Choices) and question.text == SLOT.ask
    assert question.options == (TITLE["chieu"], TITLE["toi"])
    chat.say("1")
    assert chat.state.answers["preferred_time"] == TITLE["chieu"]
    assert slots.part_of(CATALOG, TITLE["chieu"]).key == "chieu"


def test_a_full_part_named_in_words_is_refused_politely():
    chat = Chat(free={"24/11/2026": ("chieu",)})
    chat.to_date()
    chat.say("24/11/2026")
    problem, again = chat.say("buổi sáng")
    assert problem.text == texts.ANSWER_PROBLEMS["slot_full"] and again.options == (TITLE["chieu"],)
    chat.say("chiều")
    assert chat.state.answers["preferred_time"] == TITLE["chieu"]


def test_a_full_day_is_said_and_the_date_asked_again():
    chat = Chat(free={"24/11/2026": ()})
    chat.to_date()
    full, date_question = chat.say("24/11/2026")
    assert full.text == texts.SLOT_DAY_FULL.format(day="24/11/2026")
    assert date_question.text.startswith(DL.steps[DL.step_index("preferred_date")].ask)
    assert chat.say("25/11/2026")[-1].options == tuple(TITLE.values())


def test_today_offers_only_parts_not_yet_started():
    chat = Chat(now=datetime(2026, 11, 23, 6, 0))  # 13:00 local
    chat.to_date()
    assert chat.say("hôm nay")[-1].options == (TITLE["toi"],)


def test_changing_the_date_asks_the_part_again_then_the_summary():
    chat = Chat()
    chat.to_date()
    chat.say("24/11/2026")
    for text in ("1", *list(ANSWERS.values())[3:]):
        chat.say(text)
    assert chat.state.mode == "summary"
    chat.say("sửa")
    chat.say(str(DL.step_index("preferred_date") + 1))
    assert chat.say("26/11/2026")[-1].text == SLOT.ask
    summary = chat.say("tối")[-1].text
    assert summary.startswith(texts.SUMMARY_TITLE) and f"{SLOT.label}: {TITLE['toi']}" in summary


def test_a_part_filled_before_sending_is_asked_again():
    chat = Chat()
    chat.to_date()
    chat.say("24/11/2026")
    for text in ("sáng", *list(ANSWERS.values())[3:]):
        chat.say(text)
    chat.free["24/11/2026"] = ("chieu",)
    taken, question = chat.say("gửi")
    assert taken.text == texts.SLOT_TAKEN and question.options == (TITLE["chieu"],) and not chat.effects
    chat.say("1")
    chat.say("gửi")
    (effect,) = chat.effects
    assert isinstance(effect, Submit) and effect.answers["preferred_time"] == TITLE["chieu"]
    assert effect.channel == "tai_nha"


@pytest.mark.parametrize("slot, problem", [({}, "needs date_field"), ({"date_field": "phone"}, "earlier date step"),
                                           ({"date_field": "later"}, "earlier date step")])
def test_slot_steps_are_checked_when_loaded(slot, problem):
    steps = [{"field": "phone", "label": "SĐT", "ask": "Số?", "type": "phone"},
             {"field": "part", "label": "Buổi", "ask": "Buổi nào?", "type": "slot", **slot},
             {"field": "later", "label": "Ngày", "ask": "Ngày nào?", "type": "date"}]
    data = {"id": "hen", "code": "HE", "title": "Hẹn", "summary": "Hẹn.", "fits": "Ai cũng được.",
            "triggers": ["hẹn"], "steps": steps,
            "guidance": {"papers": ["Không"], "fee": "Không", "deadline": "Không", "where": ["Nhà văn hóa"]}}
    with pytest.raises(ProcedureFileError, match=problem.split(" ")[-1]):
        build_procedure(Path("hen.yaml"), data)


# --- end to end ----------------------------------------------------------------------------------
def ask_slot(bot, user, day="24/11/2026", home=True) -> str:
    """Walk «đặt lịch» up to the part of the day; return that question as the resident reads it."""
    bot.say(user, "đặt lịch")
    bot.say(user, "đồng ý")
    answers = {**ANSWERS, "visit_place": "2" if home else "1", "preferred_date": day}
    for step in DL.steps[:DL.step_index(SLOT.field)]:
        replies = bot.say(user, answers[step.field])
    return replies[-1]


def book(bot, user, day="24/11/2026", part="sáng", home=True) -> list[str]:
    """Book through the webhook; return the replies to «gửi»."""
    assert ask_slot(bot, user, day, home).startswith(SLOT.ask)
    answers = {**ANSWERS, SLOT.field: part, "address": ANSWERS["address"] if home else "bỏ qua"}
    for step in DL.steps[DL.step_index(SLOT.field):]:
        replies = bot.say(user, answers[step.field])
    assert replies[-1].startswith(texts.SUMMARY_TITLE), replies
    return bot.say(user, "gửi")


def appointments(bot) -> list[Appointment]:
    with bot.services.store.unit() as uow:
        return list(uow.session.scalars(select(Appointment).order_by(Appointment.id)))


def request_status(bot, code: str) -> tuple[str, str]:
    with bot.services.store.unit() as uow:
        row = uow.requests.by_code(code)
        return row.status, row.channel


def team(bot):
    bot.add_staff("vol-sang", "Lan", "volunteer", parts=("sang",))
    bot.add_staff("vol-chieu", "Minh", "volunteer", parts=("chieu",))
    bot.add_staff("leader", "Bác Hòa", "leader")
    bot.clock.set_local(2026, 11, 23, 9, 0)  # a Monday


def test_booking_confirms_and_tells_the_rostered_volunteer(bot):
    team(bot)
    done = book(bot, "res-1")
    assert "DL-0001" in done[0]
    confirmation = done[-1]
    assert "Thứ Ba 24/11/2026" in confirmation and TITLE["sang"] in confirmation
    assert "tình nguyện viên sẽ đến địa chỉ Số 12 ngõ 5 phố Hoa Lư" in confirmation
    assert "«hủy lịch»" in confirmation and "«đổi lịch»" in confirmation
    notice = bot.inbox("vol-sang")[-1]
    assert "DL-0001" in notice and "Nguyễn Văn An" in notice and "0912345678" in notice and "xong DL-0001" in notice
    assert bot.inbox("vol-chieu") == [] and bot.inbox("leader") == []
    (row,) = appointments(bot)
    assert (row.day, row.part, row.place, row.volunteer_id, row.status) == \
        (date(2026, 11, 24), "sang", "tai_nha", "vol-sang", "booked")
    assert request_status(bot, "DL-0001") == ("moi", "tai_nha")


def test_with_nobody_rostered_the_leaders_are_told(bot):
    team(bot)
    confirmation = book(bot, "res-2", part="tối", home=False)[-1]
    assert CATALOG.neighborhood.community_house in confirmation
    assert "DL-0001" in bot.inbox("leader")[-1] and bot.inbox("vol-sang") == []
    assert appointments(bot)[0].volunteer_id is None and appointments(bot)[0].place == "nha_van_hoa"


def test_a_full_part_is_not_offered_and_a_cancellation_frees_it(bot):
    team(bot)
    capacity = CATALOG.part("toi").capacity
    for number in range(capacity):
        book(bot, f"res-{number}", part="tối", home=False)
    offered = ask_slot(bot, "late", home=False)
    assert TITLE["sang"] in offered and TITLE["toi"] not in offered
    bot.say("late", "hủy")

    said = bot.say("res-0", "Huy lich")
    assert said[0] == texts.APPOINTMENT_CANCELLED.format(
        code="DL-0001", when=f"Thứ Ba 24/11/2026, {TITLE['toi']}",
        place=f"tại {CATALOG.neighborhood.community_house}")
    assert "DL-0001" in bot.inbox("leader")[-1] and "hủy" in bot.inbox("leader")[-1]
    assert appointments(bot)[0].status == "cancelled" and request_status(bot, "DL-0001")[0] == "da_huy"
    assert TITLE["toi"] in ask_slot(bot, "late", home=False)
    assert bot.say("res-0", "hủy lịch") == [texts.NO_APPOINTMENT]


def test_todays_schedule_for_a_volunteer_and_a_leader(bot):
    team(bot)
    book(bot, "res-1", part="sáng")
    book(bot, "res-2", part="chiều", home=False)
    book(bot, "res-3", day="25/11/2026", part="sáng")
    bot.clock.set_local(2026, 11, 24, 8, 0)
    mine = bot.say("vol-sang", "Lịch hôm nay")[0]
    assert mine.startswith(texts.TODAY_TITLE.format(day="24/11/2026"))
    assert "DL-0001" in mine and "Nguyễn Văn An" in mine and "DL-0002" not in mine and "DL-0003" not in mine
    everyone = bot.say("leader", "lich hom nay")[0]
    assert "DL-0001" in everyone and "DL-0002" in everyone and "DL-0003" not in everyone
    assert everyone.index("DL-0001") < everyone.index("DL-0002")  # morning first
    bot.add_staff("vol-toi", "Hà", "volunteer", parts=("toi",))
    assert bot.say("vol-toi", "lịch hôm nay") == [texts.TODAY_NONE.format(day="24/11/2026")]


def test_reminders_the_evening_before_and_an_hour_before_each_once(bot):
    team(bot)
    book(bot, "res-1", part="sáng")  # Tuesday 7h
    seen = len(bot.inbox("res-1"))
    minute_tick(bot.services, datetime(2026, 11, 23, 11, 59))  # 18:59 local
    assert len(bot.inbox("res-1")) == seen
    minute_tick(bot.services, datetime(2026, 11, 23, 12, 0))  # 19:00 local, the evening before
    minute_tick(bot.services, datetime(2026, 11, 23, 12, 1))
    bot.wait_idle()
    evening = bot.inbox("res-1")[seen:]
    assert len(evening) == 1 and evening[0].startswith("Nhắc lịch hẹn ngày mai (DL-0001)")
    assert "«hủy lịch»" in evening[0] and "«đổi lịch»" in evening[0]
    minute_tick(bot.services, datetime(2026, 11, 23, 22, 59))  # 5:59 local
    assert len(bot.inbox("res-1")) == seen + 1
    minute_tick(bot.services, datetime(2026, 11, 23, 23, 0))  # 6:00 local, an hour before
    minute_tick(bot.services, datetime(2026, 11, 23, 23, 30))
    bot.wait_idle()
    hour = bot.inbox("res-1")[seen + 1:]
    assert len(hour) == 1 and hour[0].startswith("Khoảng 1 tiếng nữa") and "DL-0001" in hour[0]


def test_tick_returns_each_reminder_once_and_records_it(bot):
    team(bot)
    book(bot, "res-1", part="chiều")  # Tuesday 12h
    with bot.services.store.unit() as uow:
        assert tick(uow, CATALOG, datetime(2026, 11, 23, 11, 59)) == []
        (due,) = tick(uow, CATALOG, datetime(2026, 11, 23, 12, 0))
        uow.commit()
    assert isinstance(due, To) and due.user_id == "res-1" and isinstance(due.reply, Text)
    assert appointments(bot)[0].reminded_evening_at == datetime(2026, 11, 23, 12, 0)
    with bot.services.store.unit() as uow:
        assert tick(uow, CATALOG, datetime(2026, 11, 23, 13, 0)) == []
        (due,) = tick(uow, CATALOG, datetime(2026, 11, 24, 4, 0))  # 11:00 local
        assert "Khoảng 1 tiếng nữa" in due.reply.text
        uow.commit()
    with bot.services.store.unit() as uow:
        assert tick(uow, CATALOG, datetime(2026, 11, 24, 4, 30)) == []


def test_booked_after_the_evening_reminder_time_gets_only_the_hour_reminder(bot):
    team(bot)
    bot.clock.set_local(2026, 11, 23, 20, 0)
    book(bot, "res-1", part="chiều")
    with bot.services.store.unit() as uow:
        assert tick(uow, CATALOG, datetime(2026, 11, 23, 13, 5)) == []
        assert len(tick(uow, CATALOG, datetime(2026, 11, 24, 4, 0))) == 1


def test_moving_asks_only_the_day_and_part_then_books_again(bot):
    team(bot)
    book(bot, "res-1", part="sáng")
    moving = bot.say("res-1", "đổi lịch")
    assert moving[0].startswith("Dạ, tổ đã hủy lịch cũ DL-0001")
    assert moving[-1].startswith(DL.steps[DL.step_index("preferred_date")].ask)
    assert "DL-0001" in bot.inbox("vol-sang")[-1] and "đổi lịch" in bot.inbox("vol-sang")[-1]
    assert bot.say("res-1", "25/11/2026")[-1].startswith(SLOT.ask)
    summary = bot.say("res-1", "chiều")[-1]
    assert summary.startswith(texts.SUMMARY_TITLE)
    assert "Ngày hẹn: 25/11/2026" in summary and f"{SLOT.label}: {TITLE['chieu']}" in summary
    assert "Số điện thoại: 0912345678" in summary and "Địa chỉ nhà: Số 12 ngõ 5 phố Hoa Lư" in summary
    done = bot.say("res-1", "gửi")
    assert "DL-0002" in done[0] and "Thứ Tư 25/11/2026" in done[-1] and TITLE["chieu"] in done[-1]
    assert "DL-0002" in bot.inbox("vol-chieu")[-1]
    old, new = appointments(bot)
    assert old.status == "cancelled" and (new.day, new.part, new.status) == (date(2026, 11, 25), "chieu", "booked")
    assert request_status(bot, "DL-0001")[0] == "da_huy" and request_status(bot, "DL-0002") == ("moi", "tai_nha")


def test_volunteer_marks_the_visit_done(bot):
    team(bot)
    book(bot, "res-1", part="sáng")
    bot.clock.set_local(2026, 11, 24, 10, 0)
    assert bot.say("res-1", "xong DL-0001") and appointments(bot)[0].status == "booked"  # not a resident's command
    assert bot.say("vol-sang", "xong dl-1") == [texts.APPOINTMENT_DONE.format(code="DL-0001")]
    assert appointments(bot)[0].status == "done"
    assert request_status(bot, "DL-0001") == ("da_xong", "tai_nha")
    assert bot.say("vol-sang", "xong DL-0001") == [texts.APPOINTMENT_ALREADY_DONE.format(code="DL-0001")]
    assert bot.say("vol-sang", "xong DL-0009") == [texts.APPOINTMENT_UNKNOWN.format(code="DL-0009")]
    assert "(đã xong)" in bot.say("vol-sang", "lịch hôm nay")[0]


def test_two_residents_taking_the_last_place_at_once_are_served_one_after_the_other(bot):
    """Two workers' transactions: the second waits for the first and then sees the part full."""
    import threading
    from datetime import date as date_type
    from datetime import timedelta as td

    from bot.handlers.appointments import free_parts
    catalog = bot.services.runtime.catalog
    part = catalog.parts[0]
    day = date_type.today() + td(days=5)
    day_text = day.strftime("%d/%m/%Y")
    with bot.services.store.unit() as uow:
        for n in range(part.capacity - 1):
            uow.appointments.book(n + 1, f"early-{n}", day, part.key, "nha_van_hoa", None)
        uow.commit()
    second_saw = []

    def second():
        with bot.services.store.unit() as uow:
            second_saw.append(free_parts(uow, catalog, day_text))  # waits for the first to commit
            uow.commit()

    with bot.services.store.unit() as uow:
        assert part.key in free_parts(uow, catalog, day_text)
        other = threading.Thread(target=second)
        other.start()
        other.join(0.5)
        assert other.is_alive() and second_saw == []  # held back while the first decides
        uow.appointments.book(99, "last-one", day, part.key, "nha_van_hoa", None)
        uow.commit()
    other.join(10)
    assert second_saw and part.key not in second_saw[0]
