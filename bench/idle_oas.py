"""Many OAs in one worker process, nothing happening (issue 26): what `flask --app wsgi worker` costs
while idle with 1, 50, 500 OAs on one deployment.

Run: .venv/bin/python bench/idle_oas.py [--oas 1,50,500] [--seconds 60] [--database-url …] [--root PATH]

For each count: a fresh database (SQLite file, or a PostgreSQL schema), migrated; a stand-in playing
every OA (bench/standin_server.py, its own process), so nothing reaches the internet; the worker started
from --root (default this repository) with this Python. Once it says it runs, it settles for 10 s, then
for --seconds we read its CPU (all threads, % of one core), its threads (the most seen), its RSS at the
end, and count the log's «taken for dead» lines (start to stop). Targets at the largest count: idle CPU
under 5 % of a core and within 2× of one OA's; RSS under 200 MiB; no worker taken for dead.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make `bench`, `bot` and `config` importable

from bench.standin_server import bench_oas, extra_oas_env  # noqa: E402
from bench.webhook import (  # noqa: E402
    ACCESS_TOKEN,
    APP_ID,
    APP_SECRET,
    CLOCK_TICK,
    OA_ID,
    OA_SECRET,
    REFRESH_TOKEN,
    Children,
    machine_cpu_seconds,
    prepare_database,
    tail,
    wait_for_line,
)
from config.settings import SANDBOX_DATA_KEY  # noqa: E402

SETTLE_SECONDS = 10.0
READY_MARKS = ("Worker running",)  # what `flask worker` prints once its workers and scheduler run
DEAD_MARK = "taken for dead"
MAX_CPU_PERCENT, MAX_CPU_RATIO, MAX_RSS_MIB = 5.0, 2.0, 200.0


@dataclass
class Reading:
    """What one worker process did with `oas` OAs; started is None when it did not start in time."""

    oas: int
    started: float | None = None  # seconds from launch to READY_MARKS
    cpu_percent: float = 0.0      # % of one core over the window
    threads: int = 0              # the most seen over the window
    rss_mib: float = 0.0          # at the end of the window (or when it was given up)
    dead: int = 0                 # «taken for dead» lines in its log
    stopped: float = 0.0          # seconds from SIGTERM to exit
    others: float = 0.0           # cores every other process kept busy over the window
    note: str = ""


# --- /proc -----------------------------------------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    """utime + stime of the process (every thread)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICK


def status_field(pid: int, name: str) -> int:
    """An integer field of /proc/<pid>/status (Threads, VmRSS in kB); 0 once the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


# --- one count -------------------------------------------------------------------------------------

def worker_env(database_url: str, standin_url: str, count: int) -> dict[str, str]:
    """The worker's environment: real-OA mode against the stand-in, the main OA and count - 1 more."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ZALO_", "WORKER_", "ANNOUNCE_", "OA_")) and k != "EXTRA_OAS"}
    env.update(DATABASE_URL=database_url, ZALO_SANDBOX="0", ZALO_APP_ID=APP_ID, ZALO_OA_ID=OA_ID,
               ZALO_OA_SECRET_KEY=OA_SECRET, ZALO_APP_SECRET=APP_SECRET, ZALO_ACCESS_TOKEN=ACCESS_TOKEN,
               ZALO_REFRESH_TOKEN=REFRESH_TOKEN, ZALO_API_BASE=standin_url, ZALO_OAUTH_BASE=standin_url,
               SECRET_KEY="bench-secret-key", DATA_KEY=SANDBOX_DATA_KEY, PYTHONUNBUFFERED="1")
    env.update(extra_oas_env(bench_oas(count, OA_ID, OA_SECRET, ACCESS_TOKEN, REFRESH_TOKEN)))
    return env


def start_standin(children: Children, count: int) -> tuple[subprocess.Popen, str]:
    """A stand-in playing every OA; return it and its URL."""
    args = [sys.executable, "-m", "bench.standin_server", "--port", "0", "--app-id", APP_ID,
            "--app-secret", APP_SECRET, "--oa-id", OA_ID, "--access-token", ACCESS_TOKEN,
            "--refresh-token", REFRESH_TOKEN, "--oas", str(count)]
    proc, log = children.start(f"standin-{count}", args, dict(os.environ), ROOT)
    return proc, wait_for_line(proc, log, "READY ").split()[1]


def wait_started(proc: subprocess.Popen, log: Path, timeout: float, max_rss_mib: float) -> tuple[float | None, str]:
    """Seconds until the worker printed a READY mark; None and why, if it died, timed out or grew too big."""
    began = time.monotonic()
    while (elapsed := time.monotonic() - began) < timeout:
        if any(mark in log.read_text(errors="replace") for mark in READY_MARKS):
            return elapsed, ""
        if proc.poll() is not None:
            return None, f"exited with {proc.returncode}: {tail(log, 5)}"
        if (rss := status_field(proc.pid, "VmRSS") / 1024) > max_rss_mib:
            return None, f"RSS {rss:.0f} MiB after {elapsed:.0f} s: given up"
        time.sleep(0.2)
    return None, f"did not start within {timeout:.0f} s"


