"""The conversation engine as table-driven transcripts: what a resident types, what the bot answers."""
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bot import texts
from bot.flows.answers import Given, check
from bot.flows.catalog import load_catalog
from bot.flows.engine import AskHuman, Moment, Submit, respond
from bot.flows.state import State
from bot.replies import Choices
from tests.sample_answers import right_text

CATALOG = load_catalog(Path(__file__).resolve().parent.parent / "config")
T0 = datetime(2026, 11, 22, 3, 0)
AT = Moment(now=T0, today=date(2026, 11, 22))


class Chat:
    """Drives the engine like a resident: keeps the state, collects what the bot says."""

    def __init__(self):
        self.state, self.effects, self.at = None, [], AT

    def say(self, text="", kind="text", **extra) -> str:
        outcome = respond(CATALOG, self.state, Given(kind, text=text, **extra), self.at)
        self.state, self.effects = outcome.state, self.effects + outcome.effects
        self.last = outcome.replies
        return "\n---\n".join(r.text for r in outcome.replies)

    def later(self, minutes: int) -> None:
        self.at = Moment(now=self.at.now + timedelta(minutes=minutes), today=self.at.today)


def started(procedure_id: str) -> Chat:
    chat = Chat()
    chat.say(CATALOG.procedures[procedure_id].triggers[0])
    chat.say("1")  # consent
    return chat


def test_trigger_starts_the_procedure_and_names_it_first():
    chat = Chat()
    said = chat.say("Tôi muốn làm giấy khai sinh cho con")
    procedure = CATALOG.procedures["khai_sinh"]
    assert chat.last[0].text.startswith(procedure.title) and len(chat.last[0].text) <= 600
    assert all(item in said for item in procedure.guidance.bring) and procedure.guidance.fee not in said
    assert isinstance(chat.last[-1], Choices) and chat.last[-1].text == texts.CONSENT
    more = chat.say("Xem thêm")
    assert procedure.guidance.fee in more and procedure.guidance.papers[0] in more
    assert chat.state.mode == "consent" and chat.last[-1].text == texts.CONSENT


def test_consent_then_the_first_question_word_for_word():
    chat = started("khai_sinh")
    assert chat.last[-1].text.startswith(CATALOG.procedures["khai_sinh"].steps[0].ask)


def test_refusing_consent_still_gives_guidance_and_collects_nothing():
    chat = Chat()
    chat.say("khai sinh")
    said = chat.say("2")
    assert texts.NO_CONSENT in said and "VNeID" in said
    assert chat.state.mode == "menu" and chat.state.answers == {}


@pytest.mark.parametrize("said", ["vâng", "Vâng ạ", "dạ vâng", "dạ đồng ý", "ok", "ừ", "được ạ", "có ạ",
                                  "đồng ý nhé cháu"])
def test_consent_in_the_words_residents_say_yes(said):
    chat = Chat()
    chat.say("khai sinh")
    chat.say(said)
    assert chat.state.mode == "ask" and chat.state.consent_at
    assert chat.last[-1].text.startswith(CATALOG.procedures["khai_sinh"].steps[0].ask)


@pytest.mark.parametrize("said", ["không ạ", "dạ không", "chưa", "không đồng ý đâu"])
def test_consent_refused_in_the_words_residents_say_no(said):
    chat = Chat()
    chat.say("khai sinh")
    assert texts.NO_CONSENT in chat.say(said)
    assert chat.state.mode == "menu" and chat.state.consent_at is None


@pytest.mark.parametrize("said", ["có mất tiền không", "dạ", "được không", "không biết"])
def test_a_question_or_a_bare_da_is_not_taken_for_consent(said):
    """«Có mất tiền không» starts with «có» but asks; «dạ» alone only says the resident is listening."""
    chat = Chat()
    chat.say("khai sinh")
    assert chat.say(said).startswith(texts.PLEASE_CHOOSE)
    assert chat.state.mode == "consent"


@pytest.mark.parametrize("wrong, problem", [("32/13/2024", "date"), ("hôm qua nữa", "date"),
                                            ("15/08/2030", "date_future")])
