"""What residents send beyond the procedure list, through the real webhook: requests no form covers,
the ward's own facts, thanks, weak matches, voice messages and calls; and answers as residents give them."""
import pytest
from sqlalchemy import select

from bot import texts
from bot.flows.catalog import load_catalog
from bot.flows.introduction import introduction
from bot.flows.procedures import INTRODUCTION_MAX
from bot.store.models import Consent, Handoff, ServiceRequest
from tests.test_handoff import setup_team
from tests.test_utterances import ROOT, understood_as

CATALOG = load_catalog(ROOT / "config")


@pytest.mark.parametrize("text, want", [
    ("con tôi 15 tuổi làm căn cước ở đâu", "can_cuoc"),
    ("xin bản sao trích lục kết hôn", "trich_luc_ho_tich"),
    ("giấy khai sinh bị sai ngày sinh", "cai_chinh_ho_tich"),
    ("gia hạn thẻ bhyt", "bhyt_ho_gia_dinh"),
    ("xin phép sửa nhà", "giay_phep_xay_dung"),
    ("hộ cận nghèo cần giấy gì", "ho_ngheo"),
    ("công chứng hợp đồng", "chung_thuc"),
    ("sang tên xe máy", "dang_ky_xe"),
    ("đăng ký lại khai sinh vì mất giấy", "dang_ky_lai_ho_tich"),
    ("làm sổ đỏ ở đâu", "so_do"),
    ("xin trợ cấp thất nghiệp", "tro_cap_that_nghiep"),
    ("đăng ký cho con vào lớp 1", "nhap_hoc"),
])
def test_requests_the_eleven_forms_do_not_cover_get_their_own_guidance_not_a_wrong_form(text, want):
    assert understood_as(text) == want


def test_a_guidance_file_is_answered_at_once_and_asks_nothing(bot):
    said = bot.say("res-1", "con tôi 15 tuổi làm căn cước ở đâu")
    assert said[0].startswith(CATALOG.procedures["can_cuoc"].title)
    assert not any(texts.CONSENT in s for s in said)
    assert "Xem thêm" in said[-1]
    more = bot.say("res-1", "3")
    assert more[0].startswith(texts.GUIDANCE_PAPERS) and texts.GUIDANCE_FEE in more[0]
    with bot.services.store.unit() as uow:
        assert uow.session.scalars(select(ServiceRequest)).all() == []


@pytest.mark.parametrize("text, place", [("ủy ban phường nghỉ trưa mấy giờ", "ward_office"),
                                         ("cho xin số trạm y tế", "health_station"),
                                         ("công an phường ở đâu vậy cháu", "police")])
def test_the_wards_own_facts(bot, text, place):
    facts = CATALOG.neighborhood.place(place)
    said = bot.say("res-2", text)
    assert said == [texts.PLACE_FACTS.format(name=facts.name, address=facts.address, hours=facts.hours,
                                             phone=facts.phone)]


def test_thanks_get_a_short_answer_not_the_menu(bot):
    assert bot.say("res-3", "tốt quá, cảm ơn cháu nhiều") == [texts.THANKS] or \
        bot.say("res-3", "cảm ơn cháu nhiều") == [texts.THANKS]
    assert bot.say("res-3", "cam on nhe") == [texts.THANKS]


def test_a_weak_match_offers_the_closest_and_a_person_and_starts_no_form(bot):
    said = bot.say("res-4", "cháu ơi bác hỏi thủ tục cưới xin ở phường cho thằng út")
    assert said[0].startswith(texts.UNSURE)
    assert "1. Kết hôn" in said[0] and said[0].rstrip().endswith(texts.HUMAN_OPTION)
    assert not any(texts.CONSENT in s for s in said)
    assert bot.say("res-4", "1")[0].startswith("Đăng ký kết hôn")  # the resident's choice starts it


def test_a_voice_message_offers_a_call_back_logged_with_consent(bot):
    setup_team(bot)
    bot.clock.set_local(2026, 12, 3, 9)
    said = bot.say("res-5", kind="audio", url="https://voice-talk.zdn.vn/v1/abc.aac")
    assert said[0].startswith(texts.VOICE_OFFER) and texts.CALLBACK_OPTIONS[0] in said[0]
    reply = bot.say("res-5", "1")
    assert "HT-0001" in reply[0] and "gọi lại" in reply[0]
    notice = bot.inbox("vol-sang")[-1]
    assert "HT-0001" in notice and texts.HANDOFF_CALLBACK in notice and "abc.aac" in notice
    with bot.services.store.unit() as uow:
        assert [c.purpose for c in uow.session.scalars(select(Consent))] == ["goi_lai"]
        assert uow.session.scalars(select(Handoff)).one().status == "waiting"


def test_a_voice_message_mid_procedure_can_be_declined_and_the_question_comes_back(bot):
    bot.say("res-6", "đăng ký khai sinh")
    question = bot.say("res-6", "1")[0]
    said = bot.say("res-6", kind="audio")
    assert said[0].startswith(texts.VOICE_OFFER)
    back = bot.say("res-6", "không cần")
    assert back == [texts.CALLBACK_DECLINED, question]


def test_a_call_to_the_oa_offers_a_call_back(bot):
    assert bot.say("res-7", kind="call")[0].startswith(texts.CALL_OFFER)


def khai_sinh_to_gender(bot, user: str) -> None:
    bot.clock.set_local(2026, 12, 3, 9)
    bot.say(user, "đăng ký khai sinh")
    bot.say(user, "1")
    for answer in ("5/11", "có", "có", "1", "1", "Nguyễn Văn Bình"):
        bot.say(user, answer)


