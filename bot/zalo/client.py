"""The one Zalo client: the only code that knows Zalo's URLs, headers, timeouts and error codes."""
from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter

from bot.zalo import messages
from bot.zalo.errors import (
    BUTTONS_REJECTED_CODES,
    BadRequest,
    RefreshFailed,
    TokenError,
    TransientError,
    ZaloError,
    classify,
)

log = logging.getLogger(__name__)

SEND_CS = "/v3.0/oa/message/cs"
SEND_GROUP = "/v3.0/oa/group/message"
USER_DETAIL = "/v3.0/oa/user/detail"
FOLLOWERS = "/v3.0/oa/user/getlist"
QUOTA = "/v3.0/oa/quota/message"
TAGS_OF_OA = "/v2.0/oa/tag/gettagsofoa"
TAG_FOLLOWER = "/v2.0/oa/tag/tagfollower"
UNTAG_FOLLOWER = "/v2.0/oa/tag/rmfollowerfromtag"
REMOVE_TAG = "/v2.0/oa/tag/rmtag"
UPLOAD_IMAGE = "/v2.0/oa/upload/image"
OAUTH_TOKEN = "/v4/oa/access_token"


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


def environment_read_once(http: requests.Session, url: str) -> requests.Session:
    """Take the proxy (HTTPS_PROXY, NO_PROXY, ...) and CA bundle (REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE)
    settings for `url` from the environment now, and stop `http` from reading them again on every
    call, which cost a third of a call's CPU."""
    http.proxies = requests.utils.get_environ_proxies(url)
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        http.verify = bundle
    http.trust_env = False
    return http


class ZaloOAuth:
    """Exchanges a single-use refresh token for a new pair (zalo-oa-api.md §7.2)."""

    def __init__(self, oauth_base: str, app_id: str, app_secret: str, timeout: float,
                 http: requests.Session | None = None):
        self.url = oauth_base.rstrip("/") + OAUTH_TOKEN
        self.app_id, self.app_secret, self.timeout = app_id, app_secret, timeout
        self.http = http or environment_read_once(requests.Session(), self.url)

    def refresh(self, refresh_token: str) -> TokenPair:
        try:
            response = self.http.post(self.url, headers={"secret_key": self.app_secret}, timeout=self.timeout,
                                      data={"refresh_token": refresh_token, "app_id": self.app_id,
                                            "grant_type": "refresh_token"})
        except requests.RequestException as exc:
            raise TransientError(None, f"OAuth unreachable: {type(exc).__name__}") from exc
        if response.status_code >= 500:
            raise TransientError(response.status_code, "OAuth server error")
        try:
            body = response.json()
        except ValueError as exc:
            raise TransientError(response.status_code, "OAuth answered non-JSON") from exc
        if not isinstance(body, dict) or "access_token" not in body:
            code = body.get("error") if isinstance(body, dict) else None
            name = body.get("error_name", "") if isinstance(body, dict) else ""
            raise RefreshFailed(code, f"refresh refused: {name}".strip())
        return TokenPair(str(body["access_token"]), str(body["refresh_token"]),
                         int(body.get("expires_in") or 90000))