def test_wrong_date_explains_with_example_and_asks_again(wrong, problem):
    chat = started("khai_sinh")
    said = chat.say(wrong)
    assert texts.ANSWER_PROBLEMS[problem] in said
    assert chat.last[-1].text.startswith(CATALOG.procedures["khai_sinh"].steps[0].ask)


@pytest.mark.parametrize("written, kept", [("tôi tên là Trần Văn Bình", "Trần Văn Bình"),
                                            ("bà Nguyễn Thị Hoa", "Nguyễn Thị Hoa"), ("Nguyễn Văn Ba.", "Nguyễn Văn Ba"),
                                            ("nguyen van ba a", "Nguyen Van Ba"), ("Ông Ích Khiêm", "Ông Ích Khiêm")])
def test_names_in_the_ways_residents_write_them(written, kept):
    """A lead-in, a form of address or a polite «ạ» is not part of the name; «Ông» is a surname too."""
    chat = started("khai_tu")
    chat.say(written)
    assert chat.state.answers["deceased_full_name"] == kept


@pytest.mark.parametrize("said, day", [("thứ bảy", "28/11/2026"), ("sáng thứ 7", "28/11/2026"),
                                       ("chủ nhật", "22/11/2026"), ("thứ hai tuần sau", "23/11/2026"),
                                       ("thứ tư tuần này", "25/11/2026"), ("thứ 6 này", "27/11/2026"),
                                       ("25/11", "25/11/2026"), ("mùng 27 tháng 11", "27/11/2026")])
def test_an_appointment_day_as_residents_say_it(said, day):
    """AT is Sunday 22/11/2026: «thứ bảy» is the coming Saturday, a day and month with no year this year."""
    booking = CATALOG.procedures["dat_lich"]
    preferred = booking.steps[booking.step_index("preferred_date")]
    assert check(preferred, Given("text", said), AT.today).value == day


def test_a_past_day_without_its_year_is_the_latest_such_day_and_never_a_weekday():
    death = CATALOG.procedures["khai_tu"].steps[CATALOG.procedures["khai_tu"].step_index("death_date")]
    assert check(death, Given("text", "thứ bảy"), AT.today).problem == "date"
    assert check(death, Given("text", "15/11"), AT.today).value == "15/11/2026"  # today is 22/11/2026
    assert check(death, Given("text", "mùng 5 tháng 12"), AT.today).value == "05/12/2025"


def test_a_birth_date_an_age_is_worked_out_from_needs_its_year():
    allowance = CATALOG.procedures["tro_cap_nguoi_cao_tuoi"]
    birth = allowance.steps[allowance.step_index("birth_date")]
    assert check(birth, Given("text", "5/11"), AT.today).problem == "date_year"
    assert check(birth, Given("text", "5/11/1948"), AT.today).value == "05/11/1948"


def test_an_option_typed_word_for_word_beats_one_a_typo_away():
    from bot.flows.answers import pick_option
    options = ("Lương hưu", "Trợ cấp xã hội khác", "Không có", "Không rõ")
    assert pick_option("không rõ", options) == 3 and pick_option("không có", options) == 2
    assert pick_option("khong coo", options) == 2  # a typo still picks


def test_not_knowing_is_not_a_no_but_a_choice_may_offer_it():
    chat = started("khai_sinh")
    chat.say("15/11/2026")
    assert chat.last[-1].text.startswith(CATALOG.procedures["khai_sinh"].steps[2].ask)  # a yes/no question
    assert texts.ANSWER_PROBLEMS["unknown"] in chat.say("không biết")
    assert CATALOG.procedures["khai_sinh"].steps[2].field not in chat.state.answers
    benefits = CATALOG.procedures["khai_tu"].steps[CATALOG.procedures["khai_tu"].step_index("deceased_benefits")]
    assert check(benefits, Given("text", "không rõ"), AT.today).value == "Không rõ"
    report = CATALOG.procedures["phan_anh"]
    where = next(s for s in report.steps if s.type == "location")
    assert check(where, Given("text", "không biết"), AT.today).problem == "unknown"  # not kept as an address


@pytest.mark.parametrize("said", ["không biết", "không nhớ", "chưa đặt tên", "hôm qua"])
def test_not_knowing_the_name_is_not_kept_as_one(said):
    chat = started("khai_tu")
    assert texts.ANSWER_PROBLEMS["unknown"] in chat.say(said)
    assert "deceased_full_name" not in chat.state.answers and chat.state.errors == 1