def test_answers_as_residents_give_them(bot):
    khai_sinh_to_gender(bot, "res-8")  # «5/11» with no year was this year's 5 November
    asked_mother = bot.say("res-8", "cháu trai")
    assert asked_mother[0].startswith("Họ và tên của mẹ bé")
    with bot.services.store.unit() as uow:
        answers = uow.conversations.get("res-8")["answers"]
    assert answers["child_birth_date"] == "05/11/2026" and answers["child_gender"] == "Nam"
    assert answers["within_60_days"] == "Có"


def test_a_reports_category_in_a_residents_words(bot):
    bot.say("res-9", "phản ánh")
    bot.say("res-9", "1")
    bot.say("res-9", "không")
    assert bot.say("res-9", "đèn đường")[0].startswith("Bác kể ngắn gọn")


def test_an_address_needs_a_number_or_a_street(bot):
    bot.say("res-10", "đặt lịch")
    bot.say("res-10", "1")
    said = bot.say("res-10", "đến nhà tôi")  # home visit
    assert said
    for answer in ("Khai sinh",):
        bot.say("res-10", answer)


def test_a_rating_in_words_is_kept_and_anything_else_is_asked_again_once(bot):
    setup_team(bot)
    bot.clock.set_local(2026, 12, 3, 9)
    for user, words, rating in (("res-11", "tốt lắm, cảm ơn cháu", 3), ("res-12", "bình thường", 2)):
        bot.say(user, "gặp người")
        code = bot.inbox("vol-sang")[-1].split("nhận ")[-1]
        bot.say("vol-sang", f"nhận {code}")
        bot.say("vol-sang", "xong")
        assert bot.say(user, words)[0] == texts.RATE_THANKS
        with bot.services.store.unit() as uow:
            assert uow.handoffs.by_code(code).rating == rating
    bot.say("res-13", "gặp người")
    bot.say("vol-sang", "nhận HT-0003")
    bot.say("vol-sang", "xong")
    again = bot.say("res-13", "hôm nay trời đẹp")
    assert again[0] == texts.RATE_AGAIN
    assert bot.say("res-13", "chưa tốt lắm")[0] == texts.RATE_THANKS
    with bot.services.store.unit() as uow:
        assert uow.handoffs.by_code("HT-0003").rating == 1


def test_every_first_message_is_short():
    for procedure in CATALOG.procedures.values():
        assert len(introduction(procedure).text) <= INTRODUCTION_MAX, procedure.id


def test_the_full_papers_come_on_xem_them_and_after_the_summary(bot):
    said = bot.say("res-14", "đăng ký khai sinh")
    assert len(said[0]) <= INTRODUCTION_MAX and "Xem thêm" in said[0]
    assert texts.GUIDANCE_FEE not in said[0]
    more = bot.say("res-14", "xem thêm")
    assert more[0].startswith(texts.GUIDANCE_PAPERS) and texts.GUIDANCE_FEE in more[0]
    assert more[-1].startswith(texts.CONSENT)


LETTER = ("Thưa tổ, nhà tôi có mảnh đất ông bà để lại từ năm 1985, giấy tờ nhà đất chỉ có giấy viết tay. "
          "Hàng xóm nói phải đi phản ánh với phường và làm giấy khai sinh cho cháu trước rồi mới sang tên được. ")


def test_a_very_long_message_is_said_to_be_cut_and_starts_no_form(bot):
    said = bot.say("letter-writer", (LETTER * 20)[:2500])  # pasted: longer than a Zalo text can be
    assert said[0] == texts.TEXT_CUT
    assert texts.LONG_MESSAGE in said[1] and texts.MENU_TITLE in said[-1]
    assert not any(texts.CONSENT in s for s in said)  # neither phản ánh nor khai sinh was started
    with bot.services.store.unit() as uow:
        assert not (uow.conversations.get("letter-writer") or {}).get("procedure")


def test_a_long_letter_starts_no_form_but_a_long_answer_inside_one_is_kept(bot):
    said = bot.say("letter-writer", LETTER * 4)  # 800 characters: no cut, still no form from its middle
    assert texts.TEXT_CUT not in said and texts.LONG_MESSAGE in said[0]
    assert "«gặp người»" in said[0]
    bot.say("reporter", "phản ánh")
    bot.say("reporter", "đồng ý")
    report = CATALOG.procedures["phan_anh"]
    while True:  # answer up to the description, which may be as long as the resident needs
        step = next(s for s in report.steps if (bot.inbox("reporter")[-1]).startswith(s.ask))
        if step.type == "text":
            break
        bot.say("reporter", "1" if step.type in ("choice", "yesno") else "Trần Văn An")
    after = bot.say("reporter", LETTER * 4)
    assert texts.LONG_MESSAGE not in "\n".join(after) and not after[-1].startswith(step.ask)


def test_a_long_letter_asking_for_the_list_gets_the_menu_not_a_crash(bot):
    """Found by the held-out round 4: words of the menu and of a procedure, near-equal, once offered «menu»
    as if it were a procedure and the worker failed on it."""
    letter = ("Chào cháu, bác mới vào đây lần đầu, con gái bác bảo nhắn tin vào đây thì hỏi được các thủ tục giấy "
              "tờ của phường. Bác chưa biết dùng thế nào. Cháu cho bác xem danh sách những việc mà cái này giúp "
              "được, để bác chọn cho đúng, bác cảm ơn cháu nhiều")
    said = bot.say("res-letter", letter)
    assert said and said[0] != texts.NOT_UNDERSTOOD
    assert any("Khai sinh" in s or "khai sinh" in s for s in said), said  # the menu's choices
    assert bot.say("res-letter", "1")  # and its first choice works
