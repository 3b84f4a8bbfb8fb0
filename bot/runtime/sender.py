"""Deliver outbox rows through the Zalo client and record each outcome."""
from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from datetime import timedelta

from bot.clock import utcnow
from bot.events import echo_keys
from bot.replies import Choices, Image, RequestInfo, Text, from_payload, to_payload
from bot.runtime.process import new_worker_id
from bot.services import groups
from bot.store import Store
from bot.zalo.errors import BadRequest, UserUnreachable, ZaloError

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
ATTACHMENT_FRESH = timedelta(days=6)  # Zalo keeps an uploaded photo's attachment id about 7 days
_PHOTO_UPLOAD = threading.Lock()
MAX_BACKOFF = timedelta(minutes=5)


def backoff(attempts: int, base_seconds: float = 1.0) -> timedelta:
    """Wait 2, 4, 8… times `base_seconds` between tries (seconds in production), at most five minutes."""
    return min(timedelta(seconds=base_seconds * 2 ** max(attempts, 1)), MAX_BACKOFF)


@dataclass(frozen=True)
class Claimed:
    """An outbox row this worker holds for sending, as written: enough to send it and record the
    outcome without reading it back."""
    id: int
    kind: str
    payload: dict
    user_id: str | None
    group_id: str | None
    attempts: int

    @classmethod
    def of(cls, row) -> "Claimed":
        return cls(row.id, row.kind, json.loads(row.payload), row.user_id, row.group_id, row.attempts)


