"""The notice board in a real headless Chromium against the bot on a real port with its worker and the Zalo
stand-in: compose with the live character count, preview, schedule and cancel; send now with a photo and
watch the numbers change as the stand-in delivers; a sign-up's list. Screenshots admin-notices.png and
admin-signups.png (to docs/screenshots/ with UPDATE_SCREENSHOTS=1)."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from bot import texts
from bot.admin import texts as t
from bot.services.notice_form import max_text
from tests.conftest import OA_SECRET, make_settings, start_bot
from tests.test_admin import add_staff
from tests.test_admin_browser import WIDE, full_page_screenshot, log_in, sample_photo, waiter
from tests.test_admin_notices import EVENT, NOTICE, add_members, in_group

LEADER = "leader-1"
RESIDENTS = ("Phạm Thu Hà", "Đỗ Văn Nam", "Lê Thị Mai", "Vũ Đức Thắng", "Hoàng Thị Lan", "Bùi Văn Hùng",
             "Ngô Thị Hạnh", "Trịnh Quang Huy")


@pytest.fixture
def ward(sqlite_url, standin):
    """The bot with a leader, five members (three wrote this week, two ten days ago) and a group."""
    running, stop = start_bot(make_settings(sqlite_url, standin.url), standin)
    standin.state.webhook_url = running.url + "/zalo/webhook"
    standin.state.oa_secret_key = OA_SECRET
    running.clock.set_local(2026, 12, 3, 9)
    add_staff(running, LEADER, "Nguyễn Văn Hòa", "leader")
    running.members = add_members(running, inside=3, outside=2)
    in_group(running, "Khu A", running.members["in"][:2])
    yield running
    stop()


def by_id(driver, element_id: str):
    from selenium.webdriver.common.by import By
    return driver.find_element(By.ID, element_id)


def set_value(driver, element_id: str, value: str) -> None:
    """A datetime-local field, filled as its picker would (typing into one depends on the browser's locale)."""
    driver.execute_script("arguments[0].value = arguments[1]", by_id(driver, element_id), value)


def open_compose(driver, wait, ward) -> None:
    from selenium.webdriver.common.by import By
    driver.get(ward.url + "/admin/login")
    log_in(driver, wait, LEADER)
    driver.find_element(By.LINK_TEXT, t.NAV_NOTICES).click()
    wait.until(lambda d: d.find_elements(By.ID, "notice-new"))
    by_id(driver, "notice-new").click()
    wait.until(lambda d: d.find_elements(By.ID, "compose"))


def reload_until(driver, condition, wait) -> None:
    """Reload the page until the condition holds on it (the announcer works in the background)."""
    wait.until(lambda d: d.refresh() or condition(d))


def send_in_background(ward) -> threading.Thread:
    """The worker's announcer takes what is due, as its scheduler would on its next round."""
    thread = threading.Thread(target=ward.services.announcer.run_due, daemon=True)
    thread.start()
    return thread


def test_compose_with_the_live_count_preview_schedule_and_cancel(browser, ward):
    from selenium.webdriver.common.by import By

    wait = waiter(browser)
    open_compose(browser, wait, ward)
    count = by_id(browser, "notice-count")
    normal, urgent = max_text(False), max_text(True)
    assert count.text == t.COMPOSE_COUNT.format(n=0, limit=normal)
    by_id(browser, "notice-text").send_keys("Họp tổ")
    assert count.text == t.COMPOSE_COUNT.format(n=6, limit=normal)
    by_id(browser, "notice-urgent").click()
    assert count.text == t.COMPOSE_COUNT.format(n=6, limit=urgent)  # the urgent header leaves less room
    by_id(browser, "notice-urgent").click()
    browser.execute_script("arguments[0].value = arguments[1]", by_id(browser, "notice-text"), "x" * normal)
    by_id(browser, "notice-text").send_keys("y")
    assert count.text == t.COMPOSE_COUNT.format(n=normal + 1, limit=normal) and "over" in count.get_attribute("class")
    by_id(browser, "notice-text").clear()
    by_id(browser, "notice-text").send_keys(NOTICE)
    assert count.text == t.COMPOSE_COUNT.format(n=len(NOTICE), limit=normal)

    assert not by_id(browser, "notice-signup-title").is_displayed()  # the sign-up's fields, once ticked
    by_id(browser, "notice-signup-on").click()
    by_id(browser, "notice-signup-title").send_keys(EVENT)
    set_value(browser, "notice-event-at", "2026-12-06T08:00")
    by_id(browser, "notice-limit").send_keys("40")
    set_value(browser, "notice-send-at", "2026-12-04T07:30")
    browser.find_element(By.CSS_SELECTOR, "#notice-groups input[value='Khu A']").click()
    by_id(browser, "compose-button").click()

    wait.until(lambda d: d.find_elements(By.ID, "preview-send"))
    shown = by_id(browser, "notice-messages").text
    assert f"{texts.ANNOUNCE_HEADER}\n{NOTICE}" in shown and f"Bác có tham gia «{EVENT}»" in shown
    assert [b.text for b in browser.find_elements(By.CSS_SELECTOR, ".notice-button")] == list(texts.SIGNUP_OPTIONS)
    assert t.PREVIEW_REACH.format(reach="2 thành viên trong nhóm Khu A") in by_id(browser, "preview-reach").text
    assert by_id(browser, "preview-send-at").get_attribute("value") == "2026-12-04T07:30"
    by_id(browser, "preview-schedule-button").click()

    wait.until(lambda d: d.find_elements(By.ID, "notice-status"))
    assert t.NOTICE_SCHEDULED.format(id=1, when="07:30 ngày 04/12/2026") in browser.find_element(By.TAG_NAME, "main").text
    assert by_id(browser, "notice-status").text == texts.ANNOUNCE_STATUS["scheduled"]
    by_id(browser, "notice-cancel-button").click()
    wait.until(lambda d: by_id(d, "notice-status").text == texts.ANNOUNCE_STATUS["cancelled"])
    assert not browser.find_elements(By.ID, "notice-cancel")
    with ward.services.store.unit() as uow:
        assert uow.announcements.get(1).status == "cancelled"
        assert [e.action for e in reversed(uow.audit.latest())] == ["create_notice", "schedule_notice", "cancel_notice"]


def test_send_now_with_a_photo_and_watch_the_numbers_change(browser, ward, tmp_path):
    from selenium.webdriver.common.by import By

    photo = sample_photo(480, 320)
    (tmp_path / "hop.png").write_bytes(photo)
    wait = waiter(browser)
    open_compose(browser, wait, ward)
    by_id(browser, "notice-text").send_keys(NOTICE)
    by_id(browser, "notice-photo-file").send_keys(str(tmp_path / "hop.png"))
    by_id(browser, "compose-button").click()
    wait.until(lambda d: d.find_elements(By.ID, "preview-send"))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
    assert browser.execute_script("return arguments[0].naturalWidth", by_id(browser, "notice-photo")) == 480
    ((upload_id, upload),) = ward.standin.state.uploads.items()  # it went up to Zalo with the form
    assert upload["bytes"] == photo

    by_id(browser, "preview-send-button").click()
    wait.until(lambda d: d.find_elements(By.ID, "notice-status"))
    assert t.NOTICE_SENDING.format(id=1) in browser.find_element(By.TAG_NAME, "main").text
    sender = send_in_background(ward)
    reload_until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#notice-numbers .n-sent[data-count='3']"), wait)
    reload_until(browser, lambda d: by_id(d, "notice-status").text == texts.ANNOUNCE_STATUS["done"], wait)
    numbers = by_id(browser, "notice-numbers").text
    assert "Đã nhận: 3" in numbers and "Chờ 7 ngày: 2" in numbers
    people = by_id(browser, "people").text
    assert "Nguyễn Văn M3" in people and "0912***603" in people and "Nguyễn Văn M0" not in people
    sender.join(30)
    browser.get(browser.find_element(By.LINK_TEXT, t.PHOTO_OPEN).get_attribute("href"))  # «Mở ảnh», as a new tab does
    assert browser.execute_script("return document.images[0].naturalWidth") == 480
    browser.back()

    for user in ward.members["in"]:
        sent = ward.standin.state.messages_for(user)
        assert any(NOTICE in (m["text"] or "") for m in sent)
        images = [m["payload"]["message"]["attachment"]["payload"]["elements"][0] for m in sent
                  if "attachment" in m["payload"]["message"]]
        assert images == [{"media_type": "image", "attachment_id": upload_id}]
    browser.find_element(By.LINK_TEXT, t.NOTICE_BACK).click()
    wait.until(lambda d: d.find_elements(By.ID, "notices"))
    assert "Đã nhận: 3" in browser.find_element(By.ID, "notice-1").text


def test_a_signup_list_and_the_board(browser, ward):
    """Screenshots: the board with a sent sign-up, a scheduled notice from the command line and a draft;
    the sign-up's list (answers inserted as the chat's handler writes them)."""
    from selenium.webdriver.common.by import By

    now = ward.clock()
    more = add_members(ward, inside=3, outside=0, prefix="k", phones="09875432")
    with ward.services.store.unit() as uow:
        signup = uow.announcements.add("Tổ mời bà con đưa chó mèo đi tiêm phòng dại miễn phí tại nhà văn hóa.",
                                       LEADER, status="scheduled", send_at=now)
        signup.signup_title, signup.event_at, signup.signup_limit = EVENT, now + timedelta(days=3), 4
        uow.commit()
    assert ward.services.announcer.run_due() == 1 and ward.services.worker.wait_idle(20)
    with ward.services.store.unit() as uow:
        answers = ((ward.members["in"][0], 2, "going"), (more["in"][0], 1, "going"), (ward.members["in"][1], 1, "going"),
                   (more["in"][1], 2, "waiting"), (more["in"][2], 1, "declined"))
        for minutes, (user, people, status) in enumerate(answers):
            uow.signups.add(signup.id, user, people, status, now + timedelta(minutes=minutes * 7))
        uow.announcements.add("Sáng Chủ nhật tổng vệ sinh ngõ 5, mỗi hộ cử một người.", "cli", status="scheduled",
                              send_at=now + timedelta(days=1), groups=["Khu A"])
        uow.announcements.add("Nhắc bà con đóng quỹ khuyến học trước ngày 15.", LEADER).created_at = now
        everyone = ward.members["in"] + ward.members["out"] + more["in"]
        for user, name in zip(everyone, RESIDENTS):  # names as residents register them, for the screenshots
            member = uow.members.get(user)
            uow.members.set_identity(user, name, member.phone)
        uow.commit()

    wait = waiter(browser)
    browser.get(ward.url + "/admin/login")
    log_in(browser, wait, LEADER)
    browser.get(f"{ward.url}/admin/notices/{signup.id}")
    wait.until(lambda d: d.find_elements(By.ID, "signups"))
    table = by_id(browser, "signups").text
    assert "Danh sách chờ (thứ 1)" in table and "Phạm Thu Hà" in table and "0912***600" in table
    assert t.NOTICE_SIGNUP_NUMBERS.format(going=3, people=4, waiting=1, left=0) in by_id(browser, "signup-numbers").text
    full_page_screenshot(browser, "signups", WIDE)

    browser.find_element(By.LINK_TEXT, t.NAV_NOTICES).click()
    wait.until(lambda d: d.find_elements(By.ID, "notices"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#notices tbody tr")) == 3
    full_page_screenshot(browser, "notices", WIDE)
