"""The worker: process stored events (one at a time per user, users in parallel) and drain the outbox,
for every OA of the deployment at once: one dispatch loop, one sweep, one pool of processing threads and
one set of send lanes (keyed by OA and recipient). An OA is an entry in `oas`, not a set of threads: an
idle one costs nothing, since the loops ask the database once which OAs have something to do."""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import partial
from typing import Callable

from bot.events import MalformedEvent, parse_event
from bot.privacy.log_privacy import hide_details
from bot.replies import about_whom, addressed
from bot.runtime import process
from bot.runtime.send_lanes import SendLanes
from bot.runtime.sender import OutboxSender
from bot.runtime.wakeup import Listener
from bot.store import Store
from bot.store.models import utcnow

log = logging.getLogger(__name__)

# A claim this worker holds without working on it, this long after it was made, was orphaned by a
# database error while recording the outcome.
ORPHAN_AFTER = timedelta(seconds=5)
# Events claimed per processing thread at most (started, or waiting for the thread): on a busy day
# one claim transaction takes several users' next events, instead of one transaction per event.
CLAIM_AHEAD = 4
# While the database wakes the worker for each stored event (PostgreSQL LISTEN), the dispatcher looks on
# its own only this often: for events put back for another try, or held behind another worker's.
POLL_WHILE_LISTENING = 1.0


@dataclass(frozen=True)
class OAWork:
    """What the worker needs of one OA: its store (rows of that OA), its sender (its Zalo token) and the
    function that applies one of its events, `handle(uow, event_id, event) -> (status, replies)`."""

    store: Store
    sender: OutboxSender
    handle: Callable


