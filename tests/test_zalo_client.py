"""The Zalo client against mocked HTTP (any unregistered URL fails): error mapping, retries, tokens."""
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import responses

from bot.store import Store, make_engine, upgrade_schema
from bot.store.models import utcnow
from bot.zalo.client import ZaloClient, ZaloOAuth
from bot.zalo.errors import BadRequest, RateLimited, RefreshFailed, TransientError, UserUnreachable
from bot.zalo.tokens import TokenManager

API = "https://api.test"
OAUTH = "https://oauth.test"
CS = API + "/v3.0/oa/message/cs"
TOKEN_URL = OAUTH + "/v4/oa/access_token"
OK = {"error": 0, "message": "Success", "data": {"message_id": "abc123"}}


@pytest.fixture
def store(sqlite_url):
    store = Store(make_engine(sqlite_url), "oa1")
    upgrade_schema(store.engine)
    return store


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def make_client(store, **kw):
    oauth = ZaloOAuth(OAUTH, "app1", "appsecret", timeout=2)
    tokens = TokenManager(store, oauth, "tok-1", "ref-1")
    return ZaloClient(API, tokens, timeout=2, backoff=0.001, **kw), tokens


def test_send_text_uses_access_token_header_and_v3_cs(store, mocked):
    mocked.post(CS, json=OK)
    client, _ = make_client(store)
    assert client.send_text("U1", "Chào bác") == ["abc123"]
    sent = mocked.calls[0].request
    assert sent.headers["access_token"] == "tok-1"
    assert sent.body == b'{"recipient": {"user_id": "U1"}, "message": {"text": "Ch\\u00e0o b\\u00e1c"}}'


def test_long_text_is_sent_in_chunks(store, mocked):
    mocked.post(CS, json=OK)
    client, _ = make_client(store)
    assert len(client.send_text("U1", ("câu dài " * 300).strip())) == 2


@pytest.mark.parametrize("code", [-213, -230, -232, -227, -244])
def test_user_window_errors_are_permanent_and_not_retried(store, mocked, code):
    mocked.post(CS, json={"error": code, "message": "nope"})
    client, _ = make_client(store)
    with pytest.raises(UserUnreachable) as info:
        client.send_text("U1", "hi")
    assert info.value.code == code and len(mocked.calls) == 1


def test_rate_limit_is_retried_with_backoff_then_succeeds(store, mocked):
    mocked.post(CS, json={"error": -32, "message": "limit"})
    mocked.post(CS, json=OK)
    client, _ = make_client(store)
    assert client.send_text("U1", "hi") == ["abc123"]
    assert len(mocked.calls) == 2


def test_server_errors_and_timeouts_become_transient_after_retries(store, mocked):
    mocked.post(CS, status=502, body="bad gateway")
    mocked.post(CS, body=requests.Timeout())
    mocked.post(CS, status=500)
    client, _ = make_client(store)
    with pytest.raises(TransientError):
        client.send_text("U1", "hi")
    assert len(mocked.calls) == 3


def test_persistent_rate_limit_raises_rate_limited(store, mocked):
    mocked.post(CS, json={"error": -32, "message": "limit"})
    client, _ = make_client(store, retries=1)
    with pytest.raises(RateLimited):
        client.send_text("U1", "hi")


def test_bad_parameter_is_bad_request(store, mocked):
    mocked.post(CS, json={"error": -201, "message": "user_id is invalid!"})
    client, _ = make_client(store)
    with pytest.raises(BadRequest):
        client.send_text("U1", "hi")
    assert len(mocked.calls) == 1