class ZaloClient:
    """OA API calls with token refresh, retries with backoff and typed errors."""

    def __init__(self, api_base: str, tokens, timeout: float = 10.0, http: requests.Session | None = None,
                 retries: int = 2, backoff: float = 0.2, buttons: bool = True, connections: int = 10):
        """`connections`: kept-alive connections to the API, one per thread calling it at once (the
        send lanes): past that, a call opens and drops a connection (one more TLS handshake each)."""
        self.api_base = api_base.rstrip("/")
        self.tokens = tokens
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        if http is None:
            http = requests.Session()
            adapter = HTTPAdapter(pool_maxsize=max(connections, 1))
            http.mount("https://", adapter)
            http.mount("http://", adapter)
            environment_read_once(http, self.api_base)
        self.http = http
        self.buttons = buttons
        probe = self.api_base + SEND_CS
        self._urls_as_given = requests.Request("POST", probe).prepare().url == probe  # see _json_request

    # -- messages -------------------------------------------------------------------------------
    def send_text(self, user_id: str, text: str) -> list[str]:
        """Send text, split at 2,000 characters; return Zalo's message ids."""
        return [self._send(messages.text_body(user_id, chunk)) for chunk in messages.split_text(text)]

    def send_choices(self, user_id: str, text: str, options: list[str], titles: list[str] | None = None,
                     payloads: list[str] | None = None) -> list[str]:
        """Send a numbered question, with up to 5 buttons when Zalo accepts them (titled `titles`, else
        the options; a tap sends the whole option, or its hidden payload when `payloads` gives one)."""
        numbered = "\n".join([text] + [f"{i}. {o}" for i, o in enumerate(options, start=1)])
        if self.buttons and len(options) <= messages.MAX_BUTTONS and len(numbered) <= messages.MAX_TEXT:
            try:
                return [self._send(messages.buttons_body(user_id, numbered, options, titles, payloads))]
            except BadRequest as exc:
                if exc.code not in BUTTONS_REJECTED_CODES:
                    raise
                log.warning("Zalo refused buttons (error %s); sending numbered text from now on", exc.code)
                self.buttons = False
        return self.send_text(user_id, numbered)

    def send_image(self, user_id: str, url: str, caption: str = "", attachment_id: str = "") -> list[str]:
        return [self._send(messages.image_body(user_id, url, caption, attachment_id))]

    def upload_image(self, data: bytes, filename: str, content_type: str) -> str:
        """Upload a JPG/PNG (at most 1 MB) for sending; return Zalo's attachment_id (valid about 7 days)."""
        answer = self._call("POST", UPLOAD_IMAGE, files={"file": (filename or "anh.jpg", data, content_type)})
        attachment_id = answer.get("attachment_id") if isinstance(answer, dict) else None
        if not attachment_id:
            raise BadRequest(None, "upload answered no attachment_id")
        return str(attachment_id)

    def request_user_info(self, user_id: str, title: str, subtitle: str, image_url: str = "") -> list[str]:
        return [self._send(messages.request_info_body(user_id, title, subtitle, image_url))]

    def post_group_text(self, group_id: str, text: str) -> list[str]:
        """Post to a Zalo group managed by the OA (GMF): text only, no buttons."""
        return [str(self._call("POST", SEND_GROUP, body=messages.group_text_body(group_id, chunk))
                    .get("message_id", "")) for chunk in messages.split_text(text)]

    # -- followers, tags, quota ----------------------------------------------------------------------
    def user_detail(self, user_id: str) -> dict:
        return self._call("GET", USER_DETAIL, params={"user_id": user_id})

    def followers(self, offset: int = 0, count: int = 50, tag_name: str | None = None) -> dict:
        query: dict = {"offset": offset, "count": min(count, 50), "is_follower": True}
        if tag_name:
            query["tag_name"] = tag_name
        return self._call("GET", FOLLOWERS, params=query)

    def tags(self) -> list[str]:
        data = self._call("GET", TAGS_OF_OA)
        return list(data) if isinstance(data, list) else []

    def tag_user(self, user_id: str, tag_name: str) -> None:
        self._call("POST", TAG_FOLLOWER, body={"user_id": user_id, "tag_name": tag_name})

    def untag_user(self, user_id: str, tag_name: str) -> None:
        self._call("POST", UNTAG_FOLLOWER, body={"user_id": user_id, "tag_name": tag_name})

    def remove_tag(self, tag_name: str) -> None:
        self._call("POST", REMOVE_TAG, body={"tag_name": tag_name})

    def last_interaction(self, user_id: str) -> int | None:
        """Return the user's last interaction in epoch milliseconds, as Zalo counts it."""
        value = self._call("POST", QUOTA, body={"user_id": user_id}).get("last_interaction")
        return int(value) if value not in (None, "") else None

    # -- transport --------------------------------------------------------------------------------
    def _json_request(self, method: str, url: str, token: str, body: dict | None) -> requests.PreparedRequest:
        """The request `requests.Request(...).prepare()` makes for a JSON body and no query, built
        directly: its URL parsing and checks cost a third of a send's CPU, and every send goes to
        the same few URLs (checked once, in __init__, to come out of preparing unchanged)."""
        request = requests.PreparedRequest()
        request.method, request.url, request.hooks = method, url, {"response": []}
        request.headers = requests.structures.CaseInsensitiveDict(self.http.headers)
        request.headers["access_token"] = token
        if body is None:
            request.body = None
            if method == "POST":
                request.headers["Content-Length"] = "0"
        else:
            request.body = json.dumps(body, allow_nan=False).encode("utf-8")
            request.headers["Content-Type"] = "application/json"
            request.headers["Content-Length"] = str(len(request.body))
        return request

    def _send(self, body: dict) -> str:
        return str(self._call("POST", SEND_CS, body=body).get("message_id", ""))

    def _call(self, method: str, path: str, body: dict | None = None, params: dict | None = None,
              files: dict | None = None):
        """Call the OA API; refresh the token once on -216/-220, back off on -32/5xx/timeouts."""
        attempt, refreshed = 0, False
        while True:
            token = self.tokens.current()
            error = self._attempt(method, path, token, body, params, files)
            if not isinstance(error, ZaloError):
                return error
            if isinstance(error, TokenError) and not refreshed:
                self.tokens.refresh(failed_token=token)
                refreshed = True
                continue
            if error.retryable and attempt < self.retries:
                time.sleep(self.backoff * (2 ** attempt))
                attempt += 1
                continue
            raise error

    def _attempt(self, method: str, path: str, token: str, body: dict | None, params: dict | None,
                 files: dict | None = None):
        """One HTTP request (multipart when `files`): return the answer's `data`, or the ZaloError it amounts to."""
        query = {"data": json.dumps(params, ensure_ascii=False)} if params is not None else None
        url = self.api_base + path
        try:  # straight to the connection pool: the session's cookies, hooks and redirects are not used
            if query is None and files is None and self._urls_as_given:
                request = self._json_request(method, url, token, body)
            else:
                request = requests.Request(method, url, json=body, params=query, files=files,
                                           headers={**self.http.headers, "access_token": token}).prepare()
            response = self.http.get_adapter(url).send(request, timeout=self.timeout, verify=self.http.verify,
                                                        proxies=self.http.proxies)
        except requests.RequestException as exc:
            return TransientError(None, f"{type(exc).__name__} calling {path}")
        if response.status_code >= 500 or response.status_code == 429:
            return TransientError(response.status_code, f"HTTP {response.status_code} from {path}")
        try:
            answer = response.json()
        except ValueError:
            return TransientError(response.status_code, f"non-JSON answer from {path}")
        if response.status_code != 200 or not isinstance(answer, dict):
            return BadRequest(response.status_code, f"HTTP {response.status_code} from {path}")
        code = answer.get("error", 0)
        if code in (0, "0", None):
            return answer.get("data") if answer.get("data") is not None else {}
        return classify(int(code), str(answer.get("message", "")))
