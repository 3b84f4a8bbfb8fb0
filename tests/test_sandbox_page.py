"""The sandbox chat page: its JSON helpers through the Flask test client, and the whole page in a
real headless Chromium talking to the bot on a real port and the Zalo stand-in on loopback."""
from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

import pytest

from bot import create_app, texts
from bot.store import upgrade_schema
from bot.web.signature import verify
from tests.conftest import APP_ID, OA_ID, OA_SECRET, chromium, make_settings, start_bot

# The README's screenshot is refreshed with UPDATE_SCREENSHOTS=1; otherwise it goes to a temporary folder.
SCREENSHOT = (Path(__file__).resolve().parent.parent / "docs" / "screenshots"
              if os.environ.get("UPDATE_SCREENSHOTS") == "1" else Path(tempfile.gettempdir()) / "bot-screenshots") / "sandbox.png"
PNG_1PX = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
                        "0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082")


@pytest.fixture
def app(sqlite_url, standin, tmp_path):
    app = create_app(make_settings(sqlite_url, standin.url).with_overrides(sandbox=True))
    app.instance_path = str(tmp_path / "instance")  # uploads must not land in the project
    upgrade_schema(app.extensions["bot"].store.engine)
    yield app
    app.extensions["bot"].store.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def sign(client, **fields):
    return client.post("/sandbox/api/sign", json={"user_id": "resident-a", **fields})


@pytest.mark.parametrize("fields", [
    {"kind": "text", "text": "Xin chào, tôi là cư dân <b>A</b>"},
    {"kind": "image", "image_url": "http://127.0.0.1/sandbox/uploads/x.png"},
    {"kind": "location", "lat": 21.0285, "lng": 105.8542},
    {"kind": "sticker"}, {"kind": "follow"}, {"kind": "unfollow"},
])
def test_signed_body_verifies_and_the_webhook_accepts_it(client, fields):
    answer = sign(client, **fields)
    assert answer.status_code == 200, answer.get_json()
    raw, signature = answer.get_json()["body"].encode("utf-8"), answer.get_json()["signature"]
    event = json.loads(raw)
    assert event["app_id"] == APP_ID and OA_ID in json.dumps(event)
    assert verify(APP_ID, raw, str(event["timestamp"]), OA_SECRET, signature)
    headers = {"X-ZEvent-Signature": signature, "Content-Type": "application/json"}
    posted = client.post("/zalo/webhook", data=raw, headers=headers)
    assert posted.status_code == 200 and posted.get_json()["status"] == "ok"


def test_a_long_message_is_signed_whole(client):
    text = "Dài " * 2500  # 10,000 characters: a long message a person pastes
    answer = sign(client, kind="text", text=text)
    assert answer.status_code == 200 and json.loads(answer.get_json()["body"])["message"]["text"] == text


@pytest.mark.parametrize("body, reason", [
    ({"user_id": "resident-a", "kind": "voice"}, "kind"),
    ({"user_id": "resident-a", "kind": "text"}, "text"),
    ({"user_id": "resident-a", "kind": "text", "text": "   "}, "text"),
    ({"user_id": "resident-a", "kind": "text", "text": "x" * 10_001}, "10000"),
    ({"user_id": "resident-a", "kind": "image", "image_url": "javascript:alert(1)"}, "image_url"),
    ({"user_id": "resident-a", "kind": "location", "lat": 91, "lng": 0}, "lat"),
    ({"user_id": "resident-a", "kind": "location", "lat": "21", "lng": 105}, "lat"),
    ({"user_id": "resident a", "kind": "text", "text": "x"}, "user_id"),
    ({"user_id": "", "kind": "follow"}, "user_id"),
    ({"user_id": "x" * 65, "kind": "follow"}, "user_id"),
    ({"user_id": "<script>", "kind": "follow"}, "user_id"),
])
def test_bad_sign_requests_are_400_with_a_reason(client, body, reason):
    answer = client.post("/sandbox/api/sign", json=body)
    assert answer.status_code == 400 and reason in answer.get_json()["error"]


def test_upload_keeps_an_image_and_rejects_anything_else(client):
    def upload(data: bytes):
        return client.post("/sandbox/api/upload", data={"file": (io.BytesIO(data), "a.png")})

    bad = upload(b"#!/bin/sh\necho hi")
    assert bad.status_code == 400 and "JPG" in bad.get_json()["error"]
    huge = upload(PNG_1PX + b"0" * 1_000_000)
    assert huge.status_code == 400 and "1 MB" in huge.get_json()["error"]
    assert client.post("/sandbox/api/upload", data={}).status_code == 400
    good = upload(PNG_1PX)
    url = good.get_json()["url"]
    assert good.status_code == 200 and url.startswith("http://localhost/sandbox/uploads/")
    assert client.get(url.removeprefix("http://localhost")).data == PNG_1PX
    assert client.get("/sandbox/uploads/..%2Fsecret.png").status_code == 404


