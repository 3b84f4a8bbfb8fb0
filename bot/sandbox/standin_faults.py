"""Injected faults and the per-minute call limit of the stand-in."""
from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

FAULT_KINDS = frozenset({"http500", "http502", "timeout", "zalo_error"})


@dataclass
class Fault:
    """One queued fault: what to do to the next `remaining` matching requests."""

    path_suffix: str
    kind: str
    remaining: int = 1
    code: int | None = None
    user_id: str | None = None

    def matches(self, path: str, user_id: str | None) -> bool:
        """Tell whether a request to `path` for `user_id` should get this fault."""
        if not path.endswith(self.path_suffix):
            return False
        return self.user_id is None or self.user_id == user_id


class FaultQueue:
    """Faults consumed in order by the requests they match; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, path_suffix: str, kind: str, count: int = 1, code: int | None = None,
            user_id: str | None = None) -> None:
        """Queue a fault for the next `count` requests whose path ends with `path_suffix`."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; use one of {sorted(FAULT_KINDS)}")
        if count < 1:
            raise ValueError("count must be at least 1")
        if kind == "zalo_error" and code is None:
            code = -200
        with self._lock:
            self._faults.append(Fault(path_suffix, kind, count, code, user_id))

    def take(self, path: str, user_id: str | None) -> Fault | None:
        """Consume one use of the first fault matching this request, if any."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(path, user_id):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return Fault(fault.path_suffix, fault.kind, 1, fault.code, fault.user_id)
        return None

    def pending(self) -> int:
        """Return how many fault uses are still queued."""
        with self._lock:
            return sum(fault.remaining for fault in self._faults)

    def clear(self) -> None:
        """Drop every queued fault."""
        with self._lock:
            self._faults.clear()


class RateLimiter:
    """Admit at most `limit` calls in any rolling 60 seconds (None = unlimited)."""

    WINDOW_SECONDS = 60.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._admitted: deque[float] = deque()

    def admit(self, limit: int | None) -> bool:
        """Count a call if it fits under the limit; False means answer -32."""
        if limit is None:
            return True
        now = time.monotonic()
        with self._lock:
            while self._admitted and now - self._admitted[0] >= self.WINDOW_SECONDS:
                self._admitted.popleft()
            if len(self._admitted) >= limit:
                return False
            self._admitted.append(now)
            return True

    def clear(self) -> None:
        """Forget past calls."""
        with self._lock:
            self._admitted.clear()
