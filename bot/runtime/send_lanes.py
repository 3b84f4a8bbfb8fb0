"""Send replies off the processing threads, one lane per recipient so each recipient's order holds.

Processing an event is database work; sending its replies waits on Zalo (hundreds of milliseconds on
the real API). Keeping the two apart lets a single processing thread (all SQLite affords) keep up
while several replies are on the wire at once."""
from __future__ import annotations

import logging
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

log = logging.getLogger(__name__)


class SendLanes:
    def __init__(self, threads: int, on_drained: Callable[[], None] = lambda: None):
        """`on_drained()` is called each time a recipient's lane empties."""
        self._on_drained = on_drained
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="send")
        self._waiting: dict[str, deque[Callable[[], None]]] = {}
        self._lock = threading.Lock()

    def submit(self, recipient: str, send: Callable[[], None]) -> None:
        """Queue `send()` (which sends one batch of outbox rows to `recipient`); it runs after
        every batch queued for them before."""
        with self._lock:
            lane = self._waiting.get(recipient)
            if lane is not None:
                lane.append(send)
                return
            self._waiting[recipient] = deque([send])
        self._pool.submit(self._drain, recipient)

    def busy(self) -> bool:
        with self._lock:
            return bool(self._waiting)

    def waiting(self) -> int:
        """Batches queued or being sent, over all recipients."""
        with self._lock:
            return sum(len(lane) for lane in self._waiting.values())

    def recipients(self) -> set[str]:
        """Recipients with replies still on their way. Their next event waits: the echo of a
        reply must find it marked sent, and a new answer must not overtake the last one."""
        with self._lock:
            return set(self._waiting)

    def stop(self) -> None:
        """Finish what is queued (the sweeper would send it later anyway), then stop the threads."""
        self._pool.shutdown(wait=True)

    def _drain(self, recipient: str) -> None:
        while True:
            with self._lock:
                lane = self._waiting[recipient]
                if not lane:
                    del self._waiting[recipient]
                    break
                send = lane[0]
            try:
                send()
            except Exception:  # noqa: BLE001 - rows stay queued (or claimed, till the orphan check)
                log.exception("sending outbox messages to one recipient failed")
            with self._lock:
                lane.popleft()
        self._on_drained()