@pytest.mark.parametrize("written", ["15/08/2026", "15/8/26", "15 tháng 8 năm 2026", "15-8-2026", "15.08.2026"])
def test_dates_in_the_ways_residents_write_them(written):
    chat = started("khai_sinh")
    chat.say(written)
    assert chat.state.answers["child_birth_date"] == "15/08/2026"


def test_third_wrong_answer_offers_a_volunteer_and_yes_asks_for_one():
    chat = started("khai_sinh")
    chat.say("ngày xưa")
    chat.say("32/13/2024")
    said = chat.say("không nhớ")
    assert texts.OFFER_HUMAN in said
    chat.say("1")
    assert isinstance(chat.effects[-1], AskHuman) and chat.effects[-1].procedure_id == "khai_sinh"


def test_commands_work_at_any_step():
    chat = started("khai_sinh")
    chat.say("15/08/2026")
    second = CATALOG.procedures["khai_sinh"].questions[1].ask
    assert chat.say("nhắc lại").startswith(second)
    assert chat.say("Quay lai").startswith(CATALOG.procedures["khai_sinh"].steps[0].ask)
    chat.say("15/08/2026")
    assert texts.CANCELLED in chat.say("HỦY")
    assert chat.state == State(updated_at=chat.state.updated_at)


@pytest.mark.parametrize("command", ["menu", "0", "trang chủ"])
def test_menu_and_zero_show_the_main_menu(command):
    chat = started("tam_tru")
    chat.say(command)
    assert chat.last[-1].text == texts.MENU_TITLE and chat.state.mode == "menu"


@pytest.mark.parametrize("command", ["gặp người", "hỗ trợ", "gap nguoi", "cán bộ"])
def test_asking_for_a_person_at_a_step(command):
    chat = started("tam_tru")
    chat.say(command)
    assert isinstance(chat.effects[-1], AskHuman)


def test_summary_then_edit_one_field_then_send():
    chat = started("vneid")
    procedure = CATALOG.procedures["vneid"]
    answers = {"date": "01/01/1950", "phone": "0912345678", "yesno": "có", "choice": "1", "text": "Giấy phép lái xe",
               "name": "Nguyễn Văn An", "address": "Số 12 ngõ 5 phố Hoa Lư", "number": "3", "cccd": "001234567890"}
    for step in procedure.steps:
        chat.say(answers[step.type])
    assert chat.state.mode in ("channel", "summary")
    if chat.state.mode == "channel":
        chat.say("2")
    summary = chat.last[-1].text
    assert summary.startswith(texts.SUMMARY_TITLE) and "Tại nhà văn hóa" in summary
    chat.say("2")  # Sửa
    phone_number = next(i for i, s in enumerate(procedure.steps, 1) if s.type == "phone")
    assert chat.say(str(phone_number)).startswith(procedure.steps[phone_number - 1].ask)
    assert "0987654321" in chat.say("0987 654 321")
    chat.say("gửi")
    (submit,) = [e for e in chat.effects if isinstance(e, Submit)]
    assert submit.answers[procedure.steps[phone_number - 1].field] == "0987654321"
    assert submit.channel == "nha_van_hoa"


@pytest.mark.parametrize("said", ["vâng", "gửi đi ạ", "dạ đồng ý", "ok gửi"])
def test_summary_sent_with_a_plain_yes(said):
    chat = started("khai_tu")
    for step in CATALOG.procedures["khai_tu"].questions:
        chat.say(right_text(step, AT.today))
    if chat.state.mode == "channel":
        chat.say("1")
    assert chat.state.mode == "summary"
    chat.say(said)
    assert [e.procedure_id for e in chat.effects if isinstance(e, Submit)] == ["khai_tu"]


@pytest.mark.parametrize("days_ago, value, note", [(10, "Có", "vẫn đúng hạn"), (60, "Có", "vẫn đúng hạn"),
                                                    (61, "Không", "đã quá 60 ngày")])
