"""Promised times (issue 28): each procedure says when the tổ answers, in working hours of
config/schedule.yaml; the resident is told with the code, leaders see what is near or past its promise."""
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bot import texts
from bot.clock import utc
from bot.flows.catalog import load_catalog
from bot.flows.procedures import ProcedureFileError
from bot.flows.promises import Promise, WorkingTime, answered_in_time, due_at, promise_state, promise_text

CONFIG = Path(__file__).resolve().parent.parent / "config"
# Monday–Saturday 7h–21h, 30/4 and 1/5 off (2027: a Friday and a Saturday)
WORK = WorkingTime(frozenset(range(6)), 7, 21, frozenset({date(2027, 4, 30), date(2027, 5, 1)}))
REPORT = Promise(working_hours=8, urgent_working_hours=4)


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    """A local time in 2027 as the UTC the columns store (5/3/2027 is a Friday)."""
    return utc(datetime(2027, month, day, hour, minute))


# --- the pure computation ------------------------------------------------------------------------------

@pytest.mark.parametrize("created, urgent, due", [
    (at(5, 20), False, at(6, 14)),  # Friday 20h: 1 hour on Friday, 7 on Saturday
    (at(5, 20), True, at(6, 10)),  # urgent: 1 + 3
    (at(5, 20, 30), False, at(6, 15)),  # 14h30 rounded up to the hour the resident is told
    (at(6, 16), False, at(8, 10)),  # Saturday 16h: 5 hours, Sunday off, 3 on Monday
    (at(6, 22), True, at(8, 11)),  # Saturday night: Monday from 7h
    (at(8, 5), False, at(8, 15)),  # before opening: counted from 7h
    (at(29, 18, month=4), False, at(3, 12, month=5)),  # Thursday 18h, then 30/4, 1/5 (holidays) and Sunday
])
def test_due_counts_working_hours_only(created, urgent, due):
    assert due_at(created, REPORT, WORK, urgent) == due


def test_same_day_is_the_close_of_the_working_day_it_arrives_on():
    booking = Promise(same_day=True)
    assert due_at(at(8, 9), booking, WORK) == at(8, 21)
    assert due_at(at(6, 21, 30), booking, WORK) == at(8, 21)  # after Saturday's close: Monday's


def test_no_promise_no_due():
    assert due_at(at(8, 9), None, WORK) is None


def test_near_and_overdue_count_working_time():
    due = at(8, 8)  # Monday 8h
    assert promise_state(due, at(6, 20), WORK) == "near"  # Saturday 20h: 1 + 1 working hours left
    assert promise_state(due, at(6, 18), WORK) == ""
    assert promise_state(due, at(8, 8), WORK) == "overdue"
    assert promise_state(due, at(9, 8), WORK, answered=True) == ""
    assert promise_state(None, at(9, 8), WORK) == ""


def test_answered_in_time():
    due = at(8, 12)
    assert answered_in_time(due, at(8, 11), at(9, 8)) is True
    assert answered_in_time(due, at(8, 13), at(9, 8)) is False
    assert answered_in_time(due, None, at(9, 8)) is False
    assert answered_in_time(due, None, at(8, 10)) is None  # not yet answered, still in time
    assert answered_in_time(None, None, at(9, 8)) is None


def test_promise_words():
    friday = date(2027, 3, 5)
    assert promise_text(at(5, 17), friday) == "Tổ sẽ trả lời bác trước 17h hôm nay ạ."
    assert promise_text(at(6, 14), friday) == "Tổ sẽ trả lời bác trước 14h ngày mai ạ."
    assert promise_text(at(8, 10), friday) == "Tổ sẽ trả lời bác trước 10h thứ Hai, ngày 8/3 ạ."


# --- the files -----------------------------------------------------------------------------------------

