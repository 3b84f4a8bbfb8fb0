"""Worker processes and their leases: each beats every few seconds; what a dead one had claimed
(events being processed, messages being sent) goes back to the queue for the others."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from bot.store.models import Event, OutboxMessage, WorkerProcess


class WorkerRepository:
    """Not scoped by OA: one worker process serves every OA of the deployment."""

    def __init__(self, session: Session):
        self.session = session

    def register(self, worker_id: str, host: str, pid: int, now: datetime) -> None:
        self.session.add(WorkerProcess(id=worker_id, host=host[:255], pid=pid, started_at=now, heartbeat_at=now))

    def beat(self, worker_id: str, now: datetime) -> bool:
        """Renew the lease; False when the row is gone (another worker took this one for dead)."""
        return self.session.execute(update(WorkerProcess).where(WorkerProcess.id == worker_id)
                                    .values(heartbeat_at=now)).rowcount == 1

    def unregister(self, worker_id: str) -> None:
        self.session.execute(delete(WorkerProcess).where(WorkerProcess.id == worker_id))

    def dead(self, me: str, host: str, now: datetime, lease: timedelta,
             process_gone: Callable[[int], bool]) -> list[str]:
        """Workers that stopped beating for longer than `lease`, or ran on this host in a process
        that is gone (a restart after a crash need not wait for the lease)."""
        rows = self.session.execute(select(WorkerProcess.id, WorkerProcess.host, WorkerProcess.pid,
                                           WorkerProcess.heartbeat_at).where(WorkerProcess.id != me)).all()
        return [worker_id for worker_id, their_host, pid, beat in rows
                if beat < now - lease or (their_host == host and process_gone(pid))]

    def others_alive(self, me: str, now: datetime, lease: timedelta) -> int:
        """How many other workers beat within the lease (0: this one works alone)."""
        return len(self.session.execute(select(WorkerProcess.id).where(
            WorkerProcess.id != me, WorkerProcess.heartbeat_at >= now - lease)).all())

    def recover(self, dead: list[str], unowned: bool = False) -> tuple[int, int]:
        """Return the claims of dead workers to the queue and forget the dead; with `unowned`, also
        claims nobody owns (left by versions before workers had ids: only worth a look at start).
        Return (events, outbox rows) requeued."""
        if not dead and not unowned:
            return 0, 0
        owners = [Event.claimed_by.in_(dead)] if dead else []
        row_owners = [OutboxMessage.claimed_by.in_(dead)] if dead else []
        if unowned:
            owners.append(Event.claimed_by.is_(None))
            row_owners.append(OutboxMessage.claimed_by.is_(None))
        if dead:
            self.session.execute(delete(WorkerProcess).where(WorkerProcess.id.in_(dead)))
        events = self.session.execute(update(Event).where(Event.status == "processing", or_(*owners))
                                      .values(status="pending", claimed_at=None, claimed_by=None)).rowcount
        messages = self.session.execute(update(OutboxMessage).where(OutboxMessage.status == "sending", or_(*row_owners))
                                        .values(status="queued", claimed_by=None)).rowcount
        return events, messages

    def requeue_own(self, worker_id: str, claimed_before: datetime, events_kept: set[int],
                    messages_kept: set[int]) -> tuple[int, int]:
        """Requeue what `worker_id` claimed before `claimed_before` and no longer works on (all but
        the ids kept). Return (events, outbox rows) requeued."""
        events = update(Event).where(Event.status == "processing", Event.claimed_by == worker_id,
                                     Event.claimed_at < claimed_before)
        if events_kept:
            events = events.where(Event.id.not_in(events_kept))
        messages = update(OutboxMessage).where(OutboxMessage.status == "sending", OutboxMessage.claimed_by == worker_id,
                                               OutboxMessage.next_attempt_at < claimed_before)  # set when claimed
        if messages_kept:
            messages = messages.where(OutboxMessage.id.not_in(messages_kept))
        return (self.session.execute(events.values(status="pending", claimed_at=None, claimed_by=None)).rowcount,
                self.session.execute(messages.values(status="queued", claimed_by=None)).rowcount)
