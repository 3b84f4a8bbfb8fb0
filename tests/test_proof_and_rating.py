"""Proof when done, and a rating after close (issue 28): a leader or volunteer closes a request with a photo
and a short note (in chat or on the dashboard), the resident gets both with «Đã xử lý xong», then rates the
handling; the report's «Đã được xử lý chưa?» still comes days later; the dashboard shows the proof (or that
there was none) and the ratings per kind."""
from __future__ import annotations

import re

import pytest

from bot import texts
from bot.admin import texts as t
from bot.runtime.jobs import minute_tick

PHOTO = "https://f6.photo.talk.zdn.vn/1234/proof-after.jpg"  # as Zalo's CDN serves a photo a staff member sends
NOTE = "Đã thu gom hết rác đầu ngõ 5"


def report(bot, user: str, description: str = "Rác ở đầu ngõ 5") -> None:
    """A phản ánh from a resident who wrote to the OA just now (inside Zalo's 7-day window)."""
    with bot.services.store.unit() as uow:
        uow.members.record_interaction(user, bot.clock())
        uow.requests.create("PA", "phan_anh", user, {"description": description}, "to_chuyen")
        uow.commit()


def closing(bot, code: str):
    with bot.services.store.unit() as uow:
        row = uow.requests.latest_closing(uow.requests.by_code(code).id)
        return (row.note, row.photo_url, row.rating) if row else None


def media_urls(bot, user: str) -> list[str]:
    """The photos a user received (the media template's url or attachment id)."""
    found = []
    for message in bot.standin.state.messages_for(user):
        attachment = message["payload"]["message"].get("attachment") or {}
        if attachment.get("payload", {}).get("template_type") == "media":
            element = attachment["payload"]["elements"][0]
            found.append(element.get("url") or element.get("attachment_id"))
    return found


def test_leader_closes_a_report_in_chat_with_note_and_photo_and_the_resident_rates_it(bot):
    bot.add_staff("leader", "Bác Hòa", "leader")
    report(bot, "r1")
    assert bot.say("leader", f"xong PA-0001 {NOTE}") == [texts.PROOF_ASK_PHOTO.format(code="PA-0001")]
    assert bot.inbox("r1") == []  # nothing yet: the photo may follow
    said = bot.say("leader", kind="image", url=PHOTO)
    assert said == [texts.PROOF_SENT.format(code="PA-0001", what=texts.PROOF_SENT_WHAT[(True, True)])]
    bot.wait_idle()
    inbox = bot.inbox("r1")
    assert inbox[0].startswith("Hồ sơ PA-0001 của bác: Đã xử lý xong") and NOTE in inbox[0] and "Bác Hòa" in inbox[0]
    assert media_urls(bot, "r1") == [PHOTO]
    assert inbox[1] == texts.DONE_PHOTO_CAPTION.format(code="PA-0001")
    assert inbox[2].startswith(texts.REPORT_RATE_QUESTION.format(code="PA-0001"))
    assert bot.say("r1", "tốt lắm, cảm ơn")[0] == texts.RATE_THANKS
    assert closing(bot, "PA-0001") == (NOTE, PHOTO, 3)
    with bot.services.store.unit() as uow:
        assert uow.requests.by_code("PA-0001").status == "da_xong"

    bot.clock.advance(60 * 24 * 3 + 1)  # the follow-up still comes three days later
    minute_tick(bot.services)
    bot.wait_idle()
    assert bot.inbox("r1")[-1].startswith(texts.FOLLOW_UP_QUESTION.format(code="PA-0001"))


def test_a_volunteer_sends_the_photo_first_then_the_note_or_nothing(bot):
    bot.add_staff("vol", "Chị Lan", "volunteer")
    report(bot, "r2")
    report(bot, "r3", "Đèn đường hỏng")
    assert bot.say("vol", "xong pa-1") == [texts.PROOF_ASK.format(code="PA-0001")]
    assert bot.say("vol", kind="image", url=PHOTO) == [texts.PROOF_ASK_NOTE.format(code="PA-0001")]
    assert bot.say("vol", "Đã dọn")[0] == texts.PROOF_SENT.format(code="PA-0001", what=texts.PROOF_SENT_WHAT[(True, True)])
    assert closing(bot, "PA-0001") == ("Đã dọn", PHOTO, None)
    bot.say("vol", "xong PA-0002")
    assert bot.say("vol", "gửi")[0] == texts.PROOF_SENT.format(code="PA-0002", what="")
    bot.wait_idle()
    assert bot.inbox("r3")[0] == texts.DONE_NOTICE.format(code="PA-0002") and media_urls(bot, "r3") == []
    assert closing(bot, "PA-0002") == (None, None, None)
    assert bot.say("r3", "1")[0] == texts.RATE_THANKS  # «Chưa tốt»
    assert closing(bot, "PA-0002")[2] == 1
    assert bot.say("vol", "xong PA-0002") == [texts.PROOF_ALREADY.format(code="PA-0002")]


