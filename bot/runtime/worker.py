"""The worker: process stored events (one at a time per user, users in parallel) and drain the outbox."""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial
from typing import Callable

from bot.events import MalformedEvent, parse_event
from bot.privacy.log_privacy import hide_details
from bot.replies import about_whom, addressed
from bot.runtime import process
from bot.runtime.send_lanes import SendLanes
from bot.runtime.sender import OutboxSender
from bot.store import Store
from bot.store.models import utcnow

log = logging.getLogger(__name__)

# A claim this worker holds without working on it, this long after it was made, was orphaned by a
# database error while recording the outcome.
ORPHAN_AFTER = timedelta(seconds=5)
# Events claimed per processing thread at most (started, or waiting for the thread): on a busy day
# one claim transaction takes several users' next events, instead of one transaction per event.
CLAIM_AHEAD = 4


class Worker:
    def __init__(self, store: Store, sender: OutboxSender, handle: Callable, threads: int = 1,
                 poll_seconds: float = 0.05, sweep_seconds: float = 1.0, send_threads: int = 4,
                 lease: timedelta = timedelta(seconds=30)):
        """`handle(uow, event_id, event)` applies one event and returns (status, replies). Several
        workers may share the database: each claims under its own id (the sender's) and beats every
        `lease`/6; what a worker silent for `lease` had claimed goes back to the queue."""
        self.store, self.sender, self.handle = store, sender, handle
        self.threads, self.poll_seconds, self.sweep_seconds = threads, poll_seconds, sweep_seconds
        self.send_threads = send_threads
        self.id, self.lease = sender.worker_id, lease
        self._next_beat = 0.0
        self._echoes_seen = 0  # events up to this id were looked at for own echoes to settle
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="event")
        self._busy: set[str] = set()
        self._in_flight: set[int] = set()  # events claimed by this worker and not yet let go
        self._busy_lock = threading.Lock()
        self._wake = threading.Event()
        self._lanes = SendLanes(send_threads, on_drained=self._wake.set)
        self._stop = threading.Event()
        self._loops: list[threading.Thread] = []

    def start(self) -> None:
        """Register, recover what dead workers left half done, then start the loops."""
        with self.store.unit() as uow:
            uow.workers.register(self.id, process.host(), os.getpid(), utcnow())
            uow.outbox.due_now()
            uow.commit()
        self.recover(unowned=True)
        self._next_beat = time.monotonic() + self.lease.total_seconds() / 6
        for target, name in ((self._dispatch_loop, "dispatch"), (self._sweep_loop, "outbox-sweep")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._loops.append(thread)

    def wake(self) -> None:
        """Tell the dispatcher new events are waiting (same-process webhook)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._loops:
            thread.join(timeout)
        self._pool.shutdown(wait=True, cancel_futures=False)
        self._lanes.stop()
        try:
            with self.store.unit() as uow:
                uow.workers.unregister(self.id)
                uow.commit()
        except Exception:  # noqa: BLE001 - the database may be gone; the lease runs out anyway
            log.warning("could not unregister worker %s", self.id)

    def recover(self, unowned: bool = False) -> tuple[int, int]:
        """Requeue the events and messages of workers that died (stopped beating for the lease, or
        whose process on this host is gone); at start also those nobody owns. Return (events, messages)."""
        with self.store.unit() as uow:
            dead = uow.workers.dead(self.id, process.host(), utcnow(), self.lease, process.process_gone)
            events, messages = uow.workers.recover(dead, unowned)
            uow.commit()
        if events or messages:
            log.info("recovered %s events and %s outbox messages from %s stopped worker(s)", events, messages,
                     len(dead))
        return events, messages

    def _beat(self) -> None:
        """Renew the lease now and then, and take over from workers that died meanwhile."""
        if time.monotonic() < self._next_beat:
            return
        self._next_beat = time.monotonic() + self.lease.total_seconds() / 6
        with self.store.unit() as uow:
            alive = uow.workers.beat(self.id, utcnow())
            if not alive:  # taken for dead after a long pause: come back under the same id
                uow.workers.register(self.id, process.host(), os.getpid(), utcnow())
            uow.commit()
        if not alive:
            log.warning("worker %s was taken for dead (paused longer than its lease) and registered again", self.id)
        self.recover()
        self.requeue_orphans()

    def requeue_orphans(self) -> tuple[int, int]:
        """Events and messages this worker claimed but could not let go of (the database was down
        when it tried to record the outcome) go back to the queue instead of waiting forever."""
        cutoff = utcnow() - ORPHAN_AFTER
        with self._busy_lock:
            events_kept = set(self._in_flight)
        messages_kept = self.sender.in_flight()
        with self.store.unit() as uow:
            counts = uow.workers.requeue_own(self.id, cutoff, events_kept, messages_kept)
            uow.commit()
        if any(counts):
            log.warning("requeued %s events and %s outbox messages left claimed after database errors", *counts)
        return counts

    def dispatch_once(self) -> int:
        """Claim the next event of idle users (up to CLAIM_AHEAD per thread in hand) and hand them
        to the processing threads; return how many were claimed."""
        with self._busy_lock:
            free = self.threads * CLAIM_AHEAD - len(self._busy)
            busy = set(self._busy)
        if free <= 0:
            return 0
        busy |= self._lanes.recipients()  # a user's next event waits until their replies are out
        started = 0
        with self.store.unit() as uow:
            self._echoes_seen = uow.events.settle_own_echoes(self._echoes_seen)
            heads = uow.events.pending_heads(busy, free, echoes_settled_to=self._echoes_seen)
            claimed = [(e.id, e.user_id or f"#{e.id}") for e in heads if uow.events.claim(e.id, self.id)]
            with self._busy_lock:  # before the commit: the orphan check must never see them unaccounted
                self._in_flight.update(event_id for event_id, _lane in claimed)
            try:
                uow.commit()
            except Exception:
                with self._busy_lock:
                    self._in_flight.difference_update(event_id for event_id, _lane in claimed)
                raise
        for event_id, lane in claimed:
            with self._busy_lock:
                self._busy.add(lane)
            self._pool.submit(self._run, event_id, lane)
            started += 1
        return started

    def process(self, event_id: int) -> None:
        """Apply one claimed event, then hand its replies to the send lanes (each recipient's in order)."""
        with self.store.unit() as uow:
            raw = uow.events.raw_of(event_id)
            try:
                event = parse_event(json.loads(raw))
            except (ValueError, MalformedEvent) as exc:
                uow.events.finish(event_id, "failed", f"unreadable: {exc}")
                uow.commit()
                return
            status, replies = self.handle(uow, event_id, event)
            batches: dict[str | None, list] = {}
            for reply in replies:
                about = about_whom(reply, event.user_id)
                user_id, reply = addressed(reply, event.user_id)
                batches.setdefault(user_id, []).append((reply, about))
            claimed = {user_id: self.sender.write_claimed(uow, user_id, batch, event_id)
                       for user_id, batch in batches.items()}
            uow.events.finish(event_id, status)
            try:
                uow.commit()
            except Exception:
                self.sender.let_go([message.id for messages in claimed.values() for message in messages])
                raise
        for user_id, rows in claimed.items():
            if rows:
                self._lanes.submit(user_id, partial(self.sender.send_claimed, rows))

    def send_soon(self, recipient: str, ids: list[int]) -> None:
        """Send these outbox rows of one recipient after what is already on its way to them."""
        if ids:
            self._lanes.submit(recipient, partial(self.sender.send_in_order, ids))

    def sends_waiting(self) -> int:
        return self._lanes.waiting()

    def _run(self, event_id: int, lane: str) -> None:
        try:
            self.process(event_id)
        except Exception as exc:  # noqa: BLE001 - one bad event must not stop the worker
            log.exception("event %s failed", event_id)
            self._release(event_id, hide_details(f"{type(exc).__name__}: {exc}"))  # kept in plain text
        finally:
            with self._busy_lock:
                self._busy.discard(lane)
                self._in_flight.discard(event_id)
            self._wake.set()

    def _release(self, event_id: int, error: str) -> None:
        try:
            with self.store.unit() as uow:
                row = uow.events.get(event_id)
                if row is not None:
                    uow.events.release(row, error)
                uow.commit()
        except Exception:  # noqa: BLE001
            log.exception("could not release event %s", event_id)

    def _dispatch_loop(self) -> None:
        while not self._stop.is_set():
            try:
                started = self.dispatch_once()
            except Exception:  # noqa: BLE001 - e.g. database restarting; try again shortly
                log.exception("dispatch failed")
                started = 0
            if not started:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()

    def _sweep_loop(self) -> None:
        while not self._stop.wait(self.sweep_seconds):
            try:
                self._beat()
                self.sender.sweep()
            except Exception:  # noqa: BLE001 - e.g. database restarting; try again shortly
                log.exception("outbox sweep failed")

    def idle(self) -> bool:
        """True when no event waits or runs and no reply waits to go out now (tests and the bench)."""
        with self._busy_lock:
            if self._busy:
                return False
        if self._lanes.busy():
            return False
        with self.store.unit() as uow:
            return (uow.events.count("pending") == 0 and uow.events.count("processing") == 0
                    and uow.outbox.unsent_now() == 0)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.idle():
                return True
            time.sleep(0.02)
        return False
