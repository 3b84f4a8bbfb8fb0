"""A local Zalo: openapi.zalo.me and oauth.zaloapp.com paths on loopback, for tests and the sandbox.

Usage: `server = serve_standin(StandInState(...), port=0)`; point the app's ZALO_API_BASE and
ZALO_OAUTH_BASE at `server.url`; read `server.state.messages`; `server.shutdown()` when done.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from flask import Blueprint, Flask, Response, jsonify, request
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from bot.sandbox.standin_api import api, current_state
from bot.sandbox.standin_faults import Fault
from bot.sandbox.standin_replies import RAW_HEADERS_KEY, fail, header, json_body, oauth_fail, query_data
from bot.sandbox.standin_state import StandInState

__all__ = ["StandInServer", "StandInState", "create_standin_app", "serve_standin"]

OAUTH_PATH = "/v4/oa/access_token"
CONTROL_PREFIX = "/_standin/"
EXPIRES_IN = "90000"
POLL_SECONDS = 0.05  # how fast shutdown() takes effect

oauth = Blueprint("zalo_standin_oauth", __name__)
control = Blueprint("zalo_standin_control", __name__, url_prefix="/_standin")


def create_standin_app(state: StandInState, *more_oas: StandInState) -> Flask:
    """Build the Flask app that plays Zalo against `state` (and further OAs' states, told apart
    by the tokens each call carries)."""
    app = Flask("zalo_standin")
    app.json.ensure_ascii = False  # Zalo answers UTF-8 Vietnamese, not \\u escapes
    app.json.sort_keys = False
    app.extensions["zalo_standin"] = state
    app.extensions["zalo_standin_oas"] = [state, *more_oas]
    app.before_request(_gate)
    for blueprint in (api, oauth, control):
        app.register_blueprint(blueprint)
    return app


def _gate() -> Response | None:
    """Apply call recording, injected faults, the rate limit and token checks before routing."""
    if request.url_rule is None or request.path.startswith(CONTROL_PREFIX):
        return None
    state = current_state()
    state.record_call(request.method, request.path)
    if state.response_delay_seconds > 0:  # the real API's latency (benchmarks)
        time.sleep(state.response_delay_seconds)
    fault = state.faults.take(request.path, _recipient_id())
    if fault is not None and (answer := _apply_fault(state, fault)) is not None:
        return answer
    if request.path == OAUTH_PATH:
        return None
    if not state.admit_call():
        return fail(-32)
    if code := state.token_error(header("access_token")):
        return fail(code)
    return None


def _recipient_id() -> str | None:
    """Return the user a request is about (recipient.user_id or user_id), for fault matching."""
    data = query_data() if request.method == "GET" else json_body()
    data = data or {}
    recipient = data.get("recipient")
    user_id = recipient.get("user_id") if isinstance(recipient, dict) else data.get("user_id")
    return user_id if isinstance(user_id, str) else None


def _apply_fault(state: StandInState, fault: Fault) -> Response | None:
    """Answer with an injected fault; None lets the request go on (after a timeout delay)."""
    if fault.kind == "http500":
        return Response("Internal Server Error", 500, mimetype="text/plain")
    if fault.kind == "http502":
        return Response("Bad Gateway", 502, mimetype="text/plain")
    if fault.kind == "timeout":
        time.sleep(state.timeout_seconds)  # then answer normally: the send still happens
        return None
    return fail(int(fault.code or -200))


@oauth.post(OAUTH_PATH)
def access_token() -> Response:
    """Rotate tokens: a valid single-use refresh token buys a new access+refresh pair."""
    state, form = current_state(), request.form
    if header("secret_key") != state.app_secret or form.get("app_id") != state.app_id:
        return oauth_fail(-14002, "Invalid appId", "App is not active but user is not admin")
    if form.get("grant_type") != "refresh_token":
        return oauth_fail(-14001, "Invalid parameter",
                          "the stand-in only supports grant_type=refresh_token")
    old = form.get("refresh_token", "")
    pair = state.rotate_tokens(old)
    if pair is None:
        reason = "Refresh token was already used" if state.refresh_token_was_used(old) \
            else "Refresh token is invalid or expired"
        return oauth_fail(-14014, "Invalid refresh token", reason)
    return jsonify({"access_token": pair[0], "refresh_token": pair[1], "expires_in": EXPIRES_IN})


@control.get("/messages")
def list_messages() -> Response:
    """Return recorded messages with id > after, optionally for one user_id (or group_id)."""
    who = request.args.get("user_id") or request.args.get("group_id")
    after = request.args.get("after", "0")
    if not after.lstrip("-").isdigit():
        return jsonify({"error": "after must be an integer"}), 400
    return jsonify({"messages": current_state().messages_after(int(after), who)})


@control.post("/reset")
def reset() -> Response:
    """Clear recorded traffic, counters and faults."""
    current_state().reset()
    return jsonify({"ok": True})


@control.get("/stats")
def stats() -> Response:
    """Return counters: refresh_count, messages, calls, echo_sent, echo_failures."""
    return jsonify(current_state().stats())


@control.post("/console_reply")
def console_reply() -> Response:
    """Simulate an admin replying from the OA console: body {"user_id", "text"}."""
    body = json_body()
    try:
        msg_id = current_state().send_console_reply(str(body["user_id"]), str(body["text"]))
    except (KeyError, RuntimeError) as exc:
        return jsonify({"error": str(exc)}), 400
    return jsonify({"msg_id": msg_id})


@control.post("/inject")
def inject() -> Response:
    """Queue a fault: body {"path_suffix", "kind", "count"?, "code"?, "user_id"?}."""
    body = json_body()
    try:
        current_state().inject(str(body["path_suffix"]), str(body["kind"]),
                               int(body.get("count", 1)), body.get("code"), body.get("user_id"))
    except (KeyError, ValueError, TypeError) as exc:
        return jsonify({"error": str(exc)}), 400
    return jsonify({"ok": True})


@control.get("/uploads/<upload_id>")
def uploaded_file(upload_id: str) -> Response:
    """Serve back an uploaded file (lets the sandbox page show sent images)."""
    upload = current_state().uploads.get(upload_id)
    if upload is None:
        return Response("not found", 404, mimetype="text/plain")
    return Response(upload["bytes"], mimetype=upload["content_type"] or "application/octet-stream")


class _ZaloHandler(WSGIRequestHandler):
    """Request handler that keeps underscore header names, which Zalo's API relies on."""

    def make_environ(self) -> dict:
        """Build the WSGI environ plus every header under its raw lower-case name."""
        environ = super().make_environ()
        environ[RAW_HEADERS_KEY] = {key.lower(): value for key, value in self.headers.items()}
        return environ


class _QuietZaloHandler(_ZaloHandler):
    """Same, without an access-log line per request."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Skip the per-request access log line."""


@dataclass
class StandInServer:
    """A running stand-in: `url` is the base for both API and OAuth paths."""

    state: StandInState
    host: str
    port: int
    _server: BaseWSGIServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def url(self) -> str:
        """Return the base URL, e.g. http://127.0.0.1:PORT."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def shutdown(self) -> None:
        """Stop serving and wait for the server thread to end."""
        self._server.shutdown()
        self._thread.join(timeout=5.0)
        self._server.server_close()


def serve_standin(state: StandInState, host: str = "127.0.0.1", port: int = 0,
                  quiet: bool = True, more_oas: tuple[StandInState, ...] = ()) -> StandInServer:
    """Serve the stand-in in a daemon thread (port 0 picks a free port) and return it."""
    handler = _QuietZaloHandler if quiet else _ZaloHandler
    server = make_server(host, port, create_standin_app(state, *more_oas), threaded=True,
                         request_handler=handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS},
                              name="zalo-standin", daemon=True)
    thread.start()
    return StandInServer(state, host, server.port, server, thread)