def test_the_dashboard_shows_the_proof_a_close_without_proof_and_ratings_per_kind(bot):
    from tests.test_admin import add_staff, login, post
    add_staff(bot, "leader-1", "Nguyễn Văn Hòa", "leader")
    bot.add_staff("vol", "Chị Lan", "volunteer")
    report(bot, "r4")
    report(bot, "r5")
    bot.say("vol", f"xong PA-0001 {NOTE}")
    bot.say("vol", kind="image", url=PHOTO)
    bot.say("r4", "Tốt")
    leader = bot.app.test_client()
    login(leader, "leader-1")
    page = leader.get("/admin/requests/PA-0001").get_data(as_text=True)
    assert NOTE in page and PHOTO in page and "Chị Lan" in page and t.PROOF_NONE not in page
    assert t.PROOF_RATING.format(score=3, label="Tốt") in page
    post(leader, "/admin/requests/PA-0002/status", status="da_xong")  # nothing attached
    page = leader.get("/admin/requests/PA-0002").get_data(as_text=True)
    assert t.PROOF_NONE in page
    bot.wait_idle()
    assert bot.inbox("r5")[0] == texts.DONE_NOTICE.format(code="PA-0002")
    bot.say("r5", "tạm được")
    stats = leader.get("/admin/stats").get_data(as_text=True)
    ratings = stats[stats.index('id="stats-ratings"'):]
    assert "Phản ánh" in ratings and t.REPORT_RATING_CELL.format(n=2, average="2,5") in ratings


def test_a_photo_attached_on_the_dashboard_reaches_the_resident_by_its_zalo_upload(bot):
    from tests.test_admin import add_staff, login, token_of
    from tests.test_admin_browser import sample_photo
    add_staff(bot, "leader-1", "Nguyễn Văn Hòa", "leader")
    report(bot, "r6")
    leader = bot.app.test_client()
    login(leader, "leader-1")
    photo = sample_photo(40, 30)
    answer = leader.post("/admin/requests/PA-0001/status", content_type="multipart/form-data", data={
        "csrf_token": token_of(leader), "status": "da_xong", "proof_note": NOTE,
        "proof_photo": (__import__("io").BytesIO(photo), "sau.png")})
    assert answer.status_code == 302
    bot.wait_idle()
    bot.services.sender.sweep()
    (attachment_id,) = media_urls(bot, "r6")
    assert bot.standin.state.uploads[attachment_id]["bytes"] == photo
    assert NOTE in bot.inbox("r6")[0]
    page = leader.get("/admin/requests/PA-0001").get_data(as_text=True)
    assert re.search(r'id="proof-photo"', page) and NOTE in page