def test_the_deadline_is_worked_out_from_the_birth_date_not_asked(days_ago, value, note):
    chat = started("khai_sinh")
    procedure = CATALOG.procedures["khai_sinh"]
    said = chat.say((AT.today - timedelta(days=days_ago)).strftime("%d/%m/%Y"))
    assert note in said.lower()
    assert chat.last[-1].text.startswith(procedure.questions[1].ask)  # the next question, not «chưa quá 60 ngày?»
    assert chat.state.answers["within_60_days"] == value


def test_editing_the_date_works_the_deadline_out_again():
    chat = started("khai_tu")
    procedure = CATALOG.procedures["khai_tu"]
    for step in procedure.questions:
        chat.say(right_text(step, AT.today))  # a day more than a year ago
    if chat.state.mode == "channel":
        chat.say("1")
    summary = chat.last[-1].text
    assert "- Còn trong hạn 15 ngày: Không" in summary
    edit = chat.say("2")
    assert "Còn trong hạn" not in edit  # only what was asked can be edited, numbered as in the summary
    date_number = next(n for n, s in enumerate(procedure.questions, 1) if s.field == "death_date")
    assert f"{date_number}. Ngày mất" in edit and f"{date_number}. Ngày mất" in summary
    chat.say(str(date_number))
    said = chat.say("hôm qua")
    assert "vẫn đúng hạn" in said and "- Còn trong hạn 15 ngày: Có" in chat.last[-1].text
    chat.say("gửi")
    (submit,) = [e for e in chat.effects if isinstance(e, Submit)]
    assert submit.answers["within_15_days"] == "Có" and submit.answers["death_date"] == "21/11/2026"


def test_a_conversation_saved_on_a_question_since_worked_out_goes_on():
    """Saved while «chưa quá 60 ngày?» was still asked: the answer is worked out and the next question comes."""
    procedure = CATALOG.procedures["khai_sinh"]
    saved = {"mode": "ask", "procedure": "khai_sinh", "index": procedure.step_index("within_60_days"), "errors": 0,
             "answers": {"child_birth_date": "12/11/2026"}, "consent_at": T0.isoformat(), "updated_at": T0.isoformat()}
    for said in ("có", "nhắc lại"):
        outcome = respond(CATALOG, State.from_dict(saved), Given("text", said), AT)
        assert outcome.state.answers["within_60_days"] == "Có"
        assert outcome.replies[-1].text.startswith(procedure.questions[1].ask)


def test_guidance_only_gives_the_steps_and_asks_nothing():
    chat = Chat()
    said = chat.say("quen mk vneid")
    procedure = CATALOG.procedures["quen_mat_khau_vneid"]
    assert said.startswith(procedure.title) and procedure.guidance.online_steps[0] in said
    assert texts.GUIDED_STEPS in said and texts.NEXT_ONLINE not in said and texts.GUIDANCE_WHERE not in said
    assert texts.CONSENT not in said and chat.last[-1].text == texts.GUIDED_HELP
    assert texts.MENU_TITLE in chat.say("về menu") and chat.state.mode == "menu"


@pytest.mark.parametrize("said, then", [("1", "human"), ("vâng", "human"), ("2", "menu"), ("không", "menu"),
                                        ("khai sinh", "khai_sinh")])
def test_after_guidance_only_a_volunteer_the_menu_or_something_else(said, then):
    chat = Chat()
    chat.say("tôi quên mật khẩu vneid")
    chat.say(said)
    if then == "human":
        assert [e.procedure_id for e in chat.effects if isinstance(e, AskHuman)] == ["quen_mat_khau_vneid"]
    elif then == "menu":
        assert chat.state.mode == "menu" and chat.last[-1].text == texts.MENU_TITLE and not chat.effects
    else:
        assert chat.state.mode == "consent" and chat.state.procedure == then


def after_the_birth_date(born: str) -> Chat:
    chat = started("tro_cap_nguoi_cao_tuoi")
    chat.say("Nguyễn Văn Ba")
    chat.say(born)
    return chat


def test_from_75_the_age_is_worked_out_and_the_household_not_asked():
    chat = after_the_birth_date("22/11/1951")  # 75 today
    pension = CATALOG.procedures["tro_cap_nguoi_cao_tuoi"].steps[4]
    assert "đã đủ 75 tuổi" in chat.last[0].text and chat.last[-1].text.startswith(pension.ask)
    assert chat.state.answers["aged_75"] == "Có" and "aged_70" not in chat.state.answers
    allowance = CATALOG.procedures["tro_cap_nguoi_cao_tuoi"].steps[6]
    assert chat.say("không").endswith(allowance.ask)  # straight past the poor-household question