def test_messages_come_from_the_standin_with_buttons_and_images(client, standin):
    state = standin.state
    send = "/v3.0/oa/message/cs"
    state.record_message(send, {}, user_id="resident-a", text="Xin chào", buttons=["Một"])
    image = {"message": {"attachment": {"payload": {"template_type": "media", "elements": [
        {"media_type": "image", "url": "http://example.test/a.png"}]}}}}
    state.record_message(send, image, user_id="resident-a")
    state.record_message(send, {}, user_id="resident-b", text="Không phải A")
    first = client.get("/sandbox/api/messages?user_id=resident-a&after=0").get_json()["messages"]
    sent_at = [int(record["at"] * 1000) for record in state.messages_for("resident-a")]
    assert first == [{"id": 1, "at": sent_at[0], "text": "Xin chào", "buttons": [{"title": "Một", "payload": "Một"}]},
                     {"id": 2, "at": sent_at[1], "text": "", "buttons": [], "image_url": "http://example.test/a.png"}]
    assert client.get("/sandbox/api/messages?user_id=resident-a&after=2").get_json() == {"messages": []}
    assert client.get("/sandbox/api/messages?user_id=a b&after=0").status_code == 400
    assert client.get("/sandbox/api/messages?user_id=a&after=-1").status_code == 400


def test_page_has_banner_and_strict_content_security_policy(client):
    page = client.get("/sandbox")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert 'id="sandbox-banner"' in html and "CHẾ ĐỘ THỬ NGHIỆM (sandbox) — không kết nối Zalo thật" in html
    assert client.get("/sandbox/static/sandbox.js").status_code == 200


# --- the real browser ---------------------------------------------------------------------------

@pytest.fixture
def browser():
    with chromium("--window-size=1000,1000") as driver:
        yield driver


@pytest.fixture
def sandbox_bot(sqlite_url, standin):
    settings = make_settings(sqlite_url, standin.url).with_overrides(sandbox=True)
    running, stop = start_bot(settings, standin)
    standin.state.webhook_url = running.url + "/zalo/webhook"
    standin.state.oa_secret_key = OA_SECRET
    yield running
    stop()


def test_a_resident_chats_with_the_bot_in_a_real_browser(browser, sandbox_bot):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 15)
    browser.get(sandbox_bot.url + "/sandbox")
    banner = browser.find_element(By.ID, "sandbox-banner").text
    assert "CHẾ ĐỘ THỬ NGHIỆM (sandbox) — không kết nối Zalo thật" in banner
    assert browser.find_element(By.ID, "user-id").get_attribute("value") == "resident-a"

    def me_bubbles():
        return [b.text for b in browser.find_elements(By.CSS_SELECTOR, ".bubble.me")]

    browser.find_element(By.ID, "message-input").send_keys("xin chào")
    browser.find_element(By.ID, "send-button").click()
    def bot_bubbles():
        return [b.text for b in browser.find_elements(By.CSS_SELECTOR, ".bubble.bot")]

    wait.until(lambda d: any("Tổ dân phố điện tử" in text for text in bot_bubbles()))
    buttons = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".bot-button"))
    title = buttons[0].text
    assert title == sandbox_bot.services.runtime.catalog.menu[0].title
    buttons[0].click()
    wait.until(lambda d: len(me_bubbles()) == 2 and me_bubbles()[1].startswith(title))
    catalog = sandbox_bot.services.runtime.catalog
    first_procedure = catalog.procedures[catalog.menu[0].targets[0]]
    submenu = wait.until(lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, ".bot-button")
                                    if b.text == first_procedure.menu_title])
    submenu[-1].click()
    wait.until(lambda d: any(text.startswith(first_procedure.title) for text in bot_bubbles()))

    attack = "<script>alert(1)</script>"
    box = browser.find_element(By.ID, "message-input")
    box.send_keys(attack + "\n")  # Enter sends
    wait.until(lambda d: len(me_bubbles()) == 4)
    assert me_bubbles()[3].startswith(attack)
    assert box.get_attribute("value") == ""
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text
    wait.until(lambda d: bot_bubbles()[-1].startswith(texts.CONSENT))  # asked again, politely