def watch(pid: int, seconds: float) -> tuple[float, int, float]:
    """(% of one core used, most threads seen, cores all other processes used) over `seconds`."""
    began, cpu_before, threads = time.monotonic(), cpu_seconds(pid), status_field(pid, "Threads")
    machine_before = machine_cpu_seconds()
    while (left := began + seconds - time.monotonic()) > 0:
        time.sleep(min(1.0, left))
        threads = max(threads, status_field(pid, "Threads"))
    elapsed, used = time.monotonic() - began, cpu_seconds(pid) - cpu_before
    return used / elapsed * 100, threads, max(0.0, machine_cpu_seconds() - machine_before - used) / elapsed


def measure(count: int, args: argparse.Namespace, workdir: Path) -> Reading:
    """Start a stand-in and the worker with `count` OAs on a fresh database, measure it idle, stop both."""
    database_url, _backend, cleanup = prepare_database(args.database_url, workdir)
    children, reading = Children(workdir), Reading(count)
    try:
        _standin, url = start_standin(children, count)
        env = worker_env(database_url, url, count)
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        subprocess.run([*flask, "db", "upgrade"], cwd=args.root, env=env, check=True, timeout=300,
                       stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        print(f"[{count} OAs] starting the worker", file=sys.stderr, flush=True)
        worker, log = children.start(f"worker-{count}", [*flask, "worker"], env, args.root)
        reading.started, reading.note = wait_started(worker, log, args.start_timeout, args.max_rss_mib)
        if reading.started is not None:
            time.sleep(SETTLE_SECONDS)
            reading.cpu_percent, reading.threads, reading.others = watch(worker.pid, args.seconds)
        reading.rss_mib = status_field(worker.pid, "VmRSS") / 1024
        stopping = time.monotonic()
        children.stop(worker, grace=60.0)
        reading.stopped = time.monotonic() - stopping
        reading.dead = log.read_text(errors="replace").count(DEAD_MARK)
    finally:
        children.stop_all()
        cleanup()
    return reading


# --- report ----------------------------------------------------------------------------------------

def row(reading: Reading) -> list[str]:
    if reading.started is None:
        return [str(reading.oas), "did not start", "-", f"{reading.rss_mib:.0f}", "-", str(reading.dead),
                f"{reading.stopped:.1f}", "-"]
    return [str(reading.oas), f"{reading.cpu_percent:.1f} %", str(reading.threads), f"{reading.rss_mib:.0f}",
            f"{reading.started:.1f}", str(reading.dead), f"{reading.stopped:.1f}", f"{reading.others:.2f}"]


def print_report(readings: list[Reading], seconds: float) -> None:
    header = ["OAs", "idle CPU (% of a core)", "threads (max)", "RSS MiB", "start s", "taken for dead", "stop s",
              "others (cores)"]
    rows = [header] + [row(r) for r in readings]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    print(f"\nIdle worker process (`flask --app wsgi worker`), {seconds:.0f} s after {SETTLE_SECONDS:.0f} s settling")
    for cells in rows:
        print("  ".join(cell.rjust(width) for cell, width in zip(cells, widths)))
    for reading in readings:
        if reading.note:
            print(f"{reading.oas} OAs: {reading.note}")
    print_verdicts(readings)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_verdicts(readings: list[Reading]) -> None:
    """Idle CPU at the largest count against one OA's, and each target PASS or FAIL."""
    largest, one = max(readings, key=lambda r: r.oas), next((r for r in readings if r.oas == 1), None)
    up = largest.started is not None
    ratio = largest.cpu_percent / one.cpu_percent if up and one and one.started and one.cpu_percent else None
    shown = f"{ratio:.1f}×" if ratio is not None else "n/a"
    dead = sum(r.dead for r in readings)
    print(f"idle CPU {largest.oas} OAs ÷ 1 OA: {shown};  "
          f"CPU < {MAX_CPU_PERCENT:.0f} % at {largest.oas}: {verdict(up and largest.cpu_percent < MAX_CPU_PERCENT)};  "
          f"within {MAX_CPU_RATIO:.0f}× of 1 OA: {verdict(ratio is not None and ratio <= MAX_CPU_RATIO)};  "
          f"RSS < {MAX_RSS_MIB:.0f} MiB at {largest.oas}: {verdict(up and largest.rss_mib < MAX_RSS_MIB)};  "
          f"no worker taken for dead: {verdict(dead == 0)} ({dead})")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Idle cost of one worker process serving many OAs.")
    parser.add_argument("--oas", default="1,50,500", help="OA counts to measure, comma-separated")
    parser.add_argument("--seconds", type=float, default=60.0, help="measuring window after settling")
    parser.add_argument("--database-url", default=None, help="PostgreSQL gets a fresh schema (default: SQLite)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose worker runs (cwd)")
    parser.add_argument("--start-timeout", type=float, default=300.0, help="give up a start after this long")
    parser.add_argument("--max-rss-mib", type=float, default=4096.0, help="give up a start past this RSS")
    parser.add_argument("--keep", action="store_true", help="keep the logs and prints where they are")
    args = parser.parse_args(argv)
    args.counts = [int(n) for n in args.oas.split(",") if n.strip()]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks: stop children
    workdir = Path(tempfile.mkdtemp(prefix="bench-idle-oas-"))
    readings = []
    try:
        for count in args.counts:
            (workdir / str(count)).mkdir()
            readings.append(measure(count, args, workdir / str(count)))
    finally:
        if args.keep:
            print(f"logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print_report(readings, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