def test_from_70_to_75_only_a_poor_household_goes_on():
    chat = after_the_birth_date("23/11/1951")  # 74 until tomorrow
    assert "chưa đủ 75 tuổi" in chat.last[0].text and chat.state.answers["aged_70"] == "Có"
    assert chat.say("không").endswith("Gia đình có thuộc hộ nghèo hoặc hộ cận nghèo không ạ?")
    said = chat.say("không")
    assert "chưa thuộc diện được hưởng" in said and chat.last[-1].text == texts.GO_ON


def test_under_70_is_told_at_once_and_may_stop():
    chat = after_the_birth_date("01/01/1960")
    assert "chưa đủ 70 tuổi" in chat.last[0].text and chat.last[-1].text == texts.GO_ON
    assert texts.STOPPED in chat.say("dừng ở đây") and not chat.effects


@pytest.mark.parametrize("groom, bride, stops", [("22/11/2006", "22/11/2008", False),  # 20 and 18 today
                                                 ("23/11/2006", "22/11/2008", True),  # he is 20 tomorrow
                                                 ("22/11/2006", "23/11/2008", True)])
def test_marriage_age_is_worked_out_from_both_birth_dates(groom, bride, stops):
    chat = started("ket_hon")
    marriage = CATALOG.procedures["ket_hon"]
    for step in marriage.questions:
        said = {"groom_birth_date": groom, "bride_birth_date": bride}.get(step.field) or right_text(step, AT.today)
        chat.say(said)
        if chat.state.mode == "go_on":
            break
    if stops:
        assert chat.state.mode == "go_on" and "Theo luật" in chat.last[0].text
    else:
        assert chat.state.mode in ("channel", "summary")
        assert chat.state.answers["groom_of_age"] == chat.state.answers["bride_of_age"] == "Có"


def test_tam_vang_asks_about_a_new_tam_tru_only_when_it_can_spare_the_declaration():
    absence = CATALOG.procedures["tam_vang"]
    registered, name = (absence.steps[absence.step_index(f)] for f in ("registered_temp_residence", "full_name"))
    military = started("tam_vang")
    assert military.say("Tuổi nghĩa vụ quân sự, đi từ 3 tháng").endswith(name.ask)  # declared whatever the tạm trú
    year_away = started("tam_vang")
    assert year_away.say("Đi xa từ 12 tháng trở lên").endswith(registered.ask)
    assert registered.notes["yes"] in year_away.say("có") and year_away.last[-1].text == texts.GO_ON


def booked_up_to_the_phone(place: str) -> Chat:
    chat = started("dat_lich")
    booking = CATALOG.procedures["dat_lich"]
    for step in booking.steps[:booking.step_index("address")]:
        chat.say(place if step.field == "visit_place" else right_text(step, AT.today))
    return chat


def test_the_home_address_is_asked_only_for_a_home_visit():
    booking = CATALOG.procedures["dat_lich"]
    address, phone = (booking.steps[booking.step_index(f)] for f in ("address", "phone"))
    at_house = booked_up_to_the_phone("Tại nhà văn hóa")
    assert at_house.last[-1].text.startswith(phone.ask) and "address" not in at_house.state.answers
    at_home = booked_up_to_the_phone("2")  # Tại nhà (tình nguyện viên đến nhà)
    assert at_home.last[-1].text.startswith(address.ask)
    assert texts.ANSWER_PROBLEMS["unknown"] in at_home.say("bỏ qua")  # needed for a home visit


def summary_after_booking(place: str) -> Chat:
    chat = booked_up_to_the_phone(place)
    booking = CATALOG.procedures["dat_lich"]
    for step in booking.steps[booking.step_index("address" if place == "2" else "phone"):]:
        chat.say(right_text(step, AT.today))
    assert chat.state.mode == "summary"
    return chat


def change_place(chat: Chat, place: str) -> str:
    chat.say("sửa")
    chat.say("1")  # Nơi hỗ trợ
    return chat.say(place)


