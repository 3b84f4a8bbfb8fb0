"""Residents follow their own requests by code, through the real webhook: their own (any spelling of the
code, a prefix one letter off), someone else's and an unknown one (the same «không tìm thấy»), and the
list of their open requests."""
import re

from bot import texts
from bot.services import casework


def add(bot, prefix: str, kind: str, user: str) -> str:
    with bot.services.store.unit() as uow:
        code = uow.requests.create(prefix, kind, user, {}, "online").code
        uow.commit()
        return code


def test_a_resident_looks_up_their_request_by_its_code_however_they_write_it(bot):
    code = add(bot, "TT", "tam_tru", "r1")
    assert code == "TT-0001"
    for said in ("TT-0001", "tra cứu tt-0001", "Kiểm tra TT0001", "xem tt 1", "hồ sơ TT-0001 của tôi đến đâu rồi ạ",
                 "ti-0001"):  # the last: a prefix one letter off, matched only among their own
        (reply,) = bot.say("r1", said)
        assert reply.startswith("Hồ sơ TT-0001: Đăng ký tạm trú"), said
        assert "Tình trạng: Mới" in reply and "Tổ sẽ xem lại" in reply and "bác gửi yêu cầu" in reply

    bot.add_staff("leader", "Bác Hòa", "leader")
    with bot.services.store.unit() as uow:
        request = uow.requests.by_code("TT-0001")
        casework.change_status(uow, request, "dang_xu_ly", "leader", "Bác Hòa", bot.clock(), "0912 345 678")
        uow.commit()
    (reply,) = bot.say("r1", "tra cứu TT-0001")
    assert "Tình trạng: Đang xử lý" in reply and "(Đang xử lý)" in reply


def test_a_report_looked_up_says_by_when_the_to_answers(bot):
    bot.clock.set_local(2026, 12, 4, 20)  # a Friday evening
    for said in ("phản ánh", "đồng ý", "không", "1", "Rác để đầu ngõ 5 ba ngày nay", "bỏ qua", "bỏ qua", "có"):
        bot.say("r5", said)
    assert "PA-0001" in bot.say("r5", "gửi")[0]
    (reply,) = bot.say("r5", "tra cứu PA-0001")
    assert "Tình trạng: Mới" in reply and "Tổ sẽ trả lời bác trước 14h ngày mai ạ." in reply


def test_someone_elses_code_and_an_unknown_code_get_the_same_answer(bot):
    add(bot, "TT", "tam_tru", "r1")
    (others,) = bot.say("r2", "TT-0001")
    (unknown,) = bot.say("r2", "TT-0099")
    assert others == texts.LOOKUP_NOT_FOUND.format(code="TT-0001")
    assert re.sub(r"TT-00\d\d", "CODE", others) == re.sub(r"TT-00\d\d", "CODE", unknown)
    assert "Đăng ký tạm trú" not in others


def test_my_requests_lists_the_open_ones_newest_first(bot):
    assert bot.say("r3", "hồ sơ của tôi") == [texts.LOOKUP_NONE_OPEN]
    add(bot, "TT", "tam_tru", "r3")
    add(bot, "PA", "phan_anh", "r3")
    done = add(bot, "KS", "khai_sinh", "r3")
    add(bot, "TV", "tam_vang", "someone-else")
    with bot.services.store.unit() as uow:
        casework.change_status(uow, uow.requests.by_code(done), "da_xong", "leader", "Bác Hòa", bot.clock(), "",
                               tell=False)
        uow.commit()
    (listing,) = bot.say("r3", "Hồ sơ của tôi đến đâu rồi?")
    assert listing.startswith(texts.LOOKUP_LIST_TITLE)
    assert listing.index("PA-0001") < listing.index("TT-0001") and done not in listing and "TV-0001" not in listing


def test_a_number_in_an_answer_is_not_taken_for_a_code_and_a_look_up_mid_form_comes_back_to_it(bot):
    assert texts.LOOKUP_NOT_FOUND.split("{")[0] not in "\n".join(bot.say("r4", "ngày 15"))
    add(bot, "TT", "tam_tru", "r4")
    bot.say("r4", "đăng ký tạm trú")
    question = bot.say("r4", "đồng ý")[-1]
    during = bot.say("r4", "TT-0001")
    assert during[0].startswith("Hồ sơ TT-0001") and during[-1] == texts.LOOKUP_BACK_TO_QUESTION
    assert bot.say("r4", "nhắc lại")[-1] == question
