"""End-to-end tests of the Zalo stand-in over a real loopback server."""
from __future__ import annotations

import hashlib
import json
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from bot.sandbox.events import follow_event, sign_body, user_text_event
from bot.sandbox.standin import StandInServer, StandInState, serve_standin

APP_ID, APP_SECRET, OA_SECRET = "sandbox-app", "sandbox-app-secret", "sandbox-oa-secret"
CS, GROUP = "/v3.0/oa/message/cs", "/v3.0/oa/group/message"


class WebhookRecorder:
    """A tiny loopback webhook that records every POST it receives."""

    def __init__(self) -> None:
        self.posts: list[tuple[dict[str, str], bytes]] = []
        self._arrived = threading.Condition()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.port}/zalo/webhook"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    @Request.application
    def _app(self, request: Request) -> Response:
        """Record the raw body and headers; answer 200."""
        with self._arrived:
            self.posts.append((dict(request.headers), request.get_data()))
            self._arrived.notify_all()
        return Response("ok")

    def wait(self, n: int, timeout: float = 5.0) -> list[tuple[dict[str, str], bytes]]:
        """Block until n posts arrived; return them."""
        with self._arrived:
            assert self._arrived.wait_for(lambda: len(self.posts) >= n, timeout), self.posts
            return list(self.posts)

    def close(self) -> None:
        """Stop the server."""
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def standin() -> Iterator[StandInServer]:
    """A stand-in on a free loopback port."""
    server = serve_standin(StandInState(app_id=APP_ID, app_secret=APP_SECRET,
                                        access_token="sb-access-1", refresh_token="sb-refresh-1",
                                        oa_id="sandbox-oa"), port=0)
    yield server
    server.shutdown()


@pytest.fixture
def http() -> Iterator[requests.Session]:
    """A session that never goes through an environment proxy."""
    session = requests.Session()
    session.trust_env = False
    yield session
    session.close()


@pytest.fixture
def webhook() -> Iterator[WebhookRecorder]:
    """A recording webhook server."""
    recorder = WebhookRecorder()
    yield recorder
    recorder.close()


def call(http: requests.Session, server: StandInServer, path: str, body: dict | None = None,
         token: str | None = None, **kwargs: Any) -> requests.Response:
    """POST JSON (or GET with data=... when body is None and params given) with a token."""
    headers = {"access_token": token or server.state.access_token}
    if body is None:
        return http.get(server.url + path, headers=headers, timeout=5, **kwargs)
    return http.post(server.url + path, json=body, headers=headers, timeout=5, **kwargs)