def test_changing_to_a_home_visit_asks_the_address_and_moves_the_booking_home():
    chat = summary_after_booking("Tại nhà văn hóa")
    assert "Địa chỉ nhà" not in chat.last[-1].text and "Địa chỉ nhà" not in chat.say("sửa")
    chat.say("1")
    address = CATALOG.procedures["dat_lich"].steps[CATALOG.procedures["dat_lich"].step_index("address")]
    assert chat.say("2").endswith(address.ask)  # a home visit now: the address is asked
    chat.say("Số 12 ngõ 5 phố Hoa Lư")
    summary = chat.last[-1].text
    assert "Địa chỉ nhà: Số 12 ngõ 5 phố Hoa Lư" in summary
    assert summary.splitlines()[-1] == f"{texts.SUMMARY_CHANNEL}: {texts.CHANNEL_LABELS['tai_nha']}"
    chat.say("gửi")
    (submit,) = [e for e in chat.effects if isinstance(e, Submit)]
    assert submit.channel == "tai_nha" and submit.answers["address"] == "Số 12 ngõ 5 phố Hoa Lư"


def test_changing_to_the_community_house_drops_the_home_address():
    chat = summary_after_booking("2")
    assert "Địa chỉ nhà: Số 12 ngõ 5 phố Hoa Lư" in chat.last[-1].text
    change_place(chat, "1")
    summary = chat.last[-1].text
    assert "Địa chỉ nhà" not in summary and "address" not in chat.state.answers
    assert summary.splitlines()[-1] == f"{texts.SUMMARY_CHANNEL}: {texts.CHANNEL_LABELS['nha_van_hoa']}"
    chat.say("gửi")
    (submit,) = [e for e in chat.effects if isinstance(e, Submit)]
    assert submit.channel == "nha_van_hoa" and "address" not in submit.answers


def at_the_30_days_question() -> Chat:
    chat = started("tam_tru")
    chat.say("đăng ký mới")
    assert chat.last[-1].text.startswith(CATALOG.procedures["tam_tru"].steps[1].ask)
    return chat


@pytest.mark.parametrize("stop", ["2", "Dừng ở đây", "không", "dừng"])
def test_an_answer_that_makes_the_procedure_unneeded_offers_to_stop(stop):
    chat = at_the_30_days_question()
    said = chat.say("không")  # staying under 30 days: no tạm trú needed
    assert CATALOG.procedures["tam_tru"].steps[1].notes["no"] in said and chat.last[-1].text == texts.GO_ON
    assert texts.STOPPED in chat.say(stop)
    assert chat.state.mode == "menu" and chat.state.answers == {} and not chat.effects


@pytest.mark.parametrize("go_on", ["1", "vẫn làm tiếp", "vâng"])
def test_the_resident_may_still_go_on(go_on):
    chat = at_the_30_days_question()
    chat.say("không")
    assert chat.say(go_on).startswith(CATALOG.procedures["tam_tru"].steps[2].ask)
    assert chat.state.answers["stay_30_days"] == "Không"


def test_going_back_from_the_offer_to_stop_asks_the_question_again():
    chat = at_the_30_days_question()
    chat.say("không")
    assert chat.say("quay lại").startswith(CATALOG.procedures["tam_tru"].steps[1].ask)
    assert chat.say("có").startswith(CATALOG.procedures["tam_tru"].steps[2].ask)


def saved_at(field: str, index: int, **answers) -> dict:
    return {"mode": "ask", "procedure": "ket_hon", "index": index, "asking": field, "errors": 0,
            "answers": {"both_vietnamese": "Có", **answers}, "consent_at": T0.isoformat(), "updated_at": T0.isoformat()}


def test_an_answer_goes_to_the_question_asked_even_after_the_file_moved_it():
    """Asked «Họ tên bên nam» when it was step 4; a step removed since makes it step 3: the name lands there."""
    marriage = CATALOG.procedures["ket_hon"]
    saved = saved_at("groom_full_name", marriage.step_index("groom_full_name") + 1, previously_married="Không")
    outcome = respond(CATALOG, State.from_dict(saved), Given("text", "Trần Văn Nam"), AT)
    assert outcome.state.answers["groom_full_name"] == "Trần Văn Nam"
    assert outcome.replies[-1].text.startswith(marriage.steps[marriage.step_index("groom_birth_date")].ask)


