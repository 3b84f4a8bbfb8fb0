"""Periodic jobs; the only module that imports APScheduler. Runs in exactly one process: the worker.

Scheduled announcements also get a one-off job at their minute in a persistent job store (the
database), so a restart keeps them; the announcement rows stay the truth (a job only wakes the
announcer, which sends what is due)."""
from __future__ import annotations

import logging
from typing import Callable
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from bot.runtime.jobs import erase_expired, evening_digest, fill_member_names, minute_tick, nightly_backup

log = logging.getLogger(__name__)
TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
ANNOUNCEMENT_STORE = "announcements"
_announcers: dict[str, object] = {}  # OA id -> the running process's announcer, for jobs restored from the job store
_every_oa: list[list] = []  # the running scheduler's list of OAs its jobs walk (one scheduler per process)


def wake_announcer(announcement_id: int, oa_id: str | None = None) -> None:
    """The one-off job of a scheduled announcement (restored from the database after a restart;
    jobs written before several OAs were served name no OA and wake every announcer)."""
    for announcer_oa, announcer in list(_announcers.items()):
        if oa_id is None or announcer_oa == oa_id:
            log.info("announcement %s: its time has come", announcement_id)
            announcer.run_due()


def announcements_tick(all_services, scheduler) -> None:
    """Send what is due (or half-sent) in the OAs that have any, and give each future announcement its
    one-off job: two queries for every OA at once, however many are served."""
    from datetime import timezone
    by_oa = {services.settings.oa_id: services for services in all_services}
    main = all_services[0]
    with main.store.unit() as uow:
        due = uow.across.with_announcements_due(main.runtime.clock())
        future = uow.across.scheduled_announcements()
    for oa_id in due:
        if oa_id in by_oa:
            by_oa[oa_id].announcer.run_due()
    for announcement_id, oa_id, send_at in future:
        job_id = f"announcement-{announcement_id}"  # announcement ids are unique across OAs
        if oa_id in by_oa and send_at is not None and scheduler.get_job(job_id, jobstore=ANNOUNCEMENT_STORE) is None:
            scheduler.add_job(wake_announcer, "date", run_date=send_at.replace(tzinfo=timezone.utc),
                              args=[announcement_id, oa_id], id=job_id,
                              jobstore=ANNOUNCEMENT_STORE, misfire_grace_time=None, coalesce=True)


def for_each_oa(job: Callable, all_services, *args) -> None:
    """Run one OA's part of a job for every OA; one OA's failure is logged and the others still run."""
    for services in all_services:
        try:
            job(services, *args)
        except Exception:  # noqa: BLE001 - e.g. a database hiccup while one OA's part runs
            log.exception("%s failed for OA %s", getattr(job, "__name__", job), services.settings.oa_key)


def refresh_token(services) -> None:
    services.tokens.refresh_if_expiring()


def digest_at_hour(services, hour: int) -> None:
    if services.runtime.digest_hour == hour:
        evening_digest(services)


def serve_more(added) -> None:
    """OAs added while running (OAS_FILE): every job walks them from now on."""
    for every_oa in _every_oa:
        every_oa.extend(services for services in added if services not in every_oa)
        for services in every_oa:
            _announcers[services.settings.oa_id] = services.announcer


def start_scheduler(*all_services) -> BackgroundScheduler:
    """Start the scheduler: one job per kind, each walking every OA (an OA is data, not a set of jobs)."""
    scheduler = BackgroundScheduler(timezone=TIMEZONE)
    _announcers.clear()  # one scheduler per process: the announcers of an earlier one are gone
    scheduler.add_jobstore(SQLAlchemyJobStore(engine=all_services[0].store.engine, tablename="scheduled_jobs"),
                           alias=ANNOUNCEMENT_STORE)
    every_oa = list(all_services)  # the jobs' list: OAs added while running join it (serve_more)
    _every_oa[:] = [every_oa]
    serve_more([])
    common = dict(replace_existing=True, coalesce=True, max_instances=1)
    main = every_oa[0]
    scheduler.add_job(for_each_oa, "interval", minutes=30, args=[refresh_token, every_oa],
                      id="zalo_token_refresh", **common)
    scheduler.add_job(for_each_oa, "interval", minutes=1, args=[minute_tick, every_oa], id="minute_tick", **common)
    for hour in sorted({services.runtime.digest_hour for services in every_oa}):
        scheduler.add_job(for_each_oa, "cron", hour=hour, minute=0, args=[digest_at_hour, every_oa, hour],
                          id=f"evening_digest:{hour}", misfire_grace_time=3600, **common)
    scheduler.add_job(for_each_oa, "interval", minutes=1, args=[fill_member_names, every_oa], id="member_names",
                      **common)
    scheduler.add_job(for_each_oa, "cron", hour=3, minute=0, args=[erase_expired, every_oa], id="retention",
                      misfire_grace_time=6 * 3600, **common)
    scheduler.add_job(announcements_tick, "interval", seconds=main.settings.announce_poll_seconds,
                      args=[every_oa, scheduler], id="announcements", **common)
    if main.settings.backup_nightly:  # one job for every OA: they share the database
        scheduler.add_job(nightly_backup, "cron", hour=main.settings.backup_hour, minute=0, args=[every_oa],
                          id="nightly_backup", misfire_grace_time=6 * 3600, **common)
    scheduler.start()
    log.info("scheduler started for %s OA(s)", len(every_oa))
    return scheduler
