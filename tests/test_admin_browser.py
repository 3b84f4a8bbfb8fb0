"""The staff dashboard in a real headless Chromium (phone-sized) against the bot on a real port with its
worker and the Zalo stand-in: log in, filter, open a request, change its status, export, and the limits of
a volunteer. Saves screenshots of the main pages (to docs/screenshots/ with UPDATE_SCREENSHOTS=1): the list
on a wide screen and on a phone, a phản ánh with its photo and map link, the statistics."""
from __future__ import annotations

import csv
import io
import os
import struct
import tempfile
import time
import zlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests

from bot import texts
from bot.admin import texts as t
from bot.clock import local
from bot.store.models import utcnow
from tests.conftest import OA_SECRET, PHONE_SCREEN, make_settings, start_bot
from tests.test_admin import PASSWORD, add_handoff, add_request, add_staff

# The README's screenshots are refreshed with UPDATE_SCREENSHOTS=1; otherwise they go to a temporary folder.
SCREENSHOTS = (Path(__file__).resolve().parent.parent / "docs" / "screenshots"
               if os.environ.get("UPDATE_SCREENSHOTS") == "1" else Path(tempfile.gettempdir()) / "bot-screenshots")
PHONE = PHONE_SCREEN  # the `browser` fixture's screen (tests/conftest.py)
WIDE = {"width": 1100, "height": 800, "deviceScaleFactor": 1, "mobile": False}
ATTACK = "<script>alert(1)</script>"
PLACE = ("21.0285", "105.8542")  # where resident-b's phản ánh is
MAP = "https://www.openstreetmap.org/?mlat={0}&mlon={1}#map=18/{0}/{1}".format(*PLACE)


@pytest.fixture
def dashboard(sqlite_url, standin, tmp_path):
    """The bot in sandbox mode (so the banner shows, and serves the photo the sandbox page uploads), a leader,
    two volunteers and some requests."""
    running, stop = start_bot(make_settings(sqlite_url, standin.url).with_overrides(sandbox=True), standin)
    running.app.instance_path = str(tmp_path / "instance")  # uploads must not land in the project
    standin.state.webhook_url = running.url + "/zalo/webhook"
    standin.state.oa_secret_key = OA_SECRET
    add_staff(running, "leader-1", "Nguyễn Văn Hòa", "leader")
    add_staff(running, "vol-1", "Trần Thị Lan", "volunteer")
    add_staff(running, "vol-2", "Lê Văn Minh", "volunteer")
    running.say("resident-a", "xin chào")
    running.say("resident-a", ATTACK)
    photo = upload_photo(running, sample_photo(1200, 900))
    report_in_chat(running, "resident-b", photo)
    add_sample_requests(running)
    yield running
    stop()


def sample_photo(width: int, height: int) -> bytes:
    """A PNG that looks a little like a street photo (a sky and a road), made without an imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    def line(y: int) -> bytes:
        shade = y * 255 // height
        colour = (110 + shade // 3, 170 + shade // 4, 230) if y < height * 3 // 5 else (90 + shade // 4,) * 3
        return b"\x00" + bytes(colour) * width
    pixels = b"".join(line(y) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b""))


def upload_photo(bot, data: bytes) -> str:
    """Upload an image as the sandbox page does; the address a user_send_image event points at."""
    answer = requests.post(bot.url + "/sandbox/api/upload", files={"file": ("anh.png", data, "image/png")}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["url"]


def months_ago(count: int, day: int = 5) -> datetime:
    """A local time `count` months before this month (for a statistics page with some history)."""
    today = local(utcnow())
    month, year = today.month - count, today.year
    while month < 1:
        month, year = month + 12, year - 1
    return datetime(year, month, day, 9, 30)


def report_in_chat(bot, user: str, photo: str) -> None:
    """A resident reports rubbish through the real webhook, as on a phone: the phản ánh form with its
    location and photo, sent as PA-0001."""
    for said in ("phản ánh rác", "đồng ý", "không", "Môi trường", "Rác để đầu ngõ 5 ba ngày chưa thu gom"):
        bot.say(user, said)
    bot.say(user, kind="location", lat=PLACE[0], lng=PLACE[1])
    bot.say(user, kind="image", url=photo)
    bot.say(user, "có")  # keep their name from the ward
    assert "PA-0001" in bot.say(user, "gửi")[0]


def add_sample_requests(bot) -> None:
    add_request(bot, "khai_sinh", "resident-a", channel="nha_van_hoa", name="Phạm Thu Hà",
                answers={"child_full_name": "Nguyễn Minh An", "child_gender": "Nam",
                         "mother_full_name": "Phạm Thu Hà", "father_full_name": "Nguyễn Văn Bình"})
    with bot.services.store.unit() as uow:  # the report walked in chat: the resident's name, a volunteer on it
        uow.members.get_or_create("resident-b").display_name = "Đỗ Văn Nam"
        uow.names.add("resident-b", "Đỗ Văn Nam")
        uow.requests.by_code("PA-0001").assignee_id = "vol-2"
        uow.commit()
    samples = (("tam_tru", "online", 1), ("khai_sinh", "online", 2), ("vneid", "tai_nha", 3),
               ("phan_anh", "to_chuyen", 3), ("tam_tru", "nha_van_hoa", 5), ("khai_sinh", "tai_nha", 8))
    for number, (kind, channel, back) in enumerate(samples):
        add_request(bot, kind, f"resident-{number}", channel=channel, created_local=months_ago(back))
    for number, (back, claimed, rating) in enumerate(((1, 6, 3), (1, 25, 2), (2, 8, 3))):  # «gặp người»
        add_handoff(bot, f"resident-h{number}", months_ago(back, 10 + number), timedelta(minutes=claimed),
                    timedelta(minutes=claimed + 20), rating)


def full_page_screenshot(driver, name: str, screen: dict = PHONE) -> None:
    """The whole page as it shows on that screen (a phone unless told), then the phone again."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", screen)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**screen, "height": max(height, screen["height"])})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"admin-{name}.png"))
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)


