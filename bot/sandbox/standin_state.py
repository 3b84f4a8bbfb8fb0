"""What the Zalo stand-in knows and records: tokens, users, sent messages, faults, echoes."""
from __future__ import annotations

import copy
import logging
import secrets
import threading
import time
from typing import Any

from bot.sandbox.events import new_msg_id, oa_echo_event, post_event
from bot.sandbox.standin_faults import FaultQueue, RateLimiter

log = logging.getLogger(__name__)
ECHO_TIMEOUT_SECONDS = 5.0


class StandInState:
    """Everything the stand-in knows; compound updates happen under `self.lock`."""

    def __init__(self, app_id: str = "sandbox-app", app_secret: str = "sandbox-app-secret",
                 access_token: str = "sb-access-1", refresh_token: str = "sb-refresh-1",
                 webhook_url: str | None = None, oa_secret_key: str | None = None,
                 oa_id: str = "sandbox-oa") -> None:
        self.lock = threading.RLock()
        self._arrived = threading.Condition(self.lock)
        self.app_id, self.app_secret, self.oa_id = app_id, app_secret, oa_id
        self.access_token, self.refresh_token = access_token, refresh_token
        self.access_token_expired = False
        self.webhook_url, self.oa_secret_key = webhook_url, oa_secret_key
        self.faults = FaultQueue()
        self._limiter = RateLimiter()
        self._next_record_id = 1
        self._issued_ids: set[str] = set()
        self._used_refresh_tokens: set[str] = set()
        self._set_knobs()
        self._clear_traffic()

    def _set_knobs(self) -> None:
        """Set the behaviour switches tests and the sandbox may change."""
        self.buttons_supported = True
        self.unreachable: dict[str, int] = {}       # user_id -> -213/-227/-230/-232/-244
        self.groups: set[str] = set()               # empty = OA is in every group
        self.users: dict[str, dict[str, Any]] = {}  # user_id -> profile fields
        self.tags: dict[str, set[str]] = {}         # tag name -> user ids
        self.last_interaction: dict[str, int] = {}  # user_id -> epoch ms
        self.timeout_seconds = 3.0
        self.rate_limit_per_minute: int | None = None
        self.echo = True
        self.echo_delay_seconds = 0.0
        self.response_delay_seconds = 0.0  # every API answer waits this long (benchmarks)
        self.max_image_bytes = 1_000_000
        self.max_file_bytes = 5_000_000

    def _clear_traffic(self) -> None:
        """Forget everything recorded (tokens, users and switches stay)."""
        self.messages: list[dict[str, Any]] = []
        self.calls: list[tuple[str, str]] = []
        self.console_replies: list[dict[str, Any]] = []
        self.uploads: dict[str, dict[str, Any]] = {}
        self.refresh_count = 0
        self.echo_sent = 0
        self.echo_failures = 0

    def reset(self) -> None:
        """Clear recorded traffic, counters and faults; keep tokens, users and switches."""
        with self.lock:
            self._clear_traffic()
            self.faults.clear()
            self._limiter.clear()
            self.access_token_expired = False

    # --- tokens -----------------------------------------------------------------------------

    def token_error(self, token: str | None) -> int:
        """Return 0 for the valid access token, -220 if it is marked expired, else -216."""
        with self.lock:
            if not token or token != self.access_token:
                return -216
            return -220 if self.access_token_expired else 0

    def owns_token(self, access_token: str | None, refresh_token: str | None = None) -> bool:
        """Tell whether a call's access token, or a refresh's refresh token, is this OA's."""
        with self.lock:
            return bool((access_token and access_token == self.access_token) or
                        (refresh_token and (refresh_token == self.refresh_token
                                            or refresh_token in self._used_refresh_tokens)))

    def expire_access_token(self) -> None:
        """Make the current access token answer -220 until the next refresh."""
        with self.lock:
            self.access_token_expired = True

    def rotate_tokens(self, refresh_token: str) -> tuple[str, str] | None:
        """Trade the current refresh token for a new pair; None if unknown or already used."""
        with self.lock:
            if not refresh_token or refresh_token != self.refresh_token:
                return None
            self._used_refresh_tokens.add(refresh_token)
            self.refresh_count += 1
            self.access_token = f"sb-access-{secrets.token_hex(8)}"
            self.refresh_token = f"sb-refresh-{secrets.token_hex(8)}"
            self.access_token_expired = False
            return self.access_token, self.refresh_token

    def refresh_token_was_used(self, refresh_token: str) -> bool:
        """Tell whether this refresh token was valid once and has been spent."""
        with self.lock:
            return refresh_token in self._used_refresh_tokens

    # --- calls, faults, limits --------------------------------------------------------------

    def inject(self, path_suffix: str, kind: str, count: int = 1, code: int | None = None,
               user_id: str | None = None) -> None:
        """Queue a fault (http500, http502, timeout, zalo_error) for matching requests."""
        self.faults.add(path_suffix, kind, count, code, user_id)

    def record_call(self, method: str, path: str) -> None:
        """Remember that an API or OAuth call arrived."""
        with self.lock:
            self.calls.append((method, path))

    def admit_call(self) -> bool:
        """Count an API call against rate_limit_per_minute; False means answer -32."""
        return self._limiter.admit(self.rate_limit_per_minute)

    # --- messages ---------------------------------------------------------------------------

    def new_message_id(self) -> str:
        """Return a 20-hex-char message id never issued before by this stand-in."""
        with self.lock:
            message_id = new_msg_id()
            while message_id in self._issued_ids:
                message_id = new_msg_id()
            self._issued_ids.add(message_id)
            return message_id

    def record_message(self, endpoint: str, payload: dict, *, user_id: str | None = None,
                       group_id: str | None = None, text: str | None = None,
                       buttons: list[str] | None = None) -> dict[str, Any]:
        """Store a delivered message, wake waiters, and return a copy of its record."""
        with self.lock:
            record = {"id": self._next_record_id, "message_id": self.new_message_id(),
                      "user_id": user_id, "group_id": group_id, "endpoint": endpoint,
                      "payload": copy.deepcopy(payload), "text": text,
                      "buttons": list(buttons or []), "at": time.time()}
            self._next_record_id += 1
            self.messages.append(record)
            self._arrived.notify_all()
            return copy.deepcopy(record)

    def messages_for(self, user_id: str) -> list[dict[str, Any]]:
        """Return copies of the messages sent to a user (or to a group with that id)."""
        with self.lock:
            return [copy.deepcopy(m) for m in self.messages
                    if user_id in (m["user_id"], m["group_id"])]

    def messages_after(self, after: int = 0, user_id: str | None = None) -> list[dict[str, Any]]:
        """Return copies of messages with id > after, optionally for one user or group."""
        with self.lock:
            return [copy.deepcopy(m) for m in self.messages if m["id"] > after
                    and (user_id is None or user_id in (m["user_id"], m["group_id"]))]

    def wait_for_messages(self, user_id: str, n: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Block until at least n messages reached the user; return them all."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(found := self.messages_for(user_id)) < n:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    texts = [m["text"] for m in found]
                    raise AssertionError(f"expected {n} message(s) for {user_id} within "
                                         f"{timeout}s, got {len(found)}: {texts}")
                self._arrived.wait(remaining)
            return found

    def store_upload(self, kind: str, data: bytes, filename: str, content_type: str) -> str:
        """Keep an uploaded file and return its attachment id (or file token)."""
        with self.lock:
            upload_id = self.new_message_id()
            self.uploads[upload_id] = {"kind": kind, "bytes": data, "filename": filename,
                                       "content_type": content_type, "at": time.time()}
            return upload_id

    def stats(self) -> dict[str, int]:
        """Return counters for other processes (benchmarks, the sandbox page)."""
        with self.lock:
            return {"refresh_count": self.refresh_count, "messages": len(self.messages),
                    "calls": len(self.calls), "echo_sent": self.echo_sent,
                    "echo_failures": self.echo_failures, "faults_pending": self.faults.pending()}

    # --- echo events ------------------------------------------------------------------------

    def echo_message(self, record: dict[str, Any], event_name: str,
                     attachments: list[dict] | None = None) -> None:
        """Post the oa_send_* echo of a sent message to the webhook, in the background."""
        if not (self.echo and self._webhook_ready()):
            return
        recipient = record["user_id"] or record["group_id"]
        event = oa_echo_event(self.app_id, self.oa_id, recipient, event_name, record["text"],
                              record["message_id"], attachments)
        threading.Thread(target=self._deliver, args=(event, self.echo_delay_seconds),
                         name="standin-echo", daemon=True).start()

    def send_console_reply(self, user_id: str, text: str, wait: bool = True) -> str:
        """Post an oa_send_text the bot never sent (an admin typing in the OA console)."""
        if not self._webhook_ready():
            raise RuntimeError("set webhook_url and oa_secret_key before send_console_reply")
        msg_id = self.new_message_id()
        event = oa_echo_event(self.app_id, self.oa_id, user_id, "oa_send_text", text, msg_id)
        with self.lock:
            self.console_replies.append({"msg_id": msg_id, "user_id": user_id, "text": text,
                                         "at": time.time()})
        if wait:
            self._deliver(event, 0.0)
        else:
            threading.Thread(target=self._deliver, args=(event, 0.0), daemon=True).start()
        return msg_id

    def _webhook_ready(self) -> bool:
        """Tell whether events can be posted (webhook URL and OA secret key known)."""
        return bool(self.webhook_url and self.oa_secret_key)

    def _deliver(self, event: dict[str, Any], delay: float) -> bool:
        """POST a signed event; swallow and count failures like a fire-and-forget sender."""
        if delay > 0:
            time.sleep(delay)
        try:
            post_event(str(self.webhook_url), event, self.app_id, str(self.oa_secret_key),
                       timeout=ECHO_TIMEOUT_SECONDS)
        except Exception as exc:  # any failure is only counted: Zalo does not tell the OA
            log.debug("echo %s to %s failed: %s", event["event_name"], self.webhook_url, exc)
            with self.lock:
                self.echo_failures += 1
            return False
        with self.lock:
            self.echo_sent += 1
        return True