@pytest.mark.parametrize("code", [-216, -220])
def test_expired_token_is_refreshed_once_and_the_call_retried(store, mocked, code):
    mocked.post(CS, json={"error": code, "message": "expired"})
    mocked.post(CS, json=OK)
    mocked.post(TOKEN_URL, json={"access_token": "tok-2", "refresh_token": "ref-2", "expires_in": "90000"})
    client, tokens = make_client(store)
    assert client.send_text("U1", "hi") == ["abc123"]
    refresh_call = [c for c in mocked.calls if c.request.url == TOKEN_URL][0].request
    assert refresh_call.headers["secret_key"] == "appsecret"
    assert "refresh_token=ref-1" in refresh_call.body and "grant_type=refresh_token" in refresh_call.body
    assert mocked.calls[-1].request.headers["access_token"] == "tok-2"
    with store.unit() as uow:
        token = uow.tokens.get()
        assert (token.access_token, token.refresh_token) == ("tok-2", "ref-2")
        assert token.expires_at > utcnow() + timedelta(hours=24)


def test_token_error_after_refresh_is_not_refreshed_again(store, mocked):
    mocked.post(CS, json={"error": -216, "message": "invalid"})
    mocked.post(TOKEN_URL, json={"access_token": "tok-2", "refresh_token": "ref-2", "expires_in": "90000"})
    client, _ = make_client(store, retries=0)
    with pytest.raises(Exception):
        client.send_text("U1", "hi")
    assert len([c for c in mocked.calls if c.request.url == TOKEN_URL]) == 1


def test_refused_refresh_is_recorded_for_health_and_raises(store, mocked):
    mocked.post(CS, json={"error": -216, "message": "invalid"})
    mocked.post(TOKEN_URL, json={"error": -14014, "error_name": "Invalid refresh token"})
    client, tokens = make_client(store)
    with pytest.raises(RefreshFailed):
        client.send_text("U1", "hi")
    assert "-14014" in tokens.health()


def test_token_seeded_from_config_only_when_database_has_none(store, mocked):
    mocked.post(CS, json=OK)
    with store.unit() as uow:
        uow.tokens.seed("db-token", "db-refresh", utcnow() + timedelta(hours=20))
        uow.commit()
    client, _ = make_client(store)
    client.send_text("U1", "hi")
    assert mocked.calls[0].request.headers["access_token"] == "db-token"


def test_token_close_to_expiry_is_refreshed_before_the_call(store, mocked):
    mocked.post(TOKEN_URL, json={"access_token": "tok-new", "refresh_token": "ref-new", "expires_in": "90000"})
    mocked.post(CS, json=OK)
    with store.unit() as uow:
        uow.tokens.seed("old", "ref-old", utcnow() + timedelta(hours=1))
        uow.commit()
    client, _ = make_client(store)
    client.send_text("U1", "hi")
    assert mocked.calls[0].request.url == TOKEN_URL
    assert mocked.calls[1].request.headers["access_token"] == "tok-new"


def test_two_managers_never_spend_the_same_refresh_token(store, mocked):
    """Two processes see the token fail at once: only one refresh reaches Zalo."""
    mocked.post(TOKEN_URL, json={"access_token": "tok-2", "refresh_token": "ref-2", "expires_in": "90000"})
    oauth = ZaloOAuth(OAUTH, "app1", "appsecret", timeout=2)
    first, second = (TokenManager(store, oauth, "tok-1", "ref-1") for _ in range(2))
    assert first.current() == "tok-1"
    assert first.refresh(failed_token="tok-1") == "tok-2"
    assert second.refresh(failed_token="tok-1") == "tok-2"
    assert len(mocked.calls) == 1


def test_buttons_fall_back_to_numbered_text_when_zalo_refuses_them(store, mocked):
    mocked.post(CS, json={"error": -233, "message": "message type is invalid or not support"})
    mocked.post(CS, json=OK)
    client, _ = make_client(store)
    client.send_choices("U1", "Bác chọn:", ["Có", "Không"])
    import json
    fallback = json.loads(mocked.calls[1].request.body)
    assert fallback["message"] == {"text": "Bác chọn:\n1. Có\n2. Không"}
    assert client.buttons is False