def copy_config(tmp_path: Path) -> Path:
    import shutil
    shutil.copytree(CONFIG, tmp_path / "config", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return tmp_path / "config"


def test_the_shipped_files_promise_what_the_ward_does():
    catalog = load_catalog(CONFIG)
    assert catalog.procedures["phan_anh"].promise == Promise(working_hours=8, urgent_working_hours=4)
    assert catalog.procedures["dat_lich"].promise == Promise(same_day=True)
    assert all(p.promise for p in catalog.procedures.values() if p.steps)
    assert catalog.working_time.days == frozenset(range(6)) and catalog.working_time.start == 7


@pytest.mark.parametrize("promise, message", [
    ("promise: {working_hours: 8, same_day: true}", "either working_hours or same_day"),
    ("promise: {working_hours: 4, urgent_working_hours: 8}", "must not exceed"),
    ("promise: {working_hours: tám}", "whole number"),
    ("promise: {hours: 8}", "unknown key(s): hours"),
])
def test_a_bad_promise_names_file_and_line(tmp_path, promise, message):
    config = copy_config(tmp_path)
    path = config / "procedures" / "tam_tru.yaml"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("promise:")]
    lines.insert(3, promise)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ProcedureFileError) as error:
        load_catalog(config)
    assert "tam_tru.yaml:4: promise: " in str(error.value) and message in str(error.value)


@pytest.mark.parametrize("working_time, message", [
    ("working_time: {days: [T2, Thứ Hai]}", "days must be a list of T2"),
    ("working_time: {start: 21, end: 7}", "0 <= start < end <= 24"),
    ("working_time: {holidays: [30/4]}", "holidays must be a list of dates"),
])
def test_bad_working_time_names_file_and_line(tmp_path, working_time, message):
    config = copy_config(tmp_path)
    path = config / "schedule.yaml"
    kept = path.read_text(encoding="utf-8").split("working_time:")[0]
    path.write_text(kept + working_time + "\n", encoding="utf-8")
    line = len(kept.splitlines()) + 1
    with pytest.raises(ProcedureFileError) as error:
        load_catalog(config)
    assert f"schedule.yaml:{line}: working_time: " in str(error.value) and message in str(error.value)


# --- end to end through the webhook -------------------------------------------------------------------

def send_report(bot, user: str, urgent: bool) -> list[str]:
    """A phản ánh from the first word to «gửi»; the bot's replies to «gửi»."""
    bot.say(user, "phản ánh")
    bot.say(user, "đồng ý")
    bot.say(user, "có" if urgent else "không")
    bot.say(user, "1")
    bot.say(user, "Rác đổ đầy đầu ngõ 12 ba ngày nay")
    bot.say(user, "bỏ qua")
    bot.say(user, "bỏ qua")
    summary = bot.say(user, "có")  # without name and phone
    assert summary[-1].startswith(texts.SUMMARY_TITLE), summary
    return bot.say(user, "gửi")


def test_a_report_on_friday_evening_is_promised_by_saturday(bot):
    bot.clock.set_local(2027, 3, 5, 20)  # a Friday, 20h
    done = send_report(bot, "r-ordinary", urgent=False)
    assert "PA-0001" in done[0] and "Tổ sẽ trả lời bác trước 14h ngày mai ạ." in done[0]
    done = send_report(bot, "r-urgent", urgent=True)
    assert "PA-0002" in done[0] and "Tổ sẽ trả lời bác trước 10h ngày mai ạ." in done[0]
    with bot.services.store.unit() as uow:
        assert uow.requests.by_code("PA-0002").urgent
        assert uow.requests.by_code("PA-0001").due_at == at(6, 14)


def test_new_requests_mark_what_is_near_or_past_its_promise(bot):
    bot.add_staff("leader", "Bác Hòa", "leader")
    bot.clock.set_local(2027, 3, 5, 20)  # Friday 20h: due Saturday 14h
    send_report(bot, "r-late", urgent=False)
    bot.clock.set_local(2027, 3, 6, 9)
    listed = "\n".join(bot.say("leader", "yêu cầu mới"))
    assert "PA-0001" in listed and "QUÁ HẠN HẸN" not in listed and "sắp đến hạn" not in listed
    bot.clock.set_local(2027, 3, 6, 12, 30)
    listed = "\n".join(bot.say("leader", "yêu cầu mới"))
    assert "PA-0001 · Phản ánh, kiến nghị · Mới · 0 ngày · sắp đến hạn" in listed
    bot.clock.set_local(2027, 3, 6, 14, 1)
    assert "· QUÁ HẠN HẸN" in "\n".join(bot.say("leader", "yêu cầu mới"))
    from bot.services.casework import digest_text
    with bot.services.store.unit() as uow:
        digest = digest_text(uow, bot.services.runtime.catalog, bot.clock())
    assert "Quá hạn hẹn trả lời: PA-0001." in digest


