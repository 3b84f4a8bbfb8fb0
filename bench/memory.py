"""Memory of a web worker under a long stream of events: one gunicorn worker (4 threads) takes 100,000
distinct signed events from 8 connections; its resident set size is printed as the events go in. The
worker process is not started (its memory is not the question, and the web process never sends), so
events only pile up in the database.

Run: .venv/bin/python bench/memory.py [--events 100000] [--database-url postgresql+psycopg://…]
"""
from __future__ import annotations

import argparse
import http.client
import os
import signal
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make `bot` and `bench` importable

from bench.webhook import (  # noqa: E402
    APP_ID,
    OA_ID,
    OA_SECRET,
    VENV_BIN,
    BotApp,
    Children,
    Delivery,
    LoadResult,
    free_port,
    post_with_reconnect,
    prepare_database,
    wait_healthy,
)
from bot.sandbox.events import signed_request, user_text_event  # noqa: E402

CONNECTIONS = 8
USERS = 5000


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def web_worker_pid(master: int, timeout: float = 30.0) -> int:
    """The one gunicorn worker forked by the master."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == master:
                    return int(entry.name)
        time.sleep(0.2)
    raise RuntimeError("gunicorn started no worker")


def drive(port: int, total: int, counter: list[int], failures: list[int], lock: threading.Lock) -> None:
    conns, tally = [http.client.HTTPConnection("127.0.0.1", port, timeout=10)], LoadResult()
    while True:
        with lock:
            if counter[0] >= total:
                return
            n = counter[0]
            counter[0] += 1
        user, msg_id = f"mem{n % USERS:05d}", f"mem-{uuid.uuid4().hex}"
        raw, headers = signed_request(user_text_event(APP_ID, OA_ID, user, "xin chào", msg_id=msg_id), APP_ID,
                                      OA_SECRET)
        status = post_with_reconnect(port, conns, Delivery(user, msg_id, raw, headers), tally, lock)
        if status != 200:
            failures.append(status)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="RSS of a web worker while it takes many events.")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.environ.update(WEB_CONCURRENCY="1", WEB_THREADS="4")
    workdir = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    database_url, backend, cleanup = prepare_database(args.database_url, workdir)
    children = Children(workdir)
    try:
        port = free_port()
        env = BotApp(database_url).env(free_port(), port)  # no stand-in needed: the web never calls Zalo
        web, web_log = children.start("bot-web", [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py",
                                                  "wsgi:app"], env, ROOT)
        wait_healthy(web, web_log, port)
        pid = web_worker_pid(web.pid)
        counter, failures, lock = [0], [], threading.Lock()
        threads = [threading.Thread(target=drive, args=(port, args.events, counter, failures, lock), daemon=True)
                   for _ in range(CONNECTIONS)]
        print(f"\nMemory benchmark: one gunicorn web worker (4 threads), {args.events} events from "
              f"{CONNECTIONS} connections, database: {backend}")
        print(f"{'events':>8}  {'RSS MiB':>8}  {'seconds':>8}")
        started = time.monotonic()
        print(f"{0:>8}  {rss_mib(pid):>8.1f}  {0:>8.1f}", flush=True)
        for thread in threads:
            thread.start()
        marks = sorted({args.events // 10 * k for k in range(1, 11)} | {args.events})
        samples = []
        for mark in marks:
            while counter[0] < mark and any(t.is_alive() for t in threads):
                time.sleep(0.05)
            if mark == args.events:
                for thread in threads:
                    thread.join()
            samples.append(rss_mib(pid))
            print(f"{mark:>8}  {samples[-1]:>8.1f}  {time.monotonic() - started:>8.1f}", flush=True)
        growth = samples[-1] - samples[0]
        print(f"growth from {marks[0]} to {marks[-1]} events: {growth:+.1f} MiB; failed requests: {len(failures)}")
        return 0
    finally:
        children.stop_all()
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