def test_user_detail_sends_data_query_param(store, mocked):
    mocked.get(API + "/v3.0/oa/user/detail", json={"error": 0, "data": {"display_name": "Bà Lan"}})
    client, _ = make_client(store)
    assert client.user_detail("U7")["display_name"] == "Bà Lan"
    assert 'data=%7B%22user_id%22%3A+%22U7%22%7D' in mocked.calls[0].request.url


def test_unregistered_url_fails_the_test(store):
    with responses.RequestsMock() as rsps:  # nothing registered
        client, _ = make_client(store, retries=0)
        with pytest.raises(TransientError):
            client.send_text("U1", "hi")
        assert len(rsps.calls) == 1


def _answer_ok(handler: BaseHTTPRequestHandler) -> None:
    body = json.dumps(OK).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class _KeepAliveAPI(BaseHTTPRequestHandler):
    """Answers every POST with Zalo's success body after 20 ms (so every lane has a call in flight at
    once, as against the real API), over kept-alive connections, noting each new one."""
    protocol_version = "HTTP/1.1"
    connections: set = set()

    def setup(self):
        super().setup()
        type(self).connections.add(self.client_address)

    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(0.02)
        _answer_ok(self)

    def log_message(self, *_args):
        pass


@pytest.mark.parametrize("lanes", [16, 36])
def test_every_send_lane_keeps_its_connection_to_the_api(store, lanes):
    """Lanes sending in bursts (a busy minute, a pause, the next) reuse their connections instead of
    opening new ones for each burst (against the real API each new one is one more TLS handshake)."""
    _KeepAliveAPI.connections = set()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _KeepAliveAPI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        oauth = ZaloOAuth(OAUTH, "app1", "appsecret", timeout=2)
        client = ZaloClient(f"http://127.0.0.1:{server.server_port}", TokenManager(store, oauth, "tok-1", "ref-1"),
                            timeout=5, connections=lanes)
        start = threading.Barrier(lanes)

        def lane(n):
            for _ in range(3):  # three bursts: every lane's connection back in the pool before the next
                start.wait()
                assert client.send_text(f"user-{n}", "Chào bác") == ["abc123"]

        threads = [threading.Thread(target=lane, args=(n,)) for n in range(lanes)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.shutdown()
        server.server_close()
    assert len(_KeepAliveAPI.connections) <= lanes  # three calls a lane, yet at most one connection each


class _ForwardingProxy(BaseHTTPRequestHandler):
    """A plain-HTTP forward proxy that answers for Zalo itself, noting the absolute URLs it was asked for."""
    asked: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).asked.append(self.path)
        _answer_ok(self)

    def log_message(self, *_args):
        pass


@pytest.mark.parametrize("bypassed", [False, True])
def test_the_environments_proxy_is_used_and_no_proxy_honoured(store, monkeypatch, bypassed):
    """A ward's server that reaches the Internet only through a proxy still reaches Zalo; a host in
    NO_PROXY is called directly (here it does not exist, so the call fails as unreachable)."""
    _ForwardingProxy.asked = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ForwardingProxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.server_port}")
    if bypassed:
        monkeypatch.setenv("NO_PROXY", "zalo-api.invalid")
    try:
        oauth = ZaloOAuth(OAUTH, "app1", "appsecret", timeout=2)
        client = ZaloClient("http://zalo-api.invalid", TokenManager(store, oauth, "tok-1", "ref-1"),
                            timeout=2, retries=0)
        if bypassed:
            with pytest.raises(TransientError):
                client.send_text("U1", "Chào bác")
        else:
            assert client.send_text("U1", "Chào bác") == ["abc123"]
            assert client.send_text("U2", "Chào bác") == ["abc123"]
    finally:
        server.shutdown()
        server.server_close()
    assert _ForwardingProxy.asked == ([] if bypassed else ["http://zalo-api.invalid/v3.0/oa/message/cs"] * 2)
