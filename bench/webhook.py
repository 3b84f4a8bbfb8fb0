"""Webhook benchmark: the bot under gunicorn against a minimal Flask webhook, same load, same box.

Run: .venv/bin/python bench/webhook.py [--events 4000] [--connections 16] [--quick]
                                       [--database-url postgresql+psycopg://…]
See bench/README.md for what is measured. All traffic stays on 127.0.0.1; every phase has a deadline.
"""
from __future__ import annotations

import argparse
import atexit
import http.client
import json
import math
import os
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make `bot` and `bench` importable

from bench.minimal_app import init_db  # noqa: E402
from bot.sandbox.events import signed_request, user_text_event  # noqa: E402
from config.settings import SANDBOX_DATA_KEY  # noqa: E402

VENV_BIN = ROOT / ".venv" / "bin"
APP_ID, OA_ID, OA_SECRET, APP_SECRET = "bench-app", "bench-oa", "bench-oa-secret", "bench-app-secret"
ACCESS_TOKEN, REFRESH_TOKEN = "bench-access-1", "bench-refresh-1"
MESSAGES_PER_USER = 10
START_TIMEOUT = 60.0      # seconds for a child process to become ready
REQUEST_TIMEOUT = 10.0    # seconds for one webhook POST
SETTLE_SECONDS = 1.0      # after the last expected reply, watch for late duplicates
STALL_SECONDS = 30.0      # no new reply for this long: stop waiting, count the rest as lost


# --- child processes -------------------------------------------------------------------------------

class Children:
    """Processes this run started; each runs in its own session so its whole group can be stopped."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.running: list[subprocess.Popen] = []
        atexit.register(self.stop_all)

    def start(self, name: str, args: list[str], env: dict[str, str], cwd: Path) -> tuple[subprocess.Popen, Path]:
        """Start a process with stdout and stderr in logs/NAME.log; return it and its log path."""
        log = self.logs / f"{name}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        self.running.append(proc)
        return proc, log

    def stop(self, proc: subprocess.Popen, grace: float = 15.0) -> None:
        """SIGTERM the process group, then SIGKILL it if it has not ended within `grace` seconds."""
        if proc in self.running:
            self.running.remove(proc)
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            if proc.poll() is not None:
                return
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                proc.wait(wait)
            except subprocess.TimeoutExpired:
                continue

    def stop_all(self) -> None:
        for proc in list(reversed(self.running)):
            self.stop(proc, grace=5.0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_line(proc: subprocess.Popen, log: Path, prefix: str, timeout: float = START_TIMEOUT) -> str:
    """Return the first line of the log starting with `prefix`; fail if the process dies or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in log.read_text(errors="replace").splitlines():
            if line.startswith(prefix):
                return line
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(f"{log.stem} did not print {prefix!r}; last log lines:\n{tail(log)}")


