"""The baseline for bench/webhook.py: the least a Zalo webhook can do and still be correct.

It verifies the signature, inserts the raw event into SQLite (unique message id), answers 200, and
sends one reply per new event to the Zalo stand-in from a small thread pool (none to the echoes of
its own replies, which bench/e2e.py's stand-in sends back). Run under gunicorn:
`gunicorn --pythonpath ROOT bench.minimal_app:app`. Settings come from MINIMAL_* variables that
bench/webhook.py sets (this is a benchmark tool, not part of the bot, so it reads them itself).
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from flask import Flask, request

from bot.web.signature import verify

log = logging.getLogger(__name__)
REPLY_THREADS = 4
SEND_CS = "/v3.0/oa/message/cs"
SCHEMA = "CREATE TABLE IF NOT EXISTS events (msg_id TEXT PRIMARY KEY, user_id TEXT, raw TEXT NOT NULL)"


def connect(path: str) -> sqlite3.Connection:
    """Open the database with the same pragmas the bot uses (WAL, synchronous=NORMAL)."""
    connection = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout=30000")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


def init_db(path: str) -> None:
    """Create the events table (the bench calls this once, before the workers start)."""
    connection = connect(path)
    connection.execute(SCHEMA)
    connection.close()


class Minimal:
    """Per-process state: one SQLite connection and one HTTP session per thread, one reply pool."""

    def __init__(self, env: dict[str, str]):
        self.db_path, self.api_base = env["MINIMAL_DB"], env["MINIMAL_API_BASE"].rstrip("/")
        self.app_id, self.secret = env["MINIMAL_APP_ID"], env["MINIMAL_OA_SECRET_KEY"]
        self.token = env["MINIMAL_ACCESS_TOKEN"]
        self.local = threading.local()
        self.pool: ThreadPoolExecutor | None = None  # made on first use, i.e. after gunicorn forks
        self.pool_lock = threading.Lock()

    def db(self) -> sqlite3.Connection:
        if not hasattr(self.local, "db"):
            self.local.db = connect(self.db_path)
        return self.local.db

    def store(self, msg_id: str, user_id: str, raw: bytes) -> bool:
        """Insert the raw event once; False when this message id was stored before."""
        cursor = self.db().execute("INSERT OR IGNORE INTO events (msg_id, user_id, raw) VALUES (?, ?, ?)",
                                   (msg_id, user_id, raw.decode("utf-8")))
        return cursor.rowcount == 1

    def reply_later(self, user_id: str, msg_id: str) -> None:
        """Queue one reply on the pool; the webhook answers without waiting for it."""
        with self.pool_lock:
            if self.pool is None:
                self.pool = ThreadPoolExecutor(REPLY_THREADS, thread_name_prefix="reply")
        self.pool.submit(self.send_reply, user_id, msg_id)

    def send_reply(self, user_id: str, msg_id: str) -> None:
        """Send the reply over this thread's keep-alive session; a failure is only logged (and
        shows up as a lost reply in the bench's count)."""
        if not hasattr(self.local, "http"):
            self.local.http = requests.Session()
        body = {"recipient": {"user_id": user_id}, "message": {"text": f"Đã nhận {msg_id}"}}
        try:
            self.local.http.post(self.api_base + SEND_CS, json=body, timeout=10,
                                 headers={"access_token": self.token}).raise_for_status()
        except requests.RequestException as exc:
            log.warning("reply failed: %s", type(exc).__name__)


def create_app(env: dict[str, str] | None = None) -> Flask:
    """Build the minimal webhook app."""
    state = Minimal(dict(os.environ) if env is None else env)
    app = Flask("minimal_webhook")

    @app.post("/zalo/webhook")
    def webhook():
        raw = request.get_data(cache=False)
        try:
            body = json.loads(raw)
        except ValueError:
            return {"status": "rejected"}, 400
        timestamp = str(body.get("timestamp", ""))
        if not verify(state.app_id, raw, timestamp, state.secret, request.headers.get("X-ZEvent-Signature")):
            return {"status": "rejected"}, 401
        echo = str(body.get("event_name", "")).startswith("oa_send_")  # its own reply, back from Zalo
        msg_id, user_id = body["message"]["msg_id"], body["recipient" if echo else "sender"]["id"]
        if not state.store(msg_id, user_id, raw):
            return {"status": "duplicate"}
        if not echo:
            state.reply_later(user_id, msg_id)
        return {"status": "ok"}

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app


app = create_app() if "MINIMAL_DB" in os.environ else None