def waiter(driver):
    """Wait up to 15 s; an element replaced by the next page just means «not yet». Chromium reports
    that either as a stale element or, when the page changes while the text is read, as an inspector
    error («Node with given id does not belong to the document»): both are ignored until the time
    is up."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, 15, ignored_exceptions=(StaleElementReferenceException, WebDriverException))


def log_in(driver, wait, account: str) -> None:
    from selenium.webdriver.common.by import By
    driver.find_element(By.ID, "account").send_keys(account)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-button").click()
    wait.until(lambda d: d.find_elements(By.ID, "who-name"))


def test_a_leader_works_a_request_in_a_real_browser(browser, dashboard, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    wait = waiter(browser)
    browser.get(dashboard.url + "/admin/")
    assert "/admin/login" in browser.current_url
    assert t.SANDBOX_BANNER in browser.find_element(By.ID, "sandbox-banner").text
    full_page_screenshot(browser, "login")
    log_in(browser, wait, "leader-1")
    rows = browser.find_elements(By.CSS_SELECTOR, "#request-list tbody tr")
    assert len(rows) == 11
    assert not browser.find_element(By.CSS_SELECTOR, "#request-list thead").is_displayed()  # cards on a phone
    full_page_screenshot(browser, "list-phone")
    full_page_screenshot(browser, "list", WIDE)  # the table

    Select(browser.find_element(By.ID, "f-kind")).select_by_value("khai_sinh")
    browser.find_element(By.ID, "filter-button").click()
    wait.until(lambda d: "kind=khai_sinh" in d.current_url)
    codes = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#request-list tbody th a")]
    assert codes == ["KS-0001", "KS-0002", "KS-0003"]

    downloads = tmp_path / "downloads"
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    browser.find_element(By.ID, "export-csv").click()  # a form with the session's token and the filter
    wait.until(lambda d: list(downloads.glob("yeu-cau-*.csv")))
    content = next(downloads.glob("yeu-cau-*.csv")).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    exported = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [row[0] for row in exported[1:]] == codes
    form = browser.find_element(By.ID, "export-form")
    fields = {field.get_attribute("name"): field.get_attribute("value")
              for field in form.find_elements(By.CSS_SELECTOR, "input[type=hidden]")}
    assert fields["kind"] == "khai_sinh"
    answer = requests.post(form.get_attribute("action"), data=fields, timeout=10, allow_redirects=False)
    assert answer.status_code == 302  # no cookie, no file

    browser.find_element(By.LINK_TEXT, "KS-0001").click()
    wait.until(lambda d: d.find_elements(By.ID, "transcript"))
    transcript = browser.find_element(By.ID, "transcript").text
    assert ATTACK in transcript  # shown as text, never run
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text
    assert "Nguyễn Minh An" in browser.find_element(By.ID, "answers").text

    Select(browser.find_element(By.ID, "status")).select_by_value("dang_xu_ly")
    browser.find_element(By.ID, "status-button").click()
    wait.until(lambda d: t.STATUS_TOLD in d.find_element(By.TAG_NAME, "main").text)
    assert browser.find_element(By.ID, "request-status").text == texts.STATUS_LABELS["dang_xu_ly"]
    Select(browser.find_element(By.ID, "assignee")).select_by_value("vol-1")
    browser.find_element(By.ID, "assign-button").click()
    wait.until(lambda d: d.find_element(By.ID, "request-assignee").text == "Trần Thị Lan")
    browser.find_element(By.ID, "note").send_keys("Đã gọi điện, hẹn bác sáng thứ Bảy mang giấy chứng sinh.")
    browser.find_element(By.ID, "note-button").click()
    wait.until(lambda d: "sáng thứ Bảy" in d.find_element(By.ID, "history").text)
    deadline = time.monotonic() + 10
    while not any(m["text"] and "KS-0001" in m["text"] for m in dashboard.standin.state.messages_for("resident-a")):
        assert time.monotonic() < deadline, "the resident was not told"
        time.sleep(0.1)
    browser.refresh()
    wait.until(lambda d: d.find_elements(By.ID, "transcript"))
    assert "KS-0001" in browser.find_element(By.ID, "transcript").text  # the notice is in the conversation

    browser.get(dashboard.url + "/admin/requests/PA-0001")  # a phản ánh: its photo and where it is
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")  # the photos too
    for place in ("answers", "transcript"):
        link = browser.find_element(By.CSS_SELECTOR, f"#{place} a.map-link")
        assert (link.text, link.get_attribute("href")) == (t.MAP_LINK_TEXT, MAP)
    photos = browser.find_elements(By.CSS_SELECTOR, "main img.photo")
    assert len(photos) == 2 and all(browser.execute_script("return arguments[0].naturalWidth", p) for p in photos)
    full_page_screenshot(browser, "request")

    browser.find_element(By.LINK_TEXT, t.NAV_STATS).click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "svg.chart"))
    assert t.STATS_TOTAL.format(n=11) in browser.find_element(By.ID, "stats-total").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#stats-handoffs tbody tr")) == 2  # two months of «gặp người»
    full_page_screenshot(browser, "stats")


def test_a_volunteer_cannot_open_someone_elses_request(browser, dashboard):
    from selenium.webdriver.common.by import By

    wait = waiter(browser)
    browser.get(dashboard.url + "/admin/login")
    log_in(browser, wait, "vol-1")
    codes = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#request-list tbody th a")]
    assert "PA-0001" not in codes and "KS-0001" in codes
    assert not browser.find_elements(By.LINK_TEXT, t.NAV_STATS)
    browser.get(dashboard.url + "/admin/requests/PA-0001")
    assert t.FORBIDDEN_TITLE in browser.find_element(By.TAG_NAME, "h1").text
    browser.get(dashboard.url + "/admin/requests/KS-0001")
    assert not browser.find_elements(By.ID, "assign-form")  # assignment is for leaders
    browser.find_element(By.ID, "logout").click()
    wait.until(lambda d: "/admin/login" in d.current_url)
    assert t.LOGGED_OUT in browser.find_element(By.TAG_NAME, "main").text


def test_a_leader_manages_a_group_in_a_real_browser(browser, dashboard):
    """Add registered members by phone number, see them masked, take one out, delete the group; the
    Zalo tag follows in the stand-in."""
    from selenium.webdriver.common.by import By

    with dashboard.services.store.unit() as uow:
        for user_id, name, phone in (("resident-a", "Phạm Thu Hà", "0912345678"),
                                     ("resident-b", "Đỗ Văn Nam", "0987654321")):
            uow.members.set_follower(user_id, True)
            uow.members.set_identity(user_id, name, phone)
        uow.commit()
    wait = waiter(browser)
    browser.get(dashboard.url + "/admin/login")
    log_in(browser, wait, "leader-1")
    browser.find_element(By.LINK_TEXT, t.NAV_GROUPS).click()
    wait.until(lambda d: d.find_elements(By.ID, "group-add"))
    browser.find_element(By.ID, "group-name").send_keys("Người cao tuổi")
    browser.find_element(By.ID, "group-people").send_keys("0912 345 678\n0987654321\n0900000000")
    browser.find_element(By.CSS_SELECTOR, "#group-add button").click()
    wait.until(lambda d: d.find_elements(By.ID, "members"))
    table = browser.find_element(By.ID, "members").text
    assert "Phạm Thu Hà" in table and "0912***678" in table and "0912345678" not in browser.page_source
    assert "0900000000" in browser.find_element(By.TAG_NAME, "main").text  # not found, said so
    full_page_screenshot(browser, "group")
    deadline = time.monotonic() + 10
    while dashboard.standin.state.tags.get("Người cao tuổi") != {"resident-a", "resident-b"}:
        assert time.monotonic() < deadline, "the Zalo tag was not set"
        time.sleep(0.1)

    browser.find_elements(By.CSS_SELECTOR, "#members button")[0].click()
    wait.until(lambda d: t.GROUP_REMOVED.format(name="Phạm Thu Hà") in d.find_element(By.TAG_NAME, "main").text)
    assert "Phạm Thu Hà" not in browser.find_element(By.ID, "members").text
    browser.find_element(By.ID, "group-delete-confirm").click()
    browser.find_element(By.CSS_SELECTOR, "#group-delete button").click()
    wait.until(lambda d: d.find_elements(By.ID, "no-groups"))
    with dashboard.services.store.unit() as uow:
        actions = [(e.action, e.target) for e in uow.audit.latest()]
    assert ("view_group", "Người cao tuổi") in actions
