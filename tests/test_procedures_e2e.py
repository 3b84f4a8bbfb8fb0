"""Every procedure file walked through the real webhook and the Zalo stand-in: trigger, a wrong and a right
answer at each step, back, summary, confirm, reference code, and the exported row."""
import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot import texts
from bot.flows.catalog import load_catalog
from bot.services.exports import write_requests_csv
from bot.store.models import utcnow
from tests.sample_answers import WRONG, asked_in_a_walk, right_text, stored_value, walked

CATALOG = load_catalog(Path(__file__).resolve().parent.parent / "config")
PHOTO = "https://f6.photo.talk.zdn.vn/1234/photo.jpg"


def today() -> date:
    return (utcnow() + timedelta(hours=7)).date()


def answer_wrong_then_right(bot, user, step) -> list[str]:
    """Give a wrong answer (expect the problem and the same question), then a right one."""
    if step.type == "photo":
        wrong = bot.say(user, "ảnh đây ạ")
    elif step.type == "location":
        wrong = bot.say(user, kind="sticker")
    else:
        wrong = bot.say(user, WRONG[step.type])
    assert any(step.ask in reply for reply in wrong), (step.field, wrong)
    assert len(wrong) == 2, (step.field, wrong)  # the explanation, then the question again
    return answer_right(bot, user, step)


def answer_right(bot, user, step) -> list[str]:
    if step.type == "photo":
        return bot.say(user, kind="image", url=PHOTO)
    if step.type == "location":
        return bot.say(user, kind="location", lat="21.0285", lng="105.8542")
    return bot.say(user, right_text(step, today()))


MAP = "https://www.openstreetmap.org/?mlat=21.0285&mlon=105.8542#map=18/21.0285/105.8542"


def expected_value(step) -> str:
    """As the summary reads it back: a sent location as a map link, a photo as «1 ảnh đã gửi»."""
    shown = {"photo": "1 ảnh đã gửi", "location": f"Vị trí đã gửi (xem bản đồ: {MAP})"}
    return shown.get(step.type) or stored_value(step, today())


@pytest.mark.parametrize("procedure_id", sorted(p for p in CATALOG.procedures if CATALOG.procedures[p].steps))
def test_walk_every_procedure_to_a_reference_code(bot, procedure_id):
    procedure = CATALOG.procedures[procedure_id]
    user = f"walker-{procedure_id}"
    intro = bot.say(user, procedure.triggers[0].upper())
    assert intro[0].startswith(procedure.title) and intro[-1].startswith(texts.CONSENT)
    first = bot.say(user, "đồng ý")
    questions = asked_in_a_walk(procedure, today())
    assert first[-1].startswith(questions[0].ask)
    for number, step in enumerate(questions):
        if number == 1:  # go back once: the first question comes again; answering it leads here again
            assert bot.say(user, "quay lại")[-1].startswith(questions[0].ask)
            assert answer_right(bot, user, questions[0])[-1].startswith(step.ask)
        replies = answer_wrong_then_right(bot, user, step)
    if not replies[-1].startswith(texts.SUMMARY_TITLE):
        assert replies[-1].startswith(texts.CHANNEL_QUESTION)
        replies = bot.say(user, "1")
    summary = replies[-1]
    assert summary.startswith(texts.SUMMARY_TITLE)
    shown = questions + walked(procedure, today())[1]
    for step in shown:
        assert f"{step.label}: {expected_value(step)}" in summary, step.field
    assert PHOTO not in summary and "21.0285,105.8542" not in summary  # no raw data read back
    for step in procedure.steps:
        if step.field not in {s.field for s in shown}:
            assert f"{step.label}: " not in summary, step.field  # only_if left it out: neither asked nor shown
    done = bot.say(user, "gửi")
    code = re.search(rf"\b{procedure.code}-\d{{4}}\b", done[0])
    assert code, done
    exported = export_rows(bot)
    (row,) = [r for r in exported if r["code"] == code.group(0)]
    assert row["procedure_id"] == procedure_id and row["status"] == "moi" and user in row["resident"]
    if procedure.channel == "to_chuyen":  # a report: the tổ forwards it; nobody chose to file it online
        assert "Cách nộp: Tổ chuyển đến nơi giải quyết" in summary and row["channel"] == "to_chuyen"
    else:
        assert row["channel"] in ("online", "nha_van_hoa", "tai_nha")
    assert f"{shown[-1].label}: " in row["answers"]
    assert_buttons_show_whole_words(bot, user, procedure)


def assert_buttons_show_whole_words(bot, user, procedure) -> None:
    """Every choice question's buttons: within Zalo's 35 characters, each the whole option or the file's
    shorter title for it, never an option cut mid-word («…căn cư»)."""
    seen = 0
    for message in bot.standin.state.messages_for(user):
        step = next((s for s in procedure.steps if s.type == "choice" and (message["text"] or "").startswith(s.ask)),
                    None)
        if step is not None and message["buttons"]:
            assert message["buttons"] == [step.buttons.get(option) or option for option in step.choices]
            assert all(len(title) <= 35 for title in message["buttons"]), message["buttons"]
            seen += 1
    assert seen or not any(s.type == "choice" and s.asked for s in procedure.steps)


def export_rows(bot) -> list[dict]:
    out = io.StringIO()
    with bot.services.store.unit() as uow:
        write_requests_csv(out, uow, bot.services.runtime.catalog)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_cancel_keeps_nothing_and_codes_count_up(bot):
    procedure = CATALOG.procedures["tam_tru"]
    bot.say("canceller", "đăng ký tạm trú")
    bot.say("canceller", "1")
    bot.say("canceller", right_text(procedure.steps[0], today()))
    assert texts.CANCELLED in bot.say("canceller", "huỷ")[0]
    assert export_rows(bot) == []
    codes = []
    for user in ("r1", "r2"):
        bot.say(user, "gặp người")
        codes += re.findall(r"HT-\d{4}", bot.standin.state.messages_for(user)[-1]["text"] or "")
    assert codes == ["HT-0001", "HT-0002"]


def test_requests_export_command_prints_csv(bot):
    bot.say("exporter", "gặp cán bộ")
    result = bot.app.test_cli_runner().invoke(args=["requests", "export"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows[0]["code"] == "HT-0001" and rows[0]["procedure_id"] == "ho_tro"


def test_conversation_survives_a_restart(bot):
    """State is saved on every step: a new worker picks up at the same question."""
    procedure = CATALOG.procedures["vneid"]
    bot.say("restarter", "tài khoản định danh mức 2")
    bot.say("restarter", "1")
    bot.say("restarter", right_text(procedure.steps[0], today()))
    bot.services.worker.stop()
    bot.services._worker = None
    bot.services.worker.start()
    assert bot.say("restarter", "nhắc lại")[-1].startswith(procedure.steps[1].ask)