def eventually(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll predicate until it holds or timeout passes; return its last value."""
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.01)
    return predicate()


def text_to(user_id: str, text: str) -> dict:
    """Return a cs body sending text to a user."""
    return {"recipient": {"user_id": user_id}, "message": {"text": text}}


def refresh(http: requests.Session, server: StandInServer, refresh_token: str,
            secret: str = APP_SECRET, app_id: str = APP_ID) -> dict:
    """Call the OAuth refresh endpoint and return its JSON."""
    form = {"refresh_token": refresh_token, "app_id": app_id, "grant_type": "refresh_token"}
    response = http.post(server.url + "/v4/oa/access_token", data=form,
                         headers={"secret_key": secret}, timeout=5)
    assert response.status_code == 200
    return response.json()


def test_send_text_success_shape(standin, http):
    response = call(http, standin, CS, text_to("u1", "Xin chào bà con"))
    assert response.status_code == 200
    body = response.json()
    assert body["error"] == 0 and body["message"] == "Success"
    data = body["data"]
    assert len(data["message_id"]) == 20 and int(data["message_id"], 16) >= 0
    assert data["user_id"] == "u1"
    assert isinstance(data["sent_time"], str)
    assert abs(int(data["sent_time"]) - time.time() * 1000) < 5000
    [record] = standin.state.messages_for("u1")
    assert record["message_id"] == data["message_id"] and record["text"] == "Xin chào bà con"
    assert record["endpoint"] == CS and record["group_id"] is None and record["buttons"] == []
    assert ("POST", CS) in standin.state.calls


def test_message_ids_are_unique(standin, http):
    ids = {call(http, standin, CS, text_to("u1", f"m{i}")).json()["data"]["message_id"]
           for i in range(20)}
    assert len(ids) == 20


@pytest.mark.parametrize("headers", [
    {"access_token": "wrong"}, {}, {"Authorization": "Bearer sb-access-1"}])
def test_wrong_or_missing_token_gets_216(standin, http, headers):
    response = http.post(standin.url + CS, json=text_to("u1", "hi"), headers=headers, timeout=5)
    assert response.status_code == 200
    assert response.json() == {"error": -216, "message": "Access token is invalid"}
    assert standin.state.messages == []


def test_refresh_rotates_and_old_refresh_token_is_single_use(standin, http):
    body = refresh(http, standin, "sb-refresh-1")
    assert set(body) == {"access_token", "refresh_token", "expires_in"}
    assert body["expires_in"] == "90000"
    assert body["access_token"] != "sb-access-1" and body["refresh_token"] != "sb-refresh-1"
    assert standin.state.refresh_count == 1
    again = refresh(http, standin, "sb-refresh-1")
    assert again["error"] == -14014 and again["error_name"] == "Invalid refresh token"
    assert "access_token" not in again
    assert call(http, standin, CS, text_to("u1", "x"), token="sb-access-1").json()["error"] == -216
    fresh = call(http, standin, CS, text_to("u1", "x"), token=body["access_token"])
    assert fresh.json()["error"] == 0
    assert refresh(http, standin, body["refresh_token"])["refresh_token"]
    assert standin.state.refresh_count == 2


@pytest.mark.parametrize("secret,app_id", [("bad-secret", APP_ID), (APP_SECRET, "other-app")])
def test_refresh_with_wrong_secret_or_app_gets_14002(standin, http, secret, app_id):
    body = refresh(http, standin, "sb-refresh-1", secret=secret, app_id=app_id)
    assert body["error"] == -14002 and body["error_name"] == "Invalid appId"
    assert "access_token" not in body and standin.state.refresh_count == 0


def test_expired_token_gets_220_until_refresh(standin, http):
    standin.state.expire_access_token()
    expired = call(http, standin, CS, text_to("u1", "x")).json()
    assert expired == {"error": -220, "message": "access_token is expired or removed"}
    new = refresh(http, standin, "sb-refresh-1")
    after = call(http, standin, CS, text_to("u1", "x"), token=new["access_token"])
    assert after.json()["error"] == 0


def test_injected_http500_is_consumed_once(standin, http):
    standin.state.inject("/message/cs", "http500")
    first = call(http, standin, CS, text_to("u1", "a"))
    assert first.status_code == 500 and first.headers["Content-Type"].startswith("text/plain")
    assert call(http, standin, CS, text_to("u1", "b")).json()["error"] == 0
    assert [m["text"] for m in standin.state.messages] == ["b"]


def test_injected_http502_with_count(standin, http):
    standin.state.inject("/message/cs", "http502", count=2)
    codes = [call(http, standin, CS, text_to("u1", "a")).status_code for _ in range(3)]
    assert codes == [502, 502, 200]


def test_injected_zalo_error_only_hits_its_user_once(standin, http):
    standin.state.inject("/message/cs", "zalo_error", code=-32, user_id="u2")
    assert call(http, standin, CS, text_to("u1", "a")).json()["error"] == 0
    assert call(http, standin, CS, text_to("u2", "b")).json() == {
        "error": -32, "message": "Your OA reached limit call api"}
    assert call(http, standin, CS, text_to("u2", "c")).json()["error"] == 0


def test_injected_fault_on_oauth(standin, http):
    standin.state.inject("/oa/access_token", "http500")
    form = {"refresh_token": "sb-refresh-1", "app_id": APP_ID, "grant_type": "refresh_token"}
    response = http.post(standin.url + "/v4/oa/access_token", data=form,
                         headers={"secret_key": APP_SECRET}, timeout=5)
    assert response.status_code == 500 and standin.state.refresh_count == 0
    assert "access_token" in refresh(http, standin, "sb-refresh-1")


def test_injected_timeout_delays_once_and_the_send_still_happens(standin, http):
    standin.state.timeout_seconds = 0.3
    standin.state.inject("/message/cs", "timeout")
    with pytest.raises(requests.exceptions.ReadTimeout):
        http.post(standin.url + CS, json=text_to("u1", "slow"),
                  headers={"access_token": "sb-access-1"}, timeout=0.1)
    standin.state.wait_for_messages("u1", 1, timeout=2)  # Zalo may deliver what timed out
    assert standin.state.faults.pending() == 0
    standin.state.timeout_seconds = 5.0  # a second delay would now be unmistakable
    started = time.monotonic()
    assert call(http, standin, CS, text_to("u1", "fast")).json()["error"] == 0
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("code", [-230, -213, -227, -232, -244])
def test_unreachable_user_gets_its_code(standin, http, code):
    standin.state.unreachable["u9"] = code
    body = call(http, standin, CS, text_to("u9", "hello")).json()
    assert body["error"] == code and body["message"]
    assert "data" not in body and standin.state.messages == []
    assert call(http, standin, CS, text_to("u1", "hello")).json()["error"] == 0


def test_unreachable_230_message(standin, http):
    standin.state.unreachable["u9"] = -230
    assert call(http, standin, CS, text_to("u9", "x")).json() == {
        "error": -230, "message": "User has not interacted with the OA in the past 7 days"}


def test_text_limit_is_2000_nfc_characters(standin, http):
    assert call(http, standin, CS, text_to("u1", "a" * 2001)).json() == {
        "error": -210, "message": "Parameter exceeds allowable limit"}
    assert call(http, standin, CS, text_to("u1", "a" * 2000)).json()["error"] == 0
    decomposed = unicodedata.normalize("NFD", "ộ" * 2000)  # 6000 code points, 2000 in NFC
    assert len(decomposed) > 2000
    assert call(http, standin, CS, text_to("u1", decomposed)).json()["error"] == 0


@pytest.mark.parametrize("body,field", [
    ({"recipient": {}, "message": {"text": "x"}}, "user_id"),
    ({"message": {"text": "x"}}, "user_id"),
    ({"recipient": {"user_id": "u1"}}, "message"),
    ({"recipient": {"user_id": "u1"}, "message": {"text": ""}}, "message"),
])
def test_invalid_cs_bodies_get_201(standin, http, body, field):
    expected = {"error": -201, "message": f"{field} is invalid!"}
    assert call(http, standin, CS, body).json() == expected


def list_message(user_id: str, n_buttons: int = 2) -> dict:
    """Return a text-with-buttons (list template) cs body."""
    buttons = [{"title": f"Chọn {i}", "type": "oa.query.show", "payload": f"#{i}"}
               for i in range(1, n_buttons + 1)]
    attachment = {"type": "template", "payload": {"template_type": "list", "buttons": buttons}}
    return {"recipient": {"user_id": user_id},
            "message": {"text": "Bạn cần gì?", "attachment": attachment}}


def test_list_template_gets_233_when_buttons_unsupported(standin, http):
    standin.state.buttons_supported = False
    assert call(http, standin, CS, list_message("u1")).json() == {
        "error": -233, "message": "message type is invalid or not support"}
    assert standin.state.messages == []


def test_list_template_records_button_titles(standin, http):
    assert call(http, standin, CS, list_message("u1")).json()["error"] == 0
    assert standin.state.messages_for("u1")[0]["buttons"] == ["Chọn 1", "Chọn 2"]
    assert call(http, standin, CS, list_message("u1", n_buttons=6)).json()["error"] == -201


def test_media_and_request_user_info_templates(standin, http):
    image = {"type": "template", "payload": {"template_type": "media", "elements": [
        {"media_type": "image", "url": "https://example.org/a.jpg"}]}}
    ask = {"type": "template", "payload": {"template_type": "request_user_info", "elements": [
        {"title": "Phường", "subtitle": "Cho xin thông tin",
         "image_url": "https://example.org/b.png"}]}}
    two = {"type": "template", "payload": {"template_type": "request_user_info",
                                           "elements": [{"title": "a"}, {"title": "b"}]}}
    send = lambda attachment: call(http, standin, CS, {  # noqa: E731
        "recipient": {"user_id": "u1"}, "message": {"attachment": attachment}}).json()
    assert send(image)["error"] == 0
    assert send(ask)["error"] == 0
    assert send(two) == {"error": -201, "message": "elements is invalid!"}
    assert send({"type": "template", "payload": {"template_type": "carousel"}})["error"] == -233


def test_group_message(standin, http):
    body = {"recipient": {"group_id": "g1"}, "message": {"text": "Thông báo họp tổ"}}
    data = call(http, standin, GROUP, body).json()
    assert data["error"] == 0 and len(data["data"]["message_id"]) == 20
    [record] = standin.state.messages_for("g1")
    assert record["group_id"] == "g1" and record["user_id"] is None and record["endpoint"] == GROUP
    standin.state.groups = {"g2"}
    not_in_group = {"error": -403, "message": "OA is not in group"}
    assert call(http, standin, GROUP, body).json() == not_in_group
    to_g2 = {**body, "recipient": {"group_id": "g2"}}
    assert call(http, standin, GROUP, to_g2).json()["error"] == 0
    buttons_to_group = {**list_message("x"), "recipient": {"group_id": "g2"}}
    assert call(http, standin, GROUP, buttons_to_group).json()["error"] == -233


def test_wait_for_messages_blocks_until_enough(standin, http):
    def send_later() -> None:
        time.sleep(0.2)
        for text in ("một", "hai"):
            call(http, standin, CS, text_to("u1", text))

    threading.Thread(target=send_later).start()
    records = standin.state.wait_for_messages("u1", 2, timeout=5)
    assert [r["text"] for r in records] == ["một", "hai"]
    with pytest.raises(AssertionError, match="got 2"):
        standin.state.wait_for_messages("u1", 3, timeout=0.2)


def test_echo_event_is_posted_and_signed(standin, http, webhook):
    standin.state.webhook_url, standin.state.oa_secret_key = webhook.url, OA_SECRET
    sent = call(http, standin, CS, text_to("u1", "Chào bạn")).json()["data"]
    [(headers, raw)] = webhook.wait(1)
    event = json.loads(raw)
    assert event["event_name"] == "oa_send_text" and event["app_id"] == APP_ID
    assert event["sender"] == {"id": "sandbox-oa"} and event["recipient"] == {"id": "u1"}
    assert event["message"] == {"text": "Chào bạn", "msg_id": sent["message_id"]}
    assert isinstance(event["timestamp"], str) and len(event["timestamp"]) == 13
    assert headers["X-Zevent-Signature"] == sign_body(APP_ID, raw, event["timestamp"], OA_SECRET)
    expected = hashlib.sha256(APP_ID.encode() + raw + event["timestamp"].encode()
                              + OA_SECRET.encode()).hexdigest()
    assert headers["X-Zevent-Signature"] == "mac=" + expected
    assert eventually(lambda: standin.state.echo_sent == 1)


def test_image_echo_and_echo_switch(standin, http, webhook):
    standin.state.webhook_url, standin.state.oa_secret_key = webhook.url, OA_SECRET
    image = {"type": "template", "payload": {"template_type": "media", "elements": [
        {"media_type": "image", "url": "https://example.org/a.jpg"}]}}
    call(http, standin, CS, {"recipient": {"user_id": "u1"}, "message": {"attachment": image}})
    [(_, raw)] = webhook.wait(1)
    assert json.loads(raw)["event_name"] == "oa_send_image"
    standin.state.echo = False
    call(http, standin, CS, text_to("u1", "quiet"))
    time.sleep(0.2)
    assert len(webhook.posts) == 1


def test_echo_failure_is_counted(standin, http):
    standin.state.webhook_url, standin.state.oa_secret_key = "http://127.0.0.1:9/nowhere", OA_SECRET
    assert call(http, standin, CS, text_to("u1", "x")).json()["error"] == 0
    assert eventually(lambda: standin.state.echo_failures == 1)


def test_console_reply_is_a_signed_echo_the_bot_never_sent(standin, webhook, http):
    standin.state.webhook_url, standin.state.oa_secret_key = webhook.url, OA_SECRET
    msg_id = standin.state.send_console_reply("u1", "Cán bộ phường trả lời")
    [(headers, raw)] = webhook.wait(1)
    event = json.loads(raw)
    assert event["event_name"] == "oa_send_text" and event["message"]["msg_id"] == msg_id
    assert headers["X-Zevent-Signature"] == sign_body(APP_ID, raw, event["timestamp"], OA_SECRET)
    assert standin.state.messages == []
    reply = http.post(standin.url + "/_standin/console_reply",
                      json={"user_id": "u1", "text": "lần hai"}, timeout=5).json()
    assert json.loads(webhook.wait(2)[1][1])["message"]["msg_id"] == reply["msg_id"]


def test_rate_limit(standin, http):
    standin.state.rate_limit_per_minute = 3
    errors = [call(http, standin, CS, text_to("u1", "x")).json()["error"] for _ in range(5)]
    assert errors == [0, 0, 0, -32, -32]
    standin.state.rate_limit_per_minute = None
    assert call(http, standin, CS, text_to("u1", "x")).json()["error"] == 0


def test_control_endpoints(standin, http):
    for text in ("a", "b", "c"):
        call(http, standin, CS, text_to("u1", text))
    call(http, standin, CS, text_to("u2", "d"))
    everything = http.get(standin.url + "/_standin/messages", timeout=5).json()["messages"]
    assert [m["text"] for m in everything] == ["a", "b", "c", "d"]
    later = http.get(standin.url + "/_standin/messages",
                     params={"user_id": "u1", "after": everything[0]["id"]}, timeout=5).json()
    assert [m["text"] for m in later["messages"]] == ["b", "c"]
    stats = http.get(standin.url + "/_standin/stats", timeout=5).json()
    assert stats["refresh_count"] == 0 and stats["messages"] == 4
    assert http.post(standin.url + "/_standin/reset", timeout=5).json() == {"ok": True}
    assert standin.state.messages == [] and standin.state.calls == []
    assert call(http, standin, CS, text_to("u1", "e")).json()["error"] == 0  # tokens survive
    assert standin.state.messages[0]["id"] > everything[-1]["id"]  # ids keep growing


def test_user_detail_list_and_tags(standin, http):
    state = standin.state
    state.users = {"1001": {"display_name": "Cô Lan"}, "1002": {},
                   "1003": {"user_is_follower": False}}
    detail = lambda uid: call(http, standin, "/v3.0/oa/user/detail",  # noqa: E731
                              params={"data": json.dumps({"user_id": uid})}).json()
    assert detail("1001")["data"]["display_name"] == "Cô Lan"
    unknown = detail("9876543")["data"]
    assert unknown["display_name"] == "Người dùng 6543" and unknown["user_is_follower"] is True
    listing = lambda **data: call(http, standin, "/v3.0/oa/user/getlist",  # noqa: E731
                                  params={"data": json.dumps(data)}).json()
    first = listing(offset=0, count=50)["data"]
    assert first["total"] == 2 and [u["user_id"] for u in first["users"]] == ["1001", "1002"]
    assert listing(offset=0, count=51)["error"] == -201
    assert call(http, standin, "/v2.0/oa/tag/tagfollower",
                {"user_id": "1002", "tag_name": "to-5"}).json()["error"] == 0
    assert call(http, standin, "/v2.0/oa/tag/gettagsofoa").json()["data"] == ["to-5"]
    tagged = listing(offset=0, count=10, tag_name="to-5")["data"]["users"]
    assert [u["user_id"] for u in tagged] == ["1002"]
    assert detail("1002")["data"]["tags_and_notes_info"]["tag_names"] == ["to-5"]
    call(http, standin, "/v2.0/oa/tag/rmfollowerfromtag", {"user_id": "1002", "tag_name": "to-5"})
    assert listing(offset=0, count=10, tag_name="to-5")["data"]["users"] == []
    call(http, standin, "/v2.0/oa/tag/rmtag", {"tag_name": "to-5"})
    assert call(http, standin, "/v2.0/oa/tag/gettagsofoa").json()["data"] == []


def test_quota_reports_last_interaction(standin, http):
    standin.state.last_interaction["u1"] = 1712765640000
    data = call(http, standin, "/v3.0/oa/quota/message", {"user_id": "u1"}).json()["data"]
    assert data == {"last_interaction": "1712765640000", "cs_reply": {"remain": 0, "total": 0}}
    assert call(http, standin, "/v3.0/oa/quota/message", {"user_id": "u2"}).json()["error"] == -232


def test_upload_image_then_send_it(standin, http):
    response = http.post(standin.url + "/v2.0/oa/upload/image", timeout=5,
                         headers={"access_token": "sb-access-1"},
                         files={"file": ("a.png", b"\x89PNG fake", "image/png")})
    attachment_id = response.json()["data"]["attachment_id"]
    assert standin.state.uploads[attachment_id]["bytes"] == b"\x89PNG fake"
    served = http.get(f"{standin.url}/_standin/uploads/{attachment_id}", timeout=5)
    assert served.content == b"\x89PNG fake"
    image = {"type": "template", "payload": {"template_type": "media", "elements": [
        {"media_type": "image", "attachment_id": attachment_id}]}}
    body = {"recipient": {"user_id": "u1"}, "message": {"attachment": image}}
    assert call(http, standin, CS, body).json()["error"] == 0


def test_event_builders_follow_the_reference_shapes():
    follow = follow_event(APP_ID, "sandbox-oa", "u1")
    assert follow["follower"] == {"id": "u1"} and follow["oa_id"] == "sandbox-oa"
    assert follow["event_name"] == "follow" and "sender" not in follow
    text = user_text_event(APP_ID, "sandbox-oa", "u1", "chào", timestamp_ms=1543908534740)
    assert text["sender"] == {"id": "u1"} and text["recipient"] == {"id": "sandbox-oa"}
    assert text["timestamp"] == "1543908534740" and len(text["message"]["msg_id"]) == 20
    assert sign_body("a", b"{}", "1", "s") == "mac=" + hashlib.sha256(b"a{}1s").hexdigest()
