"""Periodic jobs; the only module that imports APScheduler. Runs in exactly one process: the worker.

Scheduled announcements also get a one-off job at their minute in a persistent job store (the
database), so a restart keeps them; the announcement rows stay the truth (a job only wakes the
announcer, which sends what is due)."""
from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from bot.runtime.jobs import erase_expired, evening_digest, fill_member_names, minute_tick, nightly_backup

log = logging.getLogger(__name__)
TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
ANNOUNCEMENT_STORE = "announcements"
_announcers: dict[str, object] = {}  # OA id -> the running process's announcer, for jobs restored from the job store


def wake_announcer(announcement_id: int, oa_id: str | None = None) -> None:
    """The one-off job of a scheduled announcement (restored from the database after a restart;
    jobs written before several OAs were served name no OA and wake every announcer)."""
    for announcer_oa, announcer in list(_announcers.items()):
        if oa_id is None or announcer_oa == oa_id:
            log.info("announcement %s: its time has come", announcement_id)
            announcer.run_due()


def announcements_tick(services, scheduler) -> None:
    """Send what is due (or half-sent), and give each future announcement its one-off job."""
    services.announcer.run_due()
    from datetime import timezone
    with services.store.unit() as uow:
        future = [(a.id, a.send_at) for a in uow.announcements.listing(200, statuses=("scheduled",))]
    for announcement_id, send_at in future:
        job_id = f"announcement-{announcement_id}"  # announcement ids are unique across OAs
        if send_at is not None and scheduler.get_job(job_id, jobstore=ANNOUNCEMENT_STORE) is None:
            scheduler.add_job(wake_announcer, "date", run_date=send_at.replace(tzinfo=timezone.utc),
                              args=[announcement_id, services.settings.oa_id], id=job_id,
                              jobstore=ANNOUNCEMENT_STORE, misfire_grace_time=None, coalesce=True)


def start_scheduler(*all_services) -> BackgroundScheduler:
    """Start the scheduler with every OA's jobs (one set of jobs per OA, ids suffixed by its OA id)."""
    scheduler = BackgroundScheduler(timezone=TIMEZONE)
    _announcers.clear()  # one scheduler per process: the announcers of an earlier one are gone
    scheduler.add_jobstore(SQLAlchemyJobStore(engine=all_services[0].store.engine, tablename="scheduled_jobs"),
                           alias=ANNOUNCEMENT_STORE)
    for services in all_services:
        _announcers[services.settings.oa_id] = services.announcer
        _add_jobs(scheduler, services, "" if len(all_services) == 1 else f":{services.settings.oa_id}")
    main = all_services[0].settings
    if main.backup_nightly:  # one job for every OA: they share the database
        scheduler.add_job(nightly_backup, "cron", hour=main.backup_hour, minute=0, args=[list(all_services)],
                          id="nightly_backup", replace_existing=True, coalesce=True, max_instances=1,
                          misfire_grace_time=6 * 3600)
    scheduler.start()
    log.info("scheduler started for %s OA(s)", len(all_services))
    return scheduler


def _add_jobs(scheduler: BackgroundScheduler, services, suffix: str) -> None:
    """One OA's periodic jobs: token refresh, the minute tick, the digest, names, retention, announcements."""
    common = dict(replace_existing=True, coalesce=True, max_instances=1)
    scheduler.add_job(services.tokens.refresh_if_expiring, "interval", minutes=30,
                      id="zalo_token_refresh" + suffix, **common)
    scheduler.add_job(minute_tick, "interval", minutes=1, args=[services], id="minute_tick" + suffix, **common)
    scheduler.add_job(evening_digest, "cron", hour=services.runtime.digest_hour, minute=0, args=[services],
                      id="evening_digest" + suffix, misfire_grace_time=3600, **common)
    scheduler.add_job(fill_member_names, "interval", minutes=1, args=[services], id="member_names" + suffix,
                      **common)
    scheduler.add_job(erase_expired, "cron", hour=3, minute=0, args=[services], id="retention" + suffix,
                      misfire_grace_time=6 * 3600, **common)
    scheduler.add_job(announcements_tick, "interval", seconds=services.settings.announce_poll_seconds,
                      args=[services, scheduler], id="announcements" + suffix, **common)