class Worker:
    def __init__(self, oas: dict[str, OAWork], threads: int = 1, poll_seconds: float = 0.05,
                 sweep_seconds: float = 1.0, send_threads: int = 4, lease: timedelta = timedelta(seconds=30),
                 discover: Callable[[], list] | None = None):
        """Several workers may share the database: each claims under its own id (its OAs' senders share
        it) and beats every `lease`/6; what a worker silent for `lease` had claimed goes back to the queue.
        `discover()`: called when events wait for an OA not served yet (one added while running); it adds
        such OAs with `add`."""
        self.oas = dict(oas)
        self.discover = discover
        self.store = next(iter(self.oas.values())).store  # for what concerns every OA: registration, leases
        self.threads, self.poll_seconds, self.sweep_seconds = threads, poll_seconds, sweep_seconds
        self.send_threads = send_threads
        self.id, self.lease = self._claim_id(), lease
        self._next_beat = 0.0
        # No other worker beat lately: the dispatcher need not ask which users other workers are busy with
        # (its own busy users it knows; a claim refuses a user with an unfinished event anyway). Read at
        # each beat, so a worker started meanwhile is taken into account within lease/6.
        self._alone = False
        self._echoes_seen = 0  # events up to this id were looked at for own echoes to settle (every OA's)
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="event")
        self._busy: set[tuple[str, str]] = set()  # (OA, user) with an event claimed or being processed
        self._in_flight: set[int] = set()  # events claimed by this worker and not yet let go
        self._busy_lock = threading.Lock()
        self._wake = threading.Event()
        self._lanes = SendLanes(send_threads, on_drained=self._wake.set)
        self._stop = threading.Event()
        self._loops: list[threading.Thread] = []
        self._started = False
        self._listener = Listener(self.store.engine, self._wake.set, self._stop) \
            if Listener.available(self.store.engine) else None

    def _claim_id(self) -> str:
        ids = {work.sender.worker_id for work in self.oas.values()}
        if len(ids) != 1:
            raise ValueError("every OA's sender must claim under the worker's one id")
        return ids.pop()

    def for_oa(self, oa_id: str) -> "OAWorker":
        return OAWorker(self, oa_id)

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def start(self) -> None:
        """Register, recover what dead workers left half done, then start the loops (once)."""
        if self._started:
            return
        self._started = True
        with self.store.unit() as uow:
            uow.workers.register(self.id, process.host(), os.getpid(), utcnow())
            uow.commit()
        for work in self.oas.values():
            with work.store.unit() as uow:
                uow.outbox.due_now()
                uow.commit()
        self.recover(unowned=True)
        self._alone = self._works_alone()
        self._next_beat = time.monotonic() + self.lease.total_seconds() / 6
        for target, name in ((self._dispatch_loop, "dispatch"), (self._sweep_loop, "outbox-sweep")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._loops.append(thread)
        if self._listener is not None:
            self._listener.start()

    def wake(self) -> None:
        """Tell the dispatcher new events are waiting (same-process webhook)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        self._wake.set()
        for thread in self._loops:
            thread.join(timeout)
        if self._listener is not None:
            self._listener.join(timeout)
        self._pool.shutdown(wait=True, cancel_futures=False)
        self._lanes.stop()
        if not self._started:
            return
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
        self._alone = self._works_alone()

    def _works_alone(self) -> bool:
        with self.store.unit() as uow:
            return uow.workers.others_alive(self.id, utcnow(), self.lease) == 0

    def requeue_orphans(self) -> tuple[int, int]:
        """Events and messages this worker claimed but could not let go of (the database was down
        when it tried to record the outcome) go back to the queue instead of waiting forever."""
        cutoff = utcnow() - ORPHAN_AFTER
        with self._busy_lock:
            events_kept = set(self._in_flight)
        messages_kept = set().union(*(work.sender.in_flight() for work in self.oas.values()))
        with self.store.unit() as uow:
            counts = uow.workers.requeue_own(self.id, cutoff, events_kept, messages_kept)
            uow.commit()
        if any(counts):
            log.warning("requeued %s events and %s outbox messages left claimed after database errors", *counts)
        return counts

    def dispatch_once(self) -> int:
        """Claim the next event of idle users (up to CLAIM_AHEAD per thread in hand), every OA's in one
        query and one transaction, and hand them to the processing threads; return how many were claimed."""
        with self._busy_lock:
            free = self.threads * CLAIM_AHEAD - len(self._busy)
            busy = set(self._busy)
        if free <= 0:
            return 0
        busy |= self._lanes.recipients()  # a user's next event waits until their replies are out
        others = [] if self._alone else None  # None: ask the database what other workers process
        with self.store.unit() as uow:
            self._echoes_seen = uow.events.settle_own_echoes(self._echoes_seen)  # every OA's at once
            if len(self.oas) == 1 and self.discover is None:
                heads = [(self.store.oa_id, e) for e in uow.events.pending_heads(
                    {user for _oa, user in busy}, free, echoes_settled_to=self._echoes_seen, processing=others)]
            else:
                rows = uow.events.pending_heads_everywhere({user for _oa, user in busy}, free, self._echoes_seen,
                                                           processing=others)
                if self.discover is not None and any(row.oa_id not in self.oas for row in rows):
                    self.discover()  # an OA added since the start: the webhook has stored its events
                heads = [(row.oa_id, row) for row in rows if row.oa_id in self.oas]
            claimed = [(e.id, (oa_id, e.user_id or f"#{e.id}")) for oa_id, e in heads
                       if uow.events.claim(e.id, self.id)]
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
        return len(claimed)

    def process(self, event_id: int, oa_id: str) -> None:
        """Apply one claimed event, then hand its replies to the send lanes (each recipient's in order)."""
        work = self.oas[oa_id]
        with work.store.unit() as uow:
            raw = uow.events.raw_of(event_id)
            try:
                event = parse_event(json.loads(raw))
            except (ValueError, MalformedEvent) as exc:
                uow.events.finish(event_id, "failed", f"unreadable: {exc}")
                uow.commit()
                return
            status, replies = work.handle(uow, event_id, event)
            batches: dict[str | None, list] = {}
            for reply in replies:
                about = about_whom(reply, event.user_id)
                user_id, reply = addressed(reply, event.user_id)
                batches.setdefault(user_id, []).append((reply, about))
            claimed = {user_id: work.sender.write_claimed(uow, user_id, batch, event_id)
                       for user_id, batch in batches.items()}
            uow.events.finish(event_id, status)
            try:
                uow.commit()
            except Exception:
                work.sender.let_go([message.id for messages in claimed.values() for message in messages])
                raise
        for user_id, rows in claimed.items():
            if rows:
                self._lanes.submit((oa_id, user_id), partial(work.sender.send_claimed, rows))

    def send_soon(self, oa_id: str, recipient: str, ids: list[int]) -> None:
        """Send these outbox rows of one recipient after what is already on its way to them."""
        if ids:
            self._lanes.submit((oa_id, recipient), partial(self.oas[oa_id].sender.send_in_order, ids))

    def sends_waiting(self) -> int:
        return self._lanes.waiting()

    def _run(self, event_id: int, lane: tuple[str, str]) -> None:
        oa_id = lane[0]
        try:
            self.process(event_id, oa_id)
        except Exception as exc:  # noqa: BLE001 - one bad event must not stop the worker
            log.exception("event %s failed", event_id)
            self._release(oa_id, event_id, hide_details(f"{type(exc).__name__}: {exc}"))  # kept in plain text
        finally:
            with self._busy_lock:
                self._busy.discard(lane)
                self._in_flight.discard(event_id)
            self._wake.set()

    def _release(self, oa_id: str, event_id: int, error: str) -> None:
        try:
            with self.oas[oa_id].store.unit() as uow:
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
                self._wake.wait(self._poll_seconds())
                self._wake.clear()

    def _poll_seconds(self) -> float:
        listening = self._listener is not None and self._listener.listening.is_set()
        return max(self.poll_seconds, POLL_WHILE_LISTENING) if listening else self.poll_seconds

    def listening(self) -> bool:
        """True while the database wakes this worker for each stored event (PostgreSQL)."""
        return self._listener is not None and self._listener.listening.is_set()

    def _sweep_loop(self) -> None:
        while not self._stop.wait(self.sweep_seconds):
            try:
                self._beat()
                self.sweep()
            except Exception:  # noqa: BLE001 - e.g. database restarting; try again shortly
                log.exception("outbox sweep failed")

    def sweep(self) -> None:
        """Send what is due in each OA's outbox (with several OAs, one query first names those with any)."""
        if len(self.oas) == 1:
            due = list(self.oas)
        else:
            with self.store.unit() as uow:
                due = [oa_id for oa_id in uow.across.with_due_outbox(utcnow()) if oa_id in self.oas]
        for oa_id in due:
            self.oas[oa_id].sender.sweep()

    def add(self, oa_id: str, work: OAWork) -> None:
        """Serve one more OA from now on (a new dict: the loops iterate over the one they hold)."""
        if work.sender.worker_id != self.id:
            raise ValueError("the new OA's sender must claim under this worker's id")
        self.oas = {**self.oas, oa_id: work}

    def set_handle(self, oa_id: str, handle: Callable) -> None:
        self.oas[oa_id] = replace(self.oas[oa_id], handle=handle)

    def idle(self) -> bool:
        """True when no event waits or runs and no reply waits to go out now, in any OA (tests, the bench)."""
        with self._busy_lock:
            if self._busy:
                return False
        if self._lanes.busy():
            return False
        with self.store.unit() as uow:
            return not uow.across.work_left()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.idle():
                return True
            time.sleep(0.02)
        return False


class OAWorker:
    """One OA's handle on the deployment's worker: what its announcer, jobs and tests call."""

    def __init__(self, worker: Worker, oa_id: str):
        self.worker, self.oa_id = worker, oa_id

    def start(self) -> None:
        self.worker.start()

    def stop(self, timeout: float = 10.0) -> None:
        self.worker.stop(timeout)

    def wake(self) -> None:
        self.worker.wake()

    def send_soon(self, recipient: str, ids: list[int]) -> None:
        self.worker.send_soon(self.oa_id, recipient, ids)

    def sends_waiting(self) -> int:
        return self.worker.sends_waiting()

    @property
    def send_threads(self) -> int:
        return self.worker.send_threads

    @property
    def handle(self) -> Callable:
        return self.worker.oas[self.oa_id].handle

    @handle.setter
    def handle(self, handle: Callable) -> None:
        self.worker.set_handle(self.oa_id, handle)

    def idle(self) -> bool:
        return self.worker.idle()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        return self.worker.wait_idle(timeout)