def test_an_answer_to_a_question_the_file_no_longer_has_is_not_kept():
    """«Đủ tuổi kết hôn chưa?» is gone from ket_hon: the «có» is not taken for «đã từng kết hôn chưa?»."""
    marriage = CATALOG.procedures["ket_hon"]
    outcome = respond(CATALOG, State.from_dict(saved_at("age_ok", 1)), Given("text", "có"), AT)
    assert "previously_married" not in outcome.state.answers and "age_ok" not in outcome.state.answers
    assert outcome.replies[-1].text.startswith(marriage.steps[marriage.step_index("previously_married")].ask)


@pytest.mark.parametrize("said", ["có", "nhắc lại"])
def test_a_question_number_past_the_end_of_the_file_asks_the_first_unanswered(said):
    saved = {**saved_at("age_ok", 1), "index": 40}
    saved.pop("asking")
    outcome = respond(CATALOG, State.from_dict(saved), Given("text", said), AT)
    marriage = CATALOG.procedures["ket_hon"]
    assert outcome.replies[-1].text.startswith(marriage.steps[marriage.step_index("previously_married")].ask)
    assert "previously_married" not in outcome.state.answers


def test_idle_conversation_offers_to_continue_or_restart():
    chat = started("khai_tu")
    chat.say(right_text(CATALOG.procedures["khai_tu"].steps[0], AT.today))
    chat.later(31)
    said = chat.say("xin chào")
    assert texts.RESUME.format(title=CATALOG.procedures["khai_tu"].title) in said
    assert chat.say("1").startswith(CATALOG.procedures["khai_tu"].steps[1].ask)
    chat.later(45)
    chat.say("xin chào")
    assert chat.say("làm lại").startswith(CATALOG.procedures["khai_tu"].steps[0].ask)
    assert chat.state.answers == {}


def test_ambiguous_text_gets_a_short_numbered_choice():
    chat = Chat()
    chat.say("tạm")  # both tạm trú and tạm vắng? or not understood: never a wrong procedure
    assert chat.state.mode in ("choose", "menu")
    chat = Chat()
    chat.say("đăng ký tạm trú và tạm vắng")
    assert chat.state.mode == "choose" and set(chat.state.options) >= {"tam_tru", "tam_vang"}
    chat.say("2")
    assert chat.state.mode == "consent"


def test_menu_numbers_lead_to_a_procedure():
    chat = Chat()
    chat.say("xin chào")
    chat.say("1")
    assert chat.state.mode == "choose"
    chat.say("1")
    assert chat.state.procedure == CATALOG.menu[0].targets[0]


def test_sticker_outside_a_question_gets_a_polite_answer_and_the_menu():
    chat = Chat()
    said = chat.say(kind="other")
    assert texts.UNSUPPORTED in said and chat.last[-1].text == texts.MENU_TITLE


def test_photo_and_location_steps_take_attachments():
    chat = started("phan_anh")
    procedure = CATALOG.procedures["phan_anh"]
    for step in procedure.steps:
        if step.type == "photo":
            chat.say("đây ạ")  # text is not a photo
            assert texts.ANSWER_PROBLEMS["photo"] in "\n".join(r.text for r in chat.last)
            chat.say(kind="image", url="https://f6.photo.talk.zdn.vn/x.jpg")
        elif step.type == "location":
            chat.say(kind="location", lat="10.76", lng="106.65")
        elif step.type == "choice":
            chat.say("1")
        elif step.type == "yesno":
            chat.say("không")
        elif step.type == "phone":
            chat.say("0912345678")
        elif step.type == "name":
            chat.say("Trần Thị Bình")
        else:
            chat.say("Rác để đầu ngõ 5 ba ngày nay chưa ai dọn")
    assert chat.state.mode == "summary"
    summary = chat.last[-1].text  # read back as the resident understands it, not as stored
    assert "1 ảnh đã gửi" in summary and "https://f6.photo.talk.zdn.vn/x.jpg" not in summary
    assert "Vị trí đã gửi (xem bản đồ: https://www.openstreetmap.org/?mlat=10.76&mlon=106.65" in summary
    assert "10.76,106.65" not in summary
