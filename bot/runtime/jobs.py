"""Scheduled jobs: every minute (handoff notices and reminders, appointment reminders, report
follow-ups, sign-up reminders) and the leaders' evening digest."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

from bot import texts
from bot.handlers import appointments, handoff
from bot.ops import backups
from bot.replies import Text, To
from bot.runtime.outbox import queue_reply
from bot.services import casework, signups
from bot.zalo.errors import ZaloError

log = logging.getLogger(__name__)
NAME_RECHECK = timedelta(days=30)  # a name Zalo did not give is asked for again after this

def minute_tick(services, now: datetime | None = None) -> int:
    """Queue what is due at `now` (tests pass a moved clock) and send it; return messages queued."""
    runtime = services.runtime
    now = now or runtime.clock()
    with services.store.unit() as uow:
        due = handoff.tick(uow, runtime, now)
        due += appointments.tick(uow, runtime.catalog, now)
        due += casework.follow_up_tick(uow, now)
        due += signups.reminders(uow, now)
        ids = [queue_reply(uow, message, None) for message in due]
        uow.commit()
    services.sender.send_ids(ids)
    return len(ids)


def evening_digest(services, now: datetime | None = None) -> int:
    """Once a day (a cron job at DIGEST_HOUR): leaders get new, overdue and finished counts."""
    now = now or services.runtime.clock()
    with services.store.unit() as uow:
        text = casework.digest_text(uow, services.runtime.catalog, now)
        ids = [queue_reply(uow, To(leader.zalo_id, Text(text)), None) for leader in uow.staff.with_role("leader")]
        uow.commit()
    services.sender.send_ids(ids)
    return len(ids)


def fill_member_names(services, limit: int = 20, now: datetime | None = None) -> int:
    """Ask Zalo (user detail) for the names of members who followed or wrote; return names found."""
    now = now or services.runtime.clock()
    with services.store.unit() as uow:
        user_ids = [m.user_id for m in uow.members.without_names(now - NAME_RECHECK, limit)]
    found = 0
    for user_id in user_ids:
        try:
            name = (services.client.user_detail(user_id) or {}).get("display_name") or None
        except ZaloError as exc:
            log.info("user detail unavailable (%s)", exc.code)
            name = None
        with services.store.unit() as uow:
            member = uow.members.get(user_id)
            if member is not None and member.display_name is None:
                member.display_name = str(name)[:255] if name else None
                uow.names.add(user_id, member.display_name)
                member.name_checked_at = now
                found += bool(name)
            uow.commit()
    return found


DEDUPE_MARGIN = timedelta(days=1)


def erase_expired(services, now: datetime | None = None) -> int:
    """Daily: personal data older than RETENTION_DAYS is erased; requests stay as anonymous counts."""
    now = now or services.runtime.clock()
    with services.store.unit() as uow:
        # a received event's dedupe key outlives the window in which a replay of it could be accepted
        keep_dedupe_after = now - timedelta(hours=services.settings.event_max_age_hours) - DEDUPE_MARGIN
        erased = uow.erasure.expire(now - timedelta(days=services.settings.retention_days), keep_dedupe_after)
        uow.checkpoint_after_commit = True
        uow.commit()
    log.info("retention: %s requests made anonymous", erased)
    return erased


def nightly_backup(all_services, now: datetime | None = None) -> Path | None:
    """Nightly (BACKUP_NIGHTLY=1; one job, every OA shares the database): copy the database into BACKUP_DIR.
    A failure is logged, kept for /healthz, and told to every leader of every OA."""
    main = all_services[0]
    settings, now = main.settings, now or main.runtime.clock()
    try:
        path = backups.backup(main.store.engine, settings.backup_dir, settings.backup_keep, now)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the leaders must hear of it
        detail = " ".join(str(exc).split())[:300] or type(exc).__name__  # paths and tool messages, no residents
        log.error("nightly back-up failed: %s", detail)
        backups.record_outcome(settings.backup_dir, now, detail)
        text = texts.BACKUP_FAILED.format(reason=texts.BACKUP_REASONS[backups.reason(exc)])
        for services in all_services:
            _tell_leaders(services, text, now)
        return None
    backups.record_outcome(settings.backup_dir, now)
    log.info("nightly back-up written: %s", path.name)
    return path


def _tell_leaders(services, text: str, now: datetime) -> None:
    """Send a notice to each leader of one OA (kept for their next message outside Zalo's 7-day window)."""
    with services.store.unit() as uow:
        messages = [message for leader in uow.staff.with_role("leader")
                    for message in casework.tell_resident(uow, leader.zalo_id, text, "backup", now)]
        ids = [queue_reply(uow, message, None) for message in messages]
        uow.commit()
    services.sender.send_ids(ids)
