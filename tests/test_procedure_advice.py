"""Procedure advice that is right today and stays right: every rule with its source, every file reviewed,
rules shown only while in force (and only in their province), `procedures check`, and the advice changed
after the review of 2026-12-03, through the engine and the real webhook."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from bot import create_app, texts
from bot.flows import render
from bot.flows.procedures import ProcedureFileError
from tests.conftest import make_settings
from tests.test_flows_engine import AT, CATALOG, Chat
from tests.test_procedure_files import CONFIG, break_file, config_copy  # noqa: F401 - the fixture
from tests.test_utterances import read_rows  # noqa: F401 - keeps the helper module loaded for the sets

TODAY = date(2026, 12, 3)


def every_dated_rule():
    return [(p, r) for p in CATALOG.procedures.values() for r in p.guidance.rules
            if r.effective_from or r.effective_to]


@pytest.mark.parametrize("procedure, rule", every_dated_rule(), ids=lambda x: getattr(x, "id", "")[:20])
def test_a_rule_is_told_exactly_while_it_is_in_force(procedure, rule):
    province = rule.province or CATALOG.neighborhood.province

    def told(day: date) -> bool:
        return rule.text in render.full_guidance(procedure, day, province).text

    if rule.effective_from:
        assert not told(rule.effective_from - timedelta(days=1)) and told(rule.effective_from)
    if rule.effective_to:
        assert told(rule.effective_to) and not told(rule.effective_to + timedelta(days=1))


def test_a_provinces_own_rule_is_shown_only_in_that_province():
    report = CATALOG.procedures["phan_anh"]
    hanoi = next(r for r in report.guidance.rules if r.province == "Hà Nội")
    assert hanoi.text not in render.full_guidance(report, TODAY, "Ninh Bình").text
    assert hanoi.text in render.full_guidance(report, TODAY, "ha noi").text


def test_every_file_is_reviewed_and_every_rule_has_its_source():
    for procedure in CATALOG.procedures.values():
        assert procedure.reviewed_on is not None and procedure.reviewed_on <= TODAY, procedure.id
        assert all(rule.source for rule in procedure.guidance.rules), procedure.id


def test_a_rule_without_its_source_stops_the_bot_at_start_up(config_copy):  # noqa: F811
    path = break_file(config_copy, '      source: "NĐ 282/2025/NĐ-CP"\n', "", "tam_vang.yaml")
    from bot.flows.catalog import load_catalog

    with pytest.raises(ProcedureFileError, match=f"{path.name}:.*needs its source"):
        load_catalog(config_copy)


def check(config_dir, *args):
    app = create_app(make_settings("sqlite://", "http://127.0.0.1:9", config_dir=config_dir))
    return app.test_cli_runner().invoke(args=["procedures", "check", *args])


def test_procedures_check_lists_what_changes_soon_and_passes_today():
    result = check(CONFIG, "--as-of", "2026-12-03")
    assert result.exit_code == 0, result.output
    assert "ho_ngheo: starts soon: 2027-01-01" in result.output and "0 failing" in result.output


def test_procedures_check_fails_on_a_file_never_reviewed_and_names_stale_ones(config_copy):  # noqa: F811
    break_file(config_copy, "reviewed_on: 2026-12-03\n", "", "tam_vang.yaml")
    result = check(config_copy, "--as-of", "2026-12-03")
    assert result.exit_code == 1 and "tam_vang: NEVER REVIEWED" in result.output
    later = check(CONFIG, "--as-of", "2027-07-01")
    assert "khai_sinh: not reviewed for 6 months" in later.output


def test_an_option_too_long_for_a_button_is_named_at_start_and_by_the_check(config_copy, caplog):  # noqa: F811
    import logging
    break_file(config_copy, '    buttons: {"Tuổi nghĩa vụ quân sự, đi từ 3 tháng": "Tuổi nghĩa vụ, đi từ 3 tháng"}\n', "",
               "tam_vang.yaml")
    with caplog.at_level(logging.WARNING, logger="bot.bootstrap"):
        result = check(config_copy, "--as-of", "2026-12-03")
    said = "«Tuổi nghĩa vụ quân sự, đi từ 3 tháng» shows as «Tuổi nghĩa vụ quân sự, đi từ 3…»"
    assert result.exit_code == 0 and f"tam_vang: button cut: case_type: {said}" in result.output
    assert any(said in record.getMessage() for record in caplog.records)
    assert "button cut" not in check(CONFIG, "--as-of", "2026-12-03").output


def test_the_digest_names_the_files_to_review_on_the_first_of_the_month(bot):
    from bot.services.casework import digest_text

    bot.clock.set_local(2026, 12, 1, 20)
    with bot.services.store.unit() as uow:
        first = digest_text(uow, bot.services.runtime.catalog, bot.clock())
        bot.clock.set_local(2026, 12, 2, 20)
        second = digest_text(uow, bot.services.runtime.catalog, bot.clock())
    assert "Thủ tục cần xem lại" in first and "ho_ngheo" in first and "Thủ tục cần xem lại" not in second


# --- the advice changed on 2026-12-03 --------------------------------------------------------------------
def test_a_tam_tru_renewal_is_told_its_15_days_and_not_asked_about_30_days():
    chat = Chat()
    chat.say("gia hạn tạm trú")
    chat.say("1")
    said = chat.say("Gia hạn")
    assert "15 ngày trước khi hết hạn" in said and "30 ngày" not in said
    fee = CATALOG.procedures["tam_tru"].guidance.fee
    assert "trẻ dưới 16 tuổi" in fee and "người từ 60 tuổi" in fee


def test_a_late_birth_registration_is_not_threatened_with_a_warning():
    chat = Chat()
    chat.say("khai sinh")
    chat.say("1")
    said = chat.say((AT.today - timedelta(days=90)).strftime("%d/%m/%Y"))
    assert "cảnh cáo" not in said and "không bị phạt" in said
    assert not any("cảnh cáo" in r.text for r in CATALOG.procedures["khai_sinh"].guidance.rules)
    assert "12 tháng kể từ" not in CATALOG.procedures["thuong_tru"].guidance.deadline


def answer_all(chat: Chat, procedure_id: str, stop_at: str) -> str:
    """Answer each question with a valid answer until the bot asks `stop_at` (a text in its question)."""
    from tests.sample_answers import right_text

    procedure = CATALOG.procedures[procedure_id]
    said = ""
    for _ in range(40):
        if stop_at in said:
            return said
        step = procedure.steps[chat.state.index] if chat.state.mode == "ask" else None
        said = chat.say(right_text(step, AT.today) if step else "1")
    raise AssertionError(f"never asked {stop_at!r}")


def test_a_home_visit_asks_the_phone_and_address_and_only_then():
    home = Chat()
    home.say("đăng ký kết hôn")
    home.say("1")
    answer_all(home, "ket_hon", texts.CHANNEL_QUESTION)
    assert home.say("3").startswith("Bác cho tổ số điện thoại")
    assert home.say("0912345678").startswith("Nhà bác ở đâu")
    summary = home.say("số 12 ngõ 5 phố Hoa Lư")
    assert summary.startswith(texts.SUMMARY_TITLE) and "0912345678" in summary
    online = Chat()
    online.say("đăng ký kết hôn")
    online.say("1")
    answer_all(online, "ket_hon", texts.CHANNEL_QUESTION)
    summary = online.say("1")
    assert summary.startswith(texts.SUMMARY_TITLE) and "Số điện thoại để hẹn" not in summary
    online.say("1")
    assert "_channel" not in online.effects[-1].answers and "visit_phone" not in online.effects[-1].answers


def test_an_anonymous_report_asks_no_name_and_no_phone():
    chat = Chat()
    chat.say("phản ánh")
    chat.say("1")
    for answer in ("không", "1", "Rác đổ ra đường", "bỏ qua", "bỏ qua"):
        chat.say(answer)
    said = chat.say("có")  # send without a name or a phone
    assert texts.SUMMARY_TITLE in said and "Số điện thoại" not in said and "Họ tên" not in said


def test_questions_that_collect_nothing_needed_are_gone():
    vneid = CATALOG.procedures["vneid"]
    assert not any(s.type == "date" for s in vneid.steps)  # the birth date was asked and never used
    booking = CATALOG.procedures["dat_lich"]
    assert not any("khuyết tật" in s.ask for s in booking.steps)
    assert all(s.optional for s in booking.steps if s.field == "extra_help")
    assert "chữa bệnh" not in " ".join(s.ask for s in CATALOG.procedures["tam_vang"].steps)


def test_the_consent_cites_the_law_in_force():
    assert "91/2025/QH15" in texts.CONSENT and "356/2025" in texts.CONSENT and "13/2023" not in texts.CONSENT
    assert "xóa dữ liệu của tôi" in texts.CONSENT


def test_the_bot_speaks_as_to_not_chau_and_of_the_dead_as_a_neighbour_would():
    own_voice = re.compile(r"(cho cháu|giúp cháu|Cháu sẽ|Cháu vẫn|cháu sẽ ghi)")
    for procedure in CATALOG.procedures.values():
        said = [s.ask for s in procedure.steps] + [n for s in procedure.steps for n in s.notes.values()]
        assert not any(own_voice.search(text) for text in said), procedure.id
    asks = [s.ask for s in CATALOG.procedures["khai_tu"].steps if s.ask]
    assert "Ông/bà mất ngày nào ạ?" in asks and not any(a.startswith("Người mất") for a in asks)


def test_the_funeral_allowance_and_the_online_allowance_filing_are_told():
    rules = " ".join(r.text for r in CATALOG.procedures["khai_tu"].guidance.rules)
    assert "1.014028" in rules and "Mẫu số 02" in rules
    allowance = CATALOG.procedures["tro_cap_nguoi_cao_tuoi"]
    assert allowance.guidance.online_steps and any("dichvucong" in w for w in allowance.guidance.where)
    assert any(s.type == "cccd" and s.optional for s in allowance.steps)


def test_how_to_skip_is_said_once_and_never_reads_as_having_no_name():
    def step(procedure_id, field):
        return next(s for s in CATALOG.procedures[procedure_id].steps if s.field == field)
    father = render.question(step("khai_sinh", "father_full_name")).text  # the question says it already
    assert father.count("bỏ qua") == 1 and texts.OPTIONAL_HINT not in father
    reporter = render.question(step("phan_anh", "reporter_name")).text
    assert texts.OPTIONAL_HINT in reporter and "Nếu không có" not in reporter  # not «if you have no name»


def test_a_list_without_buttons_asks_for_a_number_not_a_tap():
    chat = Chat()
    chat.say("đăng ký tạm trú")
    chat.say("1")
    answer_all(chat, "tam_tru", texts.SUMMARY_TITLE)
    chat.say("sửa")
    again = chat.say("mục gì cũng được")  # the «Sửa» list: numbered text, no buttons
    assert texts.PLEASE_TYPE_NUMBER in again and "bấm nút" not in again
    booking = CATALOG.procedures["dat_lich"]
    many = next(s for s in booking.steps if len(s.choices) > 5)  # more options than Zalo has buttons
    visit = Chat()
    visit.say(booking.triggers[0])
    visit.say("1")
    answer_all(visit, "dat_lich", many.ask)
    wrong = visit.say("cái gì đó")
    assert texts.ANSWER_PROBLEMS["choice_typed"] in wrong and "bấm nút" not in wrong.split("\n---\n")[0]