def shown(browser) -> list[tuple[str, str]]:
    """Return what the open thread shows, top to bottom: ("me" or "bot", the bubble's text)."""
    return [tuple(pair) for pair in browser.execute_script(
        "return [...document.querySelectorAll('.thread:not([hidden]) .bubble')].map((b) => ["
        "  b.classList.contains('me') ? 'me' : 'bot', (b.querySelector('.text') || {}).textContent || '']);")]


def say(browser, text: str) -> None:
    from selenium.webdriver.common.by import By

    browser.find_element(By.ID, "message-input").send_keys(text)
    browser.find_element(By.ID, "send-button").click()


def pick(browser, label: str) -> None:
    """Become a preset user, opening the identity panel first when it is folded."""
    from selenium.webdriver.common.by import By

    for toggle in browser.find_elements(By.ID, "who-toggle"):
        if toggle.get_attribute("aria-expanded") == "false":
            toggle.click()
    next(b for b in browser.find_elements(By.CSS_SELECTOR, ".preset") if b.text == label).click()


def test_a_thread_opened_later_shows_what_that_user_already_received(browser, sandbox_bot):
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 15)
    sandbox_bot.add_staff("leader-1", "Tổ trưởng", "leader")
    sandbox_bot.clock.set_local(2026, 12, 3, 9)  # office hours: the leader is told at once
    browser.get(sandbox_bot.url + "/sandbox")
    say(browser, "gặp người")
    wait.until(lambda d: any("HT-0001" in text for who, text in shown(d)))
    wait.until(lambda d: sandbox_bot.inbox("leader-1"))
    notice = sandbox_bot.inbox("leader-1")[0]
    assert notice.startswith("Cần hỗ trợ: HT-0001") and "nhận HT-0001" in notice

    pick(browser, "Tổ trưởng")  # the first time this page shows leader-1
    wait.until(lambda d: shown(d) == [("bot", notice)])
    say(browser, "nhận HT-0001")  # and it keeps polling, without drawing the notice twice
    claimed = texts.HANDOFF_CLAIMED_STAFF.format(code="HT-0001", name="")[:25]
    wait.until(lambda d: len(shown(d)) == 3 and shown(d)[2][1].startswith(claimed))
    assert shown(browser)[:2] == [("bot", notice), ("me", "nhận HT-0001")]

    browser.refresh()  # a new page: the resident's thread comes back whole, in order
    wait.until(lambda d: len(shown(d)) == 1 + len(sandbox_bot.inbox("resident-a")) >= 3)
    assert shown(browser) == [("me", "gặp người")] + [("bot", text) for text in sandbox_bot.inbox("resident-a")]
    pick(browser, "Tổ trưởng")
    wait.until(lambda d: [who for who, _ in shown(d)] == ["bot", "me", "bot"])


@pytest.fixture
def phone():
    """A 412×915 phone screen (the viewport of a common Android phone)."""
    with chromium("--window-size=412,915") as driver:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 412, "height": 915, "deviceScaleFactor": 1, "mobile": True})
        yield driver


VISIBLE_IN_VIEWPORT = """
const box = arguments[0].getBoundingClientRect();
const x = box.left + box.width / 2, y = box.top + box.height / 2;
return box.width > 0 && box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth
  && arguments[0].contains(document.elementFromPoint(x, y));
"""


def test_on_a_phone_the_chat_gets_the_room_and_every_preset_is_reachable(phone, sandbox_bot):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(phone, 15)
    phone.get(sandbox_bot.url + "/sandbox")
    assert phone.execute_script("return [innerWidth, innerHeight]") == [412, 915]
    toggle = phone.find_element(By.ID, "who-toggle")
    assert toggle.text.startswith("Đang là: Cư dân A") and toggle.get_attribute("aria-expanded") == "false"
    assert phone.find_element(By.ID, "chat").rect["height"] >= 915 / 2

    toggle.click()
    presets = phone.find_elements(By.CSS_SELECTOR, ".preset")
    assert [p.text for p in presets] == ["Cư dân A", "Cư dân B", "Tổ trưởng", "Tình nguyện viên"]
    for preset in presets:
        assert phone.execute_script(VISIBLE_IN_VIEWPORT, preset), preset.text
    assert phone.execute_script(VISIBLE_IN_VIEWPORT, phone.find_element(By.ID, "user-id"))
    presets[3].click()
    wait.until(lambda d: not presets[3].is_displayed())  # picking one folds the panel again
    assert toggle.text.startswith("Đang là: Tình nguyện viên")
    assert phone.find_element(By.ID, "user-id").get_attribute("value") == "volunteer-1"

    pick(phone, "Cư dân A")
    say(phone, "xin chào")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".thread:not([hidden]) .bot-button"))
    assert phone.find_element(By.ID, "chat").rect["height"] >= 915 / 2
    phone.execute_script("const me = document.querySelectorAll('.thread:not([hidden]) .bubble.me');"
                         "me[me.length - 1].scrollIntoView();")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    phone.save_screenshot(str(SCREENSHOT))


