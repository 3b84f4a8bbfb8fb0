"""Deliver announcements: write every delivery row first, then send in small batches below Zalo's rate,
through the outbox and the worker's send lanes; pause in quiet hours; report to the leader at the end.

Runs in the worker process only (the scheduler calls run_due), one announcement at a time."""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from typing import Callable

from bot.flows.text import normalize
from bot.runtime.outbox import SEND_GRACE, queue_reply
from bot.runtime.worker import OAWorker
from bot.services import announcements as notices
from bot.services.casework import tell_resident
from bot.store import Store
from bot.store.announcements import GROUP_PREFIX

log = logging.getLogger(__name__)

BATCH = 20               # deliveries handed to the outbox per transaction
MAX_BACKOFF_SECONDS = 60.0


class Throttle:
    """At most `per_minute` calls a minute, evenly spaced. Time lost to a pause of up to a second
    (a slow database write) is caught up, so the rate holds over a minute; no longer bursts."""

    def __init__(self, per_minute: int, sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic):
        self.interval = 60.0 / per_minute
        self._sleep, self._monotonic = sleep, monotonic
        self._next = monotonic()

    def wait(self, calls: int = 1) -> None:
        now = self._monotonic()
        if self._next > now:
            self._sleep(self._next - now)
        self._next = max(self._next, now - 1.0) + self.interval * calls


