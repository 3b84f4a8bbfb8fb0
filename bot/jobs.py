"""Scheduled jobs: every minute (handoff notices and reminders, appointment reminders, report
follow-ups) and the leaders' evening digest."""
from __future__ import annotations

from datetime import datetime

from bot import casework
from bot.handlers import appointments, handoff
from bot.replies import Text, To
from bot.worker import queue_reply

def minute_tick(services, now: datetime | None = None) -> int:
    """Queue what is due at `now` (tests pass a moved clock) and send it; return messages queued."""
    runtime = services.runtime
    now = now or runtime.clock()
    with services.store.unit() as uow:
        due = handoff.tick(uow, runtime, now)
        due += appointments.tick(uow, runtime.catalog, now)
        due += casework.follow_up_tick(uow, now)
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