def tail(log: Path, lines: int = 20) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def http_json(port: int, path: str, timeout: float = 30.0):
    """GET a loopback URL and decode its JSON (no proxies, no environment)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


def wait_healthy(proc: subprocess.Popen, log: Path, port: int, timeout: float = START_TIMEOUT) -> None:
    """Wait until GET /healthz answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if http_json(port, "/healthz", timeout=2.0)[0] == 200:
                return
        except (OSError, ValueError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{log.stem} never became healthy; last log lines:\n{tail(log)}")


def start_standin(children: Children, name: str, webhook_url: str | None = None,
                  delay_ms: float = 0.0) -> tuple[subprocess.Popen, int]:
    """Start a fresh stand-in process (sending Zalo's echoes to `webhook_url` if given, answering
    every call after `delay_ms`); return it and its port."""
    args = [str(VENV_BIN / "python"), "-m", "bench.standin_server", "--port", "0", "--app-id", APP_ID,
            "--app-secret", APP_SECRET, "--oa-id", OA_ID, "--access-token", ACCESS_TOKEN,
            "--refresh-token", REFRESH_TOKEN, "--delay-ms", str(delay_ms)]
    if webhook_url:
        args += ["--webhook-url", webhook_url, "--oa-secret-key", OA_SECRET]
    proc, log = children.start(name, args, dict(os.environ), ROOT)
    url = wait_for_line(proc, log, "READY ").split()[1]
    return proc, int(url.rsplit(":", 1)[1])


# --- CPU accounting (Linux /proc) --------------------------------------------------------------------

CLOCK_TICK = os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> float:
    """CPU time all cores spent busy since boot (user, nice, system, irq, softirq, steal)."""
    with open("/proc/stat") as stat:
        fields = stat.readline().split()[1:]
    return sum(int(fields[i]) for i in (0, 1, 2, 5, 6, 7)) / CLOCK_TICK


def _process_table() -> tuple[dict[int, int], dict[int, float]]:
    """(parent of each pid, CPU seconds each has used) for every live process."""
    parents, used = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended meanwhile
            parents[int(entry)] = int(fields[1])
            used[int(entry)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICK
    return parents, used


def tree_cpu_seconds(root: int | None = None, table=None) -> float:
    """CPU time used so far by a process (default: this one) and every live descendant."""
    parents, used = table or _process_table()
    total, todo = 0.0, [os.getpid() if root is None else root]
    while todo:
        pid = todo.pop()
        total += used.get(pid, 0.0)
        todo += [child for child, parent in parents.items() if parent == pid]
    return total


def servers_named(name: str) -> list[int]:
    """The topmost processes whose command name is `name` (e.g. PostgreSQL's postmaster, not ours:
    counting from it down takes in every backend)."""
    named = set()
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and Path(f"/proc/{entry}/comm").read_text().strip() == name:
                named.add(int(entry))
        except OSError:
            continue
    parents, _used = _process_table()
    return sorted(pid for pid in named if parents.get(pid) not in named)


def cpu_by_role(roles: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds used so far by each role's processes and their descendants (one reading of /proc)."""
    table = _process_table()
    return {role: sum(tree_cpu_seconds(pid, table) for pid in pids) for role, pids in roles.items()}


def cpu_snapshot() -> tuple[float, float]:
    return machine_cpu_seconds(), tree_cpu_seconds()


def cores_used(before: tuple[float, float], after: tuple[float, float], seconds: float) -> tuple[float, float]:
    """Return (cores used by the bench's processes, cores used by everything else) over `seconds`."""
    machine, ours = after[0] - before[0], after[1] - before[1]
    return ours / seconds, max(0.0, machine - ours) / seconds


# --- load ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Delivery:
    """One prepared webhook POST."""

    user_id: str
    msg_id: str
    raw: bytes
    headers: dict


def make_deliveries(tag: str, count: int) -> list[Delivery]:
    """Return `count` distinct signed user_send_text events, MESSAGES_PER_USER per synthetic user,
    interleaved so consecutive requests come from different users."""
    users = max(1, -(-count // MESSAGES_PER_USER))
    deliveries = []
    for i in range(count):
        user_id = f"{tag}{i % users:06d}"  # synthetic ids, never a real person
        msg_id = f"{tag}{uuid.uuid4().hex}"
        event = user_text_event(APP_ID, OA_ID, user_id, "xin chào", msg_id=msg_id)
        raw, headers = signed_request(event, APP_ID, OA_SECRET)
        deliveries.append(Delivery(user_id, msg_id, raw, headers))
    return deliveries


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)  # seconds, acknowledged requests only
    statuses: Counter = field(default_factory=Counter)
    reconnects: int = 0
    elapsed: float = 0.0
    cores: tuple[float, float] = (0.0, 0.0)  # (bench processes, everything else) during the load
    acked: list[Delivery] = field(default_factory=list)


def post(conn: http.client.HTTPConnection, delivery: Delivery) -> int:
    conn.request("POST", "/zalo/webhook", body=delivery.raw, headers=delivery.headers)
    response = conn.getresponse()
    response.read()
    return response.status


def post_with_reconnect(port: int, conns: list, delivery: Delivery, result: LoadResult, lock) -> int:
    """POST once; if the kept-alive connection was closed under us, reconnect and resend once (as
    Zalo would redeliver). Returns the HTTP status, or 0 when the request failed."""
    for attempt in range(2):
        try:
            return post(conns[0], delivery)
        except (http.client.HTTPException, OSError):
            conns[0].close()
            conns[0] = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
            if attempt == 0:
                with lock:
                    result.reconnects += 1
    return 0


def client_loop(port: int, pending, lock: threading.Lock, deadline: float, result: LoadResult) -> None:
    """One connection: take the next delivery until none is left or the deadline passes."""
    conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)]
    latencies, statuses, acked = [], Counter(), []
    while time.monotonic() < deadline:
        with lock:
            delivery = next(pending, None)
        if delivery is None:
            break
        started = time.perf_counter()
        status = post_with_reconnect(port, conns, delivery, result, lock)
        statuses[status] += 1
        if status == 200:
            latencies.append(time.perf_counter() - started)
            acked.append(delivery)
    conns[0].close()
    with lock:
        result.latencies += latencies
        result.statuses.update(statuses)
        result.acked += acked


def drive(port: int, deliveries: list[Delivery], connections: int, max_seconds: float) -> LoadResult:
    """POST every delivery from `connections` keep-alive connections; stop at the deadline."""
    result, lock, pending = LoadResult(), threading.Lock(), iter(deliveries)
    deadline = time.monotonic() + max_seconds
    threads = [threading.Thread(target=client_loop, args=(port, pending, lock, deadline, result),
                                name=f"client-{i}") for i in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.elapsed = time.perf_counter() - started
    return result


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def wait_for_replies(standin_port: int, expected: int, timeout: float) -> float:
    """Poll the stand-in until `expected` replies arrived (or no progress / timeout); return how
    long the replies took to arrive after the load ended."""
    started = time.monotonic()
    last_count, last_change = -1, started
    while time.monotonic() - started < timeout:
        count = http_json(standin_port, "/_standin/stats")[1]["messages"]
        if count >= expected:
            drained = time.monotonic() - started
            time.sleep(SETTLE_SECONDS)  # late duplicates would still show up in the count
            return drained
        if count != last_count:
            last_count, last_change = count, time.monotonic()
        elif time.monotonic() - last_change > STALL_SECONDS:
            break  # nothing arrived for a while: the rest is lost, not late
        time.sleep(0.1)
    return time.monotonic() - started


# --- counting --------------------------------------------------------------------------------------

def delivered_replies(standin_port: int) -> Counter:
    """Return how many replies the stand-in recorded per user."""
    status, body = http_json(standin_port, "/_standin/messages", timeout=60.0)
    if status != 200:
        raise RuntimeError(f"stand-in answered {status} to /_standin/messages")
    return Counter(message["user_id"] for message in body["messages"])


@dataclass
class Result:
    """What one app did with the same load."""

    name: str
    load: LoadResult
    sent: int                      # warm-up + measured events posted
    acked_ids: set[str]            # msg_ids answered 200
    rows: list[tuple[str, str, str]]  # stored (msg_id, user_id, status) for the events we sent
    replies: Counter               # replies per user at the stand-in
    replies_per_event: int
    drain: float                   # seconds from the end of the load to the last reply

    @property
    def acked(self) -> int:
        return len(self.acked_ids)

    @property
    def stored(self) -> int:
        return len({msg_id for msg_id, _, _ in self.rows})

    @property
    def lost_events(self) -> int:
        """Acknowledged events missing from the database."""
        return len(self.acked_ids - {msg_id for msg_id, _, _ in self.rows})

    @property
    def duplicate_events(self) -> int:
        return len(self.rows) - self.stored

    @property
    def unprocessed(self) -> int:
        return sum(1 for _, _, status in self.rows if status not in ("done", "stored"))

    def expected_replies(self) -> Counter:
        """Replies each user should get: replies_per_event for each of their stored events."""
        per_user = Counter({msg_id: user for msg_id, user, _ in self.rows}.values())
        return Counter({user: n * self.replies_per_event for user, n in per_user.items()})

    def reply_errors(self) -> tuple[int, int]:
        """Return (missing, extra) replies summed over users."""
        expected, missing, extra = self.expected_replies(), 0, 0
        for user in set(expected) | set(self.replies):
            missing += max(0, expected[user] - self.replies[user])
            extra += max(0, self.replies[user] - expected[user])
        return missing, extra


def bot_rows(database_url: str, sent_ids: set[str]) -> list[tuple[str, str, str]]:
    """Read the bot's events table (SQLite or PostgreSQL) for the events this run sent."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT dedupe_key, user_id, status FROM events")).all()
    finally:
        engine.dispose()
    found = [(key.split(":", 1)[1], user, status) for key, user, status in rows]
    return [row for row in found if row[0] in sent_ids]


def minimal_rows(db_path: Path, sent_ids: set[str]) -> list[tuple[str, str, str]]:
    """Read the minimal app's events table (every stored row counts as handled: 'stored')."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        rows = conn.execute("SELECT msg_id, user_id FROM events").fetchall()
    finally:
        conn.close()
    return [(msg_id, user, "stored") for msg_id, user in rows if msg_id in sent_ids]


# --- the two apps ----------------------------------------------------------------------------------

@dataclass
class BenchConfig:
    events: int
    warmup: int
    connections: int
    database_url: str | None
    max_seconds: float
    drain_seconds: float
    workdir: Path


class BotApp:
    """The bot as deployed: gunicorn (gunicorn.conf.py) for the web, one `flask worker` process."""

    name, tag, replies_per_event = "bot", "b", 2  # every text gets a welcome and the menu

    def __init__(self, database_url: str, workers: int = 1):
        self.database_url, self.workers = database_url, workers

    def env(self, standin_port: int, port: int) -> dict[str, str]:
        base = f"http://127.0.0.1:{standin_port}"
        return {**os.environ, "DATABASE_URL": self.database_url, "ZALO_SANDBOX": "0",
                "ZALO_APP_ID": APP_ID, "ZALO_OA_ID": OA_ID, "ZALO_OA_SECRET_KEY": OA_SECRET,
                "ZALO_APP_SECRET": APP_SECRET, "ZALO_ACCESS_TOKEN": ACCESS_TOKEN,
                "ZALO_REFRESH_TOKEN": REFRESH_TOKEN, "ZALO_API_BASE": base, "ZALO_OAUTH_BASE": base,
                "SECRET_KEY": "bench-secret-key", "DATA_KEY": SANDBOX_DATA_KEY, "HOST": "127.0.0.1", "PORT": str(port)}

    def start(self, children: Children, standin_port: int,
              port: int | None = None) -> tuple[list[subprocess.Popen], int]:
        """Start the web (migrations run in gunicorn's master), then the worker."""
        port = port or free_port()
        env = self.env(standin_port, port)
        web, web_log = children.start("bot-web", [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py",
                                                  "wsgi:app"], env, ROOT)
        wait_healthy(web, web_log, port)
        processes = [web]
        for number in range(self.workers):  # the first runs the scheduler; the others only work
            extra = ["--without-scheduler"] if number else []
            worker, worker_log = children.start(f"bot-worker-{number}", [str(VENV_BIN / "flask"), "--app", "wsgi",
                                                                         "worker", *extra], env, ROOT)
            wait_for_line(worker, worker_log, "Worker running")
            processes.append(worker)
        return processes, port

    def rows(self, sent_ids: set[str]) -> list[tuple[str, str, str]]:
        return bot_rows(self.database_url, sent_ids)


class MinimalApp:
    """bench/minimal_app.py under gunicorn with the worker settings of gunicorn.conf.py."""

    name, tag, replies_per_event = "minimal", "m", 1

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.db_path = workdir / "minimal.db"

    def gunicorn_args(self, port: int) -> list[str]:
        """Flags mirroring gunicorn.conf.py (read, not copied, so the two cannot drift apart)."""
        conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        return [str(VENV_BIN / "gunicorn"), "--pythonpath", str(ROOT), "--bind", f"127.0.0.1:{port}",
                "--workers", str(conf["workers"]), "--worker-class", conf["worker_class"],
                "--threads", str(conf["threads"]), "--timeout", str(conf["timeout"]),
                "bench.minimal_app:app"]

    def start(self, children: Children, standin_port: int,
              port: int | None = None) -> tuple[list[subprocess.Popen], int]:
        init_db(str(self.db_path))
        port = port or free_port()
        env = {**os.environ, "MINIMAL_DB": str(self.db_path), "MINIMAL_APP_ID": APP_ID,
               "MINIMAL_OA_SECRET_KEY": OA_SECRET, "MINIMAL_ACCESS_TOKEN": ACCESS_TOKEN,
               "MINIMAL_API_BASE": f"http://127.0.0.1:{standin_port}"}
        # cwd is the work dir so gunicorn does not pick up the bot's ./gunicorn.conf.py (and its hook).
        web, log = children.start("minimal-web", self.gunicorn_args(port), env, self.workdir)
        wait_healthy(web, log, port)
        return [web], port

    def rows(self, sent_ids: set[str]) -> list[tuple[str, str, str]]:
        return minimal_rows(self.db_path, sent_ids)


def run_app(app, cfg: BenchConfig, children: Children) -> Result:
    """Start a fresh stand-in and the app, warm up, drive the load, wait for replies, count."""
    print(f"[{app.name}] starting", file=sys.stderr, flush=True)
    standin, standin_port = start_standin(children, f"standin-{app.name}")
    processes, port = app.start(children, standin_port)
    warmup = make_deliveries(app.tag + "w", cfg.warmup)
    measured = make_deliveries(app.tag, cfg.events)
    try:
        warm = drive(port, warmup, cfg.connections, cfg.max_seconds)
        print(f"[{app.name}] warmed up; driving {len(measured)} events", file=sys.stderr, flush=True)
        before = cpu_snapshot()
        load = drive(port, measured, cfg.connections, cfg.max_seconds)
        load.cores = cores_used(before, cpu_snapshot(), load.elapsed)
        posted = sum(warm.statuses.values()) + sum(load.statuses.values())
        acked = {d.msg_id for d in warm.acked + load.acked}
        drain = wait_for_replies(standin_port, len(acked) * app.replies_per_event, cfg.drain_seconds)
    finally:
        for proc in reversed(processes):
            children.stop(proc)
    sent_ids = {d.msg_id for d in warmup + measured}
    result = Result(app.name, load, posted, acked, app.rows(sent_ids), delivered_replies(standin_port),
                    app.replies_per_event, drain)
    children.stop(standin)
    return result


# --- report ----------------------------------------------------------------------------------------

COLUMNS = ("app", "req/s", "p50 ms", "p99 ms", "sent", "acked", "stored", "dup ev", "unproc",
           "replies exp", "delivered", "dup rep", "lost", "drain s")


def row_of(result: Result) -> list[str]:
    load = result.load
    missing, extra = result.reply_errors()
    lost = result.lost_events + missing
    return [result.name, f"{len(load.latencies) / load.elapsed:.0f}" if load.elapsed else "-",
            f"{percentile(load.latencies, 0.50) * 1000:.1f}", f"{percentile(load.latencies, 0.99) * 1000:.1f}",
            str(result.sent), str(result.acked), str(result.stored), str(result.duplicate_events),
            str(result.unprocessed), str(sum(result.expected_replies().values())),
            str(sum(result.replies.values())), str(extra), str(lost), f"{result.drain:.1f}"]


OTHERS_WARNING = "  <- other work shared the cores: figures are pessimistic"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_report(cfg: BenchConfig, backend: str, bot: Result, minimal: Result) -> None:
    rows = [COLUMNS, row_of(bot), row_of(minimal)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    print(f"\nWebhook benchmark: {cfg.events} events (+{cfg.warmup} warm-up), {cfg.connections} connections, "
          f"bot database: {backend}, minimal app database: sqlite")
    for row in rows:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths)))
    bot_rps, minimal_rps = (len(r.load.latencies) / r.load.elapsed for r in (bot, minimal))
    ratio = bot_rps / minimal_rps if minimal_rps else 0.0
    p99_ms = percentile(bot.load.latencies, 0.99) * 1000
    missing, extra = bot.reply_errors()
    lost = bot.lost_events + missing + (bot.sent - bot.acked)
    clean = lost == 0 and bot.duplicate_events + extra == 0
    print(f"\nthroughput ratio bot/minimal: {ratio:.2f} (target >= 0.50)  {verdict(ratio >= 0.5)}")
    print(f"bot p99 acknowledgement: {p99_ms:.1f} ms (target < 100 ms)  {verdict(p99_ms < 100)}")
    print(f"bot lost or duplicated events and replies: {lost} lost, "
          f"{bot.duplicate_events + extra} duplicated (target 0)  {verdict(clean)}")
    print_notes(bot, minimal)


def print_notes(*results: Result) -> None:
    """Print where the CPU went during each load, and any failed or retried request."""
    for result in results:
        ours, others = result.load.cores
        print(f"cpu during the {result.name} load: {ours:.2f} cores for the bench's processes, "
              f"{others:.2f} for everything else (PostgreSQL included, if used)"
              f"{OTHERS_WARNING if others > 0.25 else ''}")
    for result in results:
        other = {k: v for k, v in result.load.statuses.items() if k != 200}
        if other or result.load.reconnects:
            print(f"note: {result.name}: non-200 answers {dict(other)} (0 = no answer), "
                  f"reconnects {result.load.reconnects}")


# --- main ------------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark the webhook against a minimal Flask app.")
    parser.add_argument("--events", type=int, default=4000, help="measured events (default 4000)")
    parser.add_argument("--quick", action="store_true", help="500 events")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=200, help="warm-up events, not in the figures")
    parser.add_argument("--database-url", default=None,
                        help="bot database; PostgreSQL gets a fresh schema (default: fresh SQLite file)")
    parser.add_argument("--max-seconds", type=float, default=300.0, help="deadline for each load phase")
    parser.add_argument("--drain-seconds", type=float, default=300.0,
                        help="deadline to wait for the replies after the load (default 300)")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (logs, SQLite files)")
    args = parser.parse_args(argv)
    if args.quick:
        args.events = 500
    return args


