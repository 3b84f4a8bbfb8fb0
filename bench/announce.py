"""Announcement throughput: one notice to N members through a Zalo stand-in that answers each call
after a delay, at the configured rate. Prints the time taken against the bound the rate sets
(N / rate), and the process's peak memory.

    .venv/bin/python bench/announce.py                       # 10,000 members, 50 ms, ANNOUNCE_RATE_PER_MINUTE
    .venv/bin/python bench/announce.py --members 2000 --rate 6000
    .venv/bin/python bench/announce.py --database-url postgresql+psycopg://…

Target: time taken within 1/0.9 of the bound (at least 90 % of the configured rate).
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import create_app  # noqa: E402
from bot.store import upgrade_schema  # noqa: E402
from bot.store.models import utcnow  # noqa: E402
from config import Settings  # noqa: E402

APP_ID, OA_ID, OA_SECRET, APP_SECRET = "bench-app", "bench-oa", "bench-oa-secret", "bench-app-secret"
TEXT = "Thông báo: tổ chức tổng vệ sinh môi trường sáng Chủ nhật, 7h tập trung tại nhà văn hóa."


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--delay-ms", type=float, default=50.0, help="stand-in answer delay")
    parser.add_argument("--rate", type=int, default=None,
                        help="messages per minute (default: ANNOUNCE_RATE_PER_MINUTE or its default)")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    return parser.parse_args()


def start_standin(delay_ms: float) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.standin_server", "--port", "0", "--app-id", APP_ID, "--app-secret",
         APP_SECRET, "--oa-id", OA_ID, "--access-token", "bench-access", "--refresh-token", "bench-refresh",
         "--delay-ms", str(delay_ms)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("READY "):
        proc.kill()
        raise SystemExit(f"stand-in did not start: {line!r}")
    return proc, line.split()[1]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    args = parse_args()
    rate = args.rate or int(os.environ.get("ANNOUNCE_RATE_PER_MINUTE") or Settings().announce_rate_per_minute)
    workdir = tempfile.mkdtemp(prefix="bench-announce-")
    database_url = args.database_url or f"sqlite:///{workdir}/bot.db"
    standin, url = start_standin(args.delay_ms)
    try:
        settings = Settings(database_url=database_url, sandbox=False, app_id=APP_ID, oa_id=OA_ID,
                            oa_secret_key=OA_SECRET, app_secret=APP_SECRET, access_token="bench-access",
                            refresh_token="bench-refresh", api_base=url, oauth_base=url, secret_key="bench",
                            announce_quiet_hours=None, announce_rate_per_minute=rate,
                            worker_threads=1 if database_url.startswith("sqlite") else 4)
        app = create_app(settings)
        services = app.extensions["bot"]
        upgrade_schema(services.store.engine)
        now = utcnow()
        with services.store.unit() as uow:
            for number in range(args.members):
                uow.members.record_interaction(f"member-{number:06d}", now)
            announcement = uow.announcements.add(TEXT, "bench", status="scheduled", send_at=now)
            uow.commit()
        rss_before = peak_rss_mib()
        services.worker.start()
        started = time.monotonic()
        services.announcer.run_due()
        elapsed = time.monotonic() - started
        services.worker.stop()
        with services.store.unit() as uow:
            counts = uow.announcements.counts(announcement.id)
            status = uow.announcements.get(announcement.id).status
        bound = args.members / (rate / 60.0)
        efficiency = bound / elapsed if elapsed else 0.0
        print(f"\nAnnouncement benchmark: {args.members} members, stand-in answering after {args.delay_ms:.0f} ms, "
              f"rate {rate}/min, database {database_url.split(':')[0]}")
        print(f"{'status':<8} {'sent':>6} {'failed':>6} {'other':>6} {'time s':>8} {'bound s':>8} "
              f"{'of rate':>8} {'peak RSS MiB':>13} {'RSS growth MiB':>15}")
        other = sum(n for k, n in counts.items() if k not in ("sent", "failed"))
        print(f"{status:<8} {counts.get('sent', 0):>6} {counts.get('failed', 0):>6} {other:>6} {elapsed:>8.1f} "
              f"{bound:>8.1f} {efficiency:>7.0%} {peak_rss_mib():>13.0f} {peak_rss_mib() - rss_before:>15.0f}")
        verdict = "PASS" if efficiency >= 0.9 and counts.get("sent", 0) == args.members else "FAIL"
        print(f"\nsent at {efficiency:.0%} of the configured rate (target >= 90%, every member once)  {verdict}")
        services.store.dispose()
    finally:
        standin.terminate()
        standin.wait(10)


if __name__ == "__main__":
    main()
