"""Periodic jobs; the only module that imports APScheduler. Runs in exactly one process: the worker."""
from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger(__name__)
TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def start_scheduler(services) -> BackgroundScheduler:
    """Start the scheduler with the spine's jobs."""
    scheduler = BackgroundScheduler(timezone=TIMEZONE)
    from bot.jobs import evening_digest, minute_tick

    scheduler.add_job(services.tokens.refresh_if_expiring, "interval", minutes=30, id="zalo_token_refresh",
                      replace_existing=True, coalesce=True, max_instances=1)
    scheduler.add_job(minute_tick, "interval", minutes=1, args=[services], id="minute_tick",
                      replace_existing=True, coalesce=True, max_instances=1)
    scheduler.add_job(evening_digest, "cron", hour=services.runtime.digest_hour, minute=0, args=[services],
                      id="evening_digest", replace_existing=True, coalesce=True, max_instances=1,
                      misfire_grace_time=3600)
    scheduler.start()
    log.info("scheduler started")
    return scheduler