def prepare_database(url: str | None, workdir: Path):
    """Return (bot database URL, backend name, cleanup). PostgreSQL gets a fresh schema."""
    if not url:
        return f"sqlite:///{workdir / 'bot.db'}", "sqlite", lambda: None
    if url.startswith("sqlite"):
        return url, "sqlite", lambda: None
    from sqlalchemy import create_engine, text

    schema = "bench_" + uuid.uuid4().hex[:10]
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}", "postgresql", drop


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks: stop children
    # Both apps run with the production web settings: 2 gunicorn workers x 4 threads.
    os.environ.update(WEB_CONCURRENCY="2", WEB_THREADS="4")
    workdir = Path(tempfile.mkdtemp(prefix="bench-webhook-"))
    database_url, backend, cleanup = prepare_database(args.database_url, workdir)
    cfg = BenchConfig(args.events, args.warmup, args.connections, database_url, args.max_seconds,
                   args.drain_seconds, workdir)
    children = Children(workdir)
    try:
        bot = run_app(BotApp(database_url), cfg, children)
        minimal = run_app(MinimalApp(workdir), cfg, children)
    finally:
        children.stop_all()
        cleanup()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print_report(cfg, backend, bot, minimal)
    if args.keep:
        print(f"logs and databases kept in {workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