def list_row(session, bot, code: str) -> str:
    """The dashboard list's row of a request, after its code."""
    return session.get(bot.url + "/admin/", timeout=10).text.split(f"{code}</a>", 1)[1].split("</tr>", 1)[0]


def test_the_dashboard_list_and_request_page_show_a_missed_promise(bot):
    from tests.test_admin import add_staff
    from tests.test_security_dashboard import logged_in

    add_staff(bot, "leader-1", "Nguyễn Văn Hòa", "leader")
    bot.clock.set_local(2027, 3, 5, 20)
    send_report(bot, "r-list", urgent=False)  # due Saturday 14h
    bot.clock.set_local(2027, 3, 6, 13)
    row = list_row(logged_in(bot, "leader-1"), bot, "PA-0001")
    assert ">Sắp đến hạn</span>" in row and "Quá hạn hẹn" not in row
    bot.clock.set_local(2027, 3, 6, 15)
    leader = logged_in(bot, "leader-1")  # a new session: the clock moved past the last one's idle time
    row = list_row(leader, bot, "PA-0001")
    assert ">Quá hạn hẹn</span>" in row and 'title="Hẹn trả lời trước 06/03/2027 14:00"' in row
    page = leader.get(bot.url + "/admin/requests/PA-0001", timeout=10).text
    promise = page.split('id="request-promise">', 1)[1].split("</dd>", 1)[0]
    assert "06/03/2027 14:00" in promise and "Quá hạn hẹn" in promise


def test_statistics_give_the_share_answered_within_the_promise(bot):
    from bot.clock import local
    from bot.services import casework
    from tests.test_admin import add_staff
    from tests.test_dashboard_as_found import section, table_rows
    from tests.test_security_dashboard import logged_in

    add_staff(bot, "leader-1", "Nguyễn Văn Hòa", "leader")
    now = bot.clock()
    day, hour = timedelta(days=1), timedelta(hours=1)
    with bot.services.store.unit() as uow:
        for user, due, answer in (("a", now + day, "status"), ("b", now - hour, "status"), ("c", now - hour, None),
                                  ("d", now + day, None), ("e", now - hour, "assign")):
            row = uow.requests.create("TT", "tam_tru", user, {}, "online", at=now - 2 * hour)
            row.due_at = due
            if answer == "status":
                casework.change_status(uow, row, "dang_xu_ly", "leader-1", "Hòa", now, "0912", tell=False)
            elif answer == "assign":  # given to someone in time... after its promise
                casework.assign(uow, row, "leader-1", "leader-1", "Hòa", now)
        uow.commit()
    page = logged_in(bot, "leader-1").get(bot.url + "/admin/stats", timeout=10).text
    rows = table_rows(section(page, "stats-promises"))
    assert rows[local(now).strftime("%m/%Y")] == ["1/4 (25%)"]  # a, b late, c late unanswered, e late; d too early


def test_upgrading_keeps_older_requests_without_a_promise(database_url):
    from sqlalchemy import text

    from bot.store import Store, make_engine
    from config.settings import SANDBOX_DATA_KEY
    from tests.conftest import OA_ID, migrate_to

    def old_rows(connection):
        connection.execute(text(
            "INSERT INTO requests (oa_id, code, kind, user_id, answers, status, channel, created_at, updated_at, "
            "urgent) VALUES (:oa, 'PA-0001', 'phan_anh', 'r7', '{}', 'moi', 'to_chuyen', CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP, :no)"), {"oa": OA_ID, "no": False})

    engine = make_engine(database_url)
    migrate_to(engine, "0017", old_rows)
    migrate_to(engine, "0018")
    store = Store(engine, OA_ID, SANDBOX_DATA_KEY)
    with store.unit() as uow:
        assert uow.requests.by_code("PA-0001").due_at is None  # never promised: nothing to miss
        uow.requests.create("TT", "tam_tru", "r8", {}, "online").due_at = at(8, 15)
        uow.commit()
    with store.unit() as uow:
        assert uow.requests.by_code("TT-0001").due_at == at(8, 15)
    store.dispose()