def test_a_leader_attaches_a_proof_photo_in_a_real_browser_and_the_resident_receives_it(bot, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from tests.conftest import chromium
    from tests.test_admin import add_staff
    from tests.test_admin_browser import log_in, sample_photo, waiter
    if "sqlite" not in str(bot.services.store.engine.url):
        pytest.skip("one backend is enough for the browser; the store parts run on both above")
    add_staff(bot, "leader-1", "Nguyễn Văn Hòa", "leader")
    report(bot, "r7")
    photo = tmp_path / "sau-khi-don.png"
    photo.write_bytes(sample_photo(120, 90))
    with chromium("--lang=vi") as browser:
        wait = waiter(browser)
        browser.get(bot.url + "/admin/login")
        log_in(browser, wait, "leader-1")
        browser.get(bot.url + "/admin/requests/PA-0001")
        Select(browser.find_element(By.ID, "status")).select_by_value("da_xong")
        browser.find_element(By.CSS_SELECTOR, "#proof-fields summary").click()
        browser.find_element(By.ID, "proof_photo").send_keys(str(photo))
        browser.find_element(By.ID, "proof_note").send_keys(NOTE)
        browser.find_element(By.ID, "status-button").click()
        wait.until(lambda d: d.find_elements(By.ID, "proof-photo"))
        assert browser.find_element(By.ID, "proof-note").text == NOTE
        assert browser.execute_script("return document.getElementById('proof-photo').naturalWidth") == 120
    bot.services.sender.sweep()
    bot.wait_idle()
    (attachment_id,) = media_urls(bot, "r7")
    assert bot.standin.state.uploads[attachment_id]["bytes"] == photo.read_bytes()
    assert NOTE in bot.inbox("r7")[0] and bot.inbox("r7")[-1].startswith(
        texts.REPORT_RATE_QUESTION.format(code="PA-0001"))


def test_upgrading_keeps_older_requests_and_adds_their_closings(database_url):
    from sqlalchemy import text

    from bot.store import Store, make_engine
    from config.settings import SANDBOX_DATA_KEY
    from tests.conftest import OA_ID, migrate_to

    def old_rows(connection):
        connection.execute(text(
            "INSERT INTO requests (oa_id, code, kind, user_id, answers, status, channel, created_at, updated_at, "
            "urgent) VALUES (:oa, 'PA-0001', 'phan_anh', 'r8', '{}', 'da_xong', 'to_chuyen', CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP, :no)"), {"oa": OA_ID, "no": False})

    engine = make_engine(database_url)
    migrate_to(engine, "0018", old_rows)
    migrate_to(engine, "head")
    store = Store(engine, OA_ID, SANDBOX_DATA_KEY)
    with store.unit() as uow:
        request = uow.requests.by_code("PA-0001")
        assert uow.requests.latest_closing(request.id) is None  # closed before proofs: shown as without proof
        uow.requests.add_closing(request.id, "leader", "Bác Hòa", request.updated_at, note=NOTE)
        uow.requests.rate_closing(request.id, 2, request.updated_at)
        uow.commit()
    with store.unit() as uow:
        assert uow.requests.latest_closing(uow.requests.by_code("PA-0001").id).note == NOTE
        raw = uow.session.execute(text("SELECT note FROM request_closings")).scalar()
        assert NOTE not in raw  # sealed
    store.dispose()


def report_long_ago(bot, user: str) -> None:
    """A phản ánh from a resident whose last message was 8 days ago: outside Zalo's 7-day window."""
    from datetime import timedelta
    with bot.services.store.unit() as uow:
        uow.members.record_interaction(user, bot.clock() - timedelta(days=8))
        uow.requests.create("PA", "phan_anh", user, {"description": "Rác ở đầu ngõ 5"}, "to_chuyen")
        uow.commit()


def test_outside_the_7_day_window_the_note_photo_and_question_wait_for_the_residents_next_message(bot):
    bot.add_staff("leader", "Bác Hòa", "leader")
    report_long_ago(bot, "r9")
    bot.say("leader", f"xong PA-0001 {NOTE}")
    assert bot.say("leader", kind="image", url=PHOTO) == [texts.PROOF_HELD.format(code="PA-0001")]
    bot.wait_idle()
    assert bot.inbox("r9") == []  # Zalo would refuse: nothing is sent now, and nothing is lost

    said = bot.say("r9", "xin chào")
    assert said[0].startswith(texts.PENDING_INTRO.format(n=1)) and "Đã xử lý xong" in said[0] and NOTE in said[0]
    assert said[1] == texts.DONE_PHOTO_CAPTION.format(code="PA-0001") and media_urls(bot, "r9") == [PHOTO]
    assert said[-1].startswith(texts.REPORT_RATE_QUESTION.format(code="PA-0001"))  # after the answer to «xin chào»
    assert bot.say("r9", "tạm được")[0] == texts.RATE_THANKS
    assert closing(bot, "PA-0001") == (NOTE, PHOTO, 2)
    assert not any("Đã xử lý xong" in m for m in bot.say("r9", "xin chào"))  # told once


def test_a_dashboard_photo_held_for_a_resident_is_uploaded_again_when_it_is_sent(bot):
    from tests.test_admin import add_staff, login, token_of
    from tests.test_admin_browser import sample_photo
    add_staff(bot, "leader-1", "Nguyễn Văn Hòa", "leader")
    report_long_ago(bot, "r10")
    leader = bot.app.test_client()
    login(leader, "leader-1")
    photo = sample_photo(40, 30)
    leader.post("/admin/requests/PA-0001/status", content_type="multipart/form-data", data={
        "csrf_token": token_of(leader), "status": "da_xong", "proof_note": NOTE,
        "proof_photo": (__import__("io").BytesIO(photo), "sau.png")})
    first = set(bot.standin.state.uploads)
    bot.say("r10", "xin chào")
    bot.wait_idle()
    (attachment_id,) = media_urls(bot, "r10")
    assert attachment_id not in first and bot.standin.state.uploads[attachment_id]["bytes"] == photo