class OutboxSender:
    def __init__(self, store: Store, client, worker_id: str | None = None, backoff_base: float = 1.0):
        self.store, self.client, self.backoff_base = store, client, backoff_base
        self.worker_id = worker_id or new_worker_id()  # claims are made under it (see bot/store/workers.py)
        self._in_flight: set[int] = set()  # rows claimed and not yet recorded as sent or failed
        self._in_flight_lock = threading.Lock()

    def in_flight(self) -> set[int]:
        with self._in_flight_lock:
            return set(self._in_flight)

    def _holding(self, ids, held: bool) -> None:
        with self._in_flight_lock:
            (self._in_flight.update if held else self._in_flight.difference_update)(ids)

    def let_go(self, ids: list[int]) -> None:
        """Forget rows claimed in a transaction that did not commit."""
        self._holding(ids, False)

    def write_claimed(self, uow, user_id: str | None, replies: list, event_id: int | None) -> list[Claimed]:
        """Write (reply, about) pairs to one user already claimed by this worker (`about`: the resident a
        copy for staff quotes, see replies.about_whom), and return them to send
        (`send_claimed`) once the transaction commits: no separate claim. When an older message to
        the user is still unsent, it must go first: they are written queued, due now, for the
        sweeper, and nothing is returned."""
        if not user_id or uow.outbox.has_unsent_to(user_id):
            for reply, about in replies:
                uow.outbox.add(reply.kind, to_payload(reply), user_id=user_id, event_id=event_id, about=about)
            return []
        claimed = []
        for reply, about in replies:
            payload = to_payload(reply)
            message_id = uow.outbox.add(reply.kind, payload, user_id=user_id, event_id=event_id,
                                        claimed_by=self.worker_id, about=about)
            claimed.append(Claimed(message_id, reply.kind, payload, user_id, None, attempts=1))  # as add() wrote it
        self._holding([row.id for row in claimed], True)  # before the commit: see Worker.requeue_orphans
        return claimed

    def send_claimed(self, rows: list[Claimed]) -> None:
        """Send rows this worker claimed (all to one recipient, in order) and record the outcomes."""
        try:
            self._send_claimed(rows)
        finally:
            self._holding([row.id for row in rows], False)

    def send_ids(self, ids: list[int]) -> None:
        """Send these rows, each recipient's in order; after a retryable failure leave that recipient's
        rest to the sweeper, after 'unreachable' fail that recipient's rest unsent."""
        with self.store.unit() as uow:
            recipients = {i: (row.user_id or row.group_id) for i in ids if (row := uow.outbox.get(i))}
        for recipient in dict.fromkeys(recipients.values()):
            mine = [i for i in ids if recipients.get(i) == recipient]
            self.send_in_order(mine)

    def send_in_order(self, ids: list[int]) -> None:
        """Send rows of one recipient in this order (see send_ids for what a failure does).

        Two short transactions for the whole batch (claim, then record every outcome), not two per
        message: on SQLite each write waits for the one lock the webhook needs too."""
        self.send_claimed(self._claim_in_order(ids))

    def _send_claimed(self, rows: list[Claimed]) -> None:
        sent: list[tuple[int, list[str]]] = []
        failure = None
        for row in rows:
            try:
                sent.append((row.id, self._deliver(row.kind, row.payload, row.user_id, row.group_id)))
            except ZaloError as exc:
                failure = (row, exc)
                break
        rest = [row.id for row in rows[len(sent) + 1:]] if failure else []
        with self.store.unit() as uow:
            for message_id, zalo_ids in sent:
                uow.outbox.mark_sent(message_id, ",".join(zalo_ids)[:255] or None)
            uow.events.settle(echo_keys([zalo_id for _id, zalo_ids in sent for zalo_id in zalo_ids]))
            if failure:
                outcome = self._record_failure(uow, *failure)
                if outcome == "unreachable":
                    for message_id in rest:
                        uow.outbox.mark_failed(message_id, failure[1].code, failure[1].message)
                else:  # back to the queue, due now: the sweeper keeps the order behind the failed one
                    uow.outbox.requeue(rest)
            uow.commit()

    def _claim_in_order(self, ids: list[int]) -> list[Claimed]:
        """Claim the batch, or hand it to the sweeper when an older message to the same recipient
        is still unsent (it must go first)."""
        if not ids:
            return []
        with self.store.unit() as uow:
            recipient = uow.outbox.recipient_of(ids[0])
            if recipient is None or uow.outbox.has_unsent_to(*recipient, before=ids[0]):
                uow.outbox.release_hold(ids)
                uow.commit()
                return []
            claimed = [message_id for message_id in ids if uow.outbox.claim(message_id, self.worker_id, ids)]
            rows = [Claimed.of(uow.outbox.get(message_id)) for message_id in claimed]
            self._holding(claimed, True)
            try:
                uow.commit()
            except Exception:
                self._holding(claimed, False)
                raise
        return rows

    def sweep(self, limit: int = 200) -> int:
        """Send every due row, oldest first, keeping each recipient's order. Return rows tried."""
        with self.store.unit() as uow:
            due = [(row.id, row.user_id or row.group_id) for row in uow.outbox.due(limit)]
        blocked: set[str | None] = set()
        for message_id, recipient in due:
            if recipient in blocked:
                continue
            outcome = self._send_one(message_id)
            if outcome in ("retry", "unreachable"):
                blocked.add(recipient)
        return len(due)

    def _send_one(self, message_id: int) -> str:
        self._holding([message_id], True)
        try:
            return self._claim_and_send(message_id)
        finally:
            self._holding([message_id], False)

    def _claim_and_send(self, message_id: int) -> str:
        with self.store.unit() as uow:
            if not uow.outbox.claim(message_id, self.worker_id):
                uow.commit()
                return "skipped"
            row = Claimed.of(uow.outbox.get(message_id))
            uow.commit()
        try:
            zalo_ids = self._deliver(row.kind, row.payload, row.user_id, row.group_id)
        except ZaloError as exc:
            with self.store.unit() as uow:
                outcome = self._record_failure(uow, row, exc)
                uow.commit()
            return outcome
        with self.store.unit() as uow:
            uow.outbox.mark_sent(message_id, ",".join(zalo_ids)[:255] or None)
            uow.events.settle(echo_keys(zalo_ids))
            uow.commit()
        return "sent"

    def _record_failure(self, uow, row, exc: ZaloError) -> str:
        if isinstance(exc, UserUnreachable) and row.user_id:
            uow.outbox.mark_failed(row.id, exc.code, exc.message)
            uow.members.mark_unreachable(row.user_id, exc.code or 0, exc.reason)
            outcome = "unreachable"
        elif exc.retryable and row.attempts < MAX_ATTEMPTS:
            uow.outbox.mark_retry(row.id, backoff(row.attempts, self.backoff_base), exc.code, exc.message)
            outcome = "retry"
        else:
            uow.outbox.mark_failed(row.id, exc.code, exc.message)
            outcome = "failed"
        log.warning("outbox %s %s: %s", row.id, outcome, exc)
        return outcome

    def _upload_proof(self, closing_id: int) -> str:
        """Upload a proof photo kept with a request's closing; its attachment id for this one send."""
        with self.store.unit() as uow:
            closing = uow.requests.closing(closing_id)
            photo, photo_type = (closing.photo, closing.photo_type) if closing is not None else (None, None)
        if not photo:  # erased meanwhile: nothing to send
            raise BadRequest(None, "the proof photo is no longer kept")
        return self.client.upload_image(photo, "anh.jpg", photo_type or "image/jpeg")

    def _announcement_photo(self, announcement_id: int) -> str:
        """The attachment id of an announcement's kept photo: the one Zalo gave while it is fresh, else
        a new upload (kept for the next residents; one send lane uploads while the others wait for it)."""
        with _PHOTO_UPLOAD, self.store.unit() as uow:
            announcement = uow.announcements.get(announcement_id)
            if announcement is None or not announcement.image_data:
                raise BadRequest(None, "the announcement's photo is no longer kept")
            if announcement.image_attachment_id and announcement.image_uploaded_at \
                    and utcnow() - announcement.image_uploaded_at < ATTACHMENT_FRESH:
                return announcement.image_attachment_id
            attachment_id = self.client.upload_image(announcement.image_data, "anh.jpg",
                                                     announcement.image_type or "image/jpeg")
            uow.announcements.keep_upload(announcement_id, attachment_id, utcnow())
            uow.commit()
        return attachment_id

    def _deliver(self, kind: str, payload: dict, user_id: str | None, group_id: str | None) -> list[str]:
        if kind == "group_text":
            return self.client.post_group_text(group_id, payload["text"])
        if kind in groups.TAG_KINDS:  # a group's mirror in Zalo tags: a call, not a message
            if kind == groups.TAG_ADD:
                self.client.tag_user(payload["user_id"], payload["tag_name"])
            elif kind == groups.TAG_REMOVE:
                self.client.untag_user(payload["user_id"], payload["tag_name"])
            else:
                self.client.remove_tag(payload["tag_name"])
            return []
        reply = from_payload(kind, payload)
        if isinstance(reply, Choices):
            return self.client.send_choices(user_id, reply.text, list(reply.options), reply.button_titles(),
                                            list(reply.payloads))
        if isinstance(reply, Image):
            attachment_id = reply.attachment_id or (self._upload_proof(reply.closing) if reply.closing else "") \
                or (self._announcement_photo(reply.announcement) if reply.announcement else "")
            return self.client.send_image(user_id, reply.url, reply.caption, attachment_id)
        if isinstance(reply, RequestInfo):
            return self.client.request_user_info(user_id, reply.title, reply.subtitle, reply.image_url)
        assert isinstance(reply, Text)
        return self.client.send_text(user_id, reply.text)