def test_a_long_pasted_message_reaches_the_webhook_whole(browser, sandbox_bot):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    from sqlalchemy import select

    from bot.store.models import Event

    wait = WebDriverWait(browser, 15)
    browser.get(sandbox_bot.url + "/sandbox")
    text = ("Tôi muốn hỏi về thủ tục đăng ký tạm trú cho con. " * 60)[:2500]
    box = browser.find_element(By.ID, "message-input")
    assert int(box.get_attribute("maxlength") or 10_000) >= 10_000  # the box itself cuts nothing
    browser.execute_script("arguments[0].value = arguments[1]", box, text)  # pasted, not typed key by key
    browser.find_element(By.ID, "send-button").click()
    wait.until(lambda d: shown(d) and shown(d)[0] == ("me", text))

    def stored_texts():
        with sandbox_bot.services.store.unit() as uow:
            events = uow.session.scalars(select(Event).where(Event.event_name == "user_send_text")).all()
            return [json.loads(event.raw)["message"]["text"] for event in events]

    wait.until(lambda d: stored_texts() == [text])

    browser.execute_script("arguments[0].value = arguments[1]", box, "x" * 10_001)  # as a paste would
    browser.find_element(By.ID, "send-button").click()
    error = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".thread:not([hidden]) .note.error"))
    assert "10.000" in error[0].text and "10.001" in error[0].text
    assert box.get_attribute("value") == "x" * 10_001  # kept, to shorten
    assert [text for who, text in shown(browser) if who == "me"] == [text] and stored_texts() == [text]


def test_a_button_with_a_shorter_title_sends_its_whole_option(browser, sandbox_bot):
    """As Zalo's oa.query.show: the button shows its title; a tap sends its payload as the user's text."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from bot.zalo.messages import buttons_body

    option, titles = "Khai sinh, thường trú, BHYT, căn cước", ["Chỉ khai sinh", "Cả 4 việc, có căn cước"]
    body = buttons_body("resident-a", "Nhà mình muốn làm những việc gì cho bé ạ?", ["Chỉ khai sinh", option], titles)
    sandbox_bot.standin.state.record_message("/v3.0/oa/message/cs", body, user_id="resident-a",
                                             text=body["message"]["text"], buttons=titles)
    wait = WebDriverWait(browser, 15)
    browser.get(sandbox_bot.url + "/sandbox")
    button = wait.until(lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, ".bot-button")
                                   if b.text == "Cả 4 việc, có căn cước"])
    button[0].click()
    wait.until(lambda d: any(b.text.startswith(option) for b in d.find_elements(By.CSS_SELECTOR, ".bubble.me")))
    assert sandbox_bot.standin.state.wait_for_messages("resident-a", 2, timeout=10)  # the bot answered it
    with sandbox_bot.services.store.unit() as uow:
        assert option in uow.events.recent_texts("resident-a")


def test_a_hidden_button_sends_its_payload_without_showing_it_as_the_resident_s_words(browser, sandbox_bot):
    """As Zalo's oa.query.hide (a sign-up's «Đăng ký»): the tap reaches the bot, the chat shows no «#dangky»."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from bot.zalo.messages import buttons_body

    body = buttons_body("resident-a", "Bác có tham gia không?", ["Đăng ký", "Không tham gia"],
                        payloads=["#dangky 41", "#khongthamgia 41"])
    sandbox_bot.standin.state.record_message("/v3.0/oa/message/cs", body, user_id="resident-a",
                                             text=body["message"]["text"], buttons=["Đăng ký", "Không tham gia"])
    wait = WebDriverWait(browser, 15)
    browser.get(sandbox_bot.url + "/sandbox")
    wait.until(lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, ".bot-button") if b.text == "Đăng ký"])[0].click()
    assert sandbox_bot.standin.state.wait_for_messages("resident-a", 2, timeout=10)  # the bot answered the tap
    with sandbox_bot.services.store.unit() as uow:
        assert "#dangky 41" in uow.events.recent_texts("resident-a")
    assert not any("#dangky" in b.text for b in browser.find_elements(By.CSS_SELECTOR, ".bubble.me"))