class Announcer:
    def __init__(self, store: Store, worker: OAWorker, clock: Callable[[], datetime],
                 quiet_hours: tuple[int, int] | None, rate_per_minute: int, settle_seconds: float = 30.0):
        self.store, self.worker, self.clock = store, worker, clock
        self.quiet_hours = quiet_hours
        self.throttle = Throttle(rate_per_minute)
        self.settle_seconds = settle_seconds
        self._lock = threading.Lock()
        self._again = threading.Event()
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    def run_due(self) -> int:
        """Deliver every announcement that is due or half-sent; return how many were looked at.
        A call while another runs makes that one look again instead of running alongside it."""
        if not self._lock.acquire(blocking=False):
            self._again.set()
            return 0
        try:
            seen = 0
            while True:
                self._again.clear()
                with self.store.unit() as uow:
                    due = [a.id for a in uow.announcements.due(self.clock())]
                for announcement_id in due:
                    if self._stop.is_set():
                        return seen
                    self.deliver(announcement_id)
                seen += len(due)
                if not self._again.is_set():
                    return seen
        finally:
            self._lock.release()

    def deliver(self, announcement_id: int) -> str:
        """Send what is left of one announcement; return 'done', 'paused', 'sending' (still settling) or
        'skipped'."""
        if not self._start(announcement_id):
            return "skipped"
        failures_in_a_row = 0
        while not self._stop.is_set():
            if self._pause_if_quiet(announcement_id):
                return "paused"
            handed = self._hand_batch(announcement_id)
            if not handed:
                break
            for recipient, ids in handed:
                self.throttle.wait(len(ids))
                self.worker.send_soon(recipient, ids)
            self._keep_lanes_short()
            if self._retrying([i for _, ids in handed for i in ids]):
                failures_in_a_row += 1
                time.sleep(min(2.0 ** failures_in_a_row, MAX_BACKOFF_SECONDS))  # -32 or 5xx: slow down
            else:
                failures_in_a_row = 0
        deadline = time.monotonic() + self.settle_seconds
        while not self.settle(announcement_id):
            if time.monotonic() > deadline or self._stop.is_set():
                return "sending"  # retries still running: a later run_due settles it
            time.sleep(0.2)
        return "done"

    def _start(self, announcement_id: int) -> bool:
        """scheduled → sending, and the delivery rows written, in one transaction."""
        now = self.clock()
        with self.store.unit() as uow:
            announcement = uow.announcements.get(announcement_id)
            if announcement is None or announcement.status not in ("scheduled", "sending"):
                return False
            if announcement.status == "scheduled":
                if announcement.send_at and announcement.send_at > now:
                    return False
                uow.announcements.set_status(announcement_id, "sending", ("scheduled",),
                                             started_at=announcement.started_at or now)
            if not uow.announcements.has_deliveries(announcement_id):
                keys = [normalize(name) for name in notices.group_names(announcement)]
                uow.announcements.write_deliveries(announcement_id,
                                                   notices.recipients(uow, announcement, keys, now))
            uow.commit()
        return True

    def _pause_if_quiet(self, announcement_id: int) -> bool:
        now = self.clock()
        if not notices.in_quiet_hours(now, self.quiet_hours):
            return False
        with self.store.unit() as uow:
            announcement = uow.announcements.get(announcement_id)
            if announcement is None or announcement.urgent:
                return False
            uow.announcements.set_status(announcement_id, "scheduled", ("sending",),
                                         send_at=notices.quiet_hours_end(now, self.quiet_hours))
            uow.commit()
        log.info("announcement %s paused for quiet hours", announcement_id)
        return True

    def _hand_batch(self, announcement_id: int) -> list[tuple[str, list[int]]]:
        """Write the next batch's outbox rows and mark those deliveries queued (one transaction)."""
        with self.store.unit() as uow:
            announcement = uow.announcements.get(announcement_id)
            if announcement is None or announcement.status != "sending":
                return []
            handed = []
            for delivery in uow.announcements.pending(announcement_id, BATCH):
                if delivery.recipient.startswith(GROUP_PREFIX):
                    group_id = delivery.recipient[len(GROUP_PREFIX):]
                    ids = [uow.outbox.add("group_text", {"text": notices.group_post(announcement)},
                                          group_id=group_id, hold=SEND_GRACE)]
                else:
                    ids = [queue_reply(uow, reply, delivery.recipient) for reply in notices.message(announcement)]
                uow.announcements.mark_queued(delivery, ids)
                handed.append((delivery.recipient, ids))
            uow.commit()
        return handed

    def _keep_lanes_short(self) -> None:
        """Hand more only when the lanes have room, so residents' replies never queue behind a notice."""
        while self.worker.sends_waiting() > 2 * self.worker.send_threads and not self._stop.is_set():
            time.sleep(0.005)

    def _retrying(self, outbox_ids: list[int]) -> bool:
        with self.store.unit() as uow:
            return uow.outbox.retrying(outbox_ids) > 0

    def settle(self, announcement_id: int) -> bool:
        """Give each queued delivery its outcome from the outbox; when none is left open, mark the
        announcement done and report to whoever made it. True when done."""
        with self.store.unit() as uow:
            announcement = uow.announcements.get(announcement_id)
            if announcement is None or announcement.status != "sending":
                return announcement is not None and announcement.status == "done"
            open_left = bool(uow.announcements.pending(announcement_id, 1))
            for delivery, rows in uow.announcements.queued(announcement_id):
                if rows and all(row.status == "sent" for row in rows):
                    uow.announcements.settle(delivery, "sent")
                elif failed := next((row for row in rows if row.status == "failed"), None):
                    status = "waiting" if failed.error_code in notices.WINDOW_CODES else "failed"
                    uow.announcements.settle(delivery, status, failed.error_code, failed.error_message)
                else:
                    open_left = True
            if open_left:
                uow.commit()
                return False
            uow.announcements.set_status(announcement_id, "done", ("sending",), finished_at=self.clock())
            report = notices.report_text(uow, announcement)
            leaders = [announcement.created_by] if uow.staff.role_of(announcement.created_by) == "leader" \
                else [s.zalo_id for s in uow.staff.with_role("leader")]
            now = self.clock()
            messages = [m for leader in leaders for m in tell_resident(uow, leader, report, "announcement", now)]
            ids = [(m.user_id, queue_reply(uow, m, None)) for m in messages]
            uow.commit()
        for leader, message_id in ids:
            self.worker.send_soon(leader, [message_id])
        log.info("announcement %s done", announcement_id)
        return True
