"""Deliver outbox rows through the Zalo client and record each outcome."""
from __future__ import annotations

import json
import logging
from datetime import timedelta

from bot.replies import Choices, Image, RequestInfo, Text, from_payload
from bot.store import Store
from bot.zalo.errors import UserUnreachable, ZaloError

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(minutes=5)


def backoff(attempts: int) -> timedelta:
    """Wait 2, 4, 8… seconds between tries, at most five minutes."""
    return min(timedelta(seconds=2 ** max(attempts, 1)), MAX_BACKOFF)


class OutboxSender:
    def __init__(self, store: Store, client):
        self.store, self.client = store, client

    def send_ids(self, ids: list[int]) -> None:
        """Send these rows, each recipient's in order; after a retryable failure leave that recipient's
        rest to the sweeper, after 'unreachable' fail that recipient's rest unsent."""
        with self.store.unit() as uow:
            recipients = {i: (row.user_id or row.group_id) for i in ids if (row := uow.outbox.get(i))}
        for recipient in dict.fromkeys(recipients.values()):
            mine = [i for i in ids if recipients.get(i) == recipient]
            self.send_in_order(mine)

    def send_in_order(self, ids: list[int]) -> None:
        """Send rows of one recipient in this order (see send_ids for what a failure does)."""
        if ids and self._must_wait(ids[0]):
            self._release(ids)
            return
        for position, message_id in enumerate(ids):
            outcome = self._send_one(message_id)
            if outcome == "retry":
                self._release(ids[position + 1:])
                break
            if outcome == "unreachable":
                self._fail_rest(ids[position + 1:], message_id)
                break

    def _must_wait(self, first_id: int) -> bool:
        with self.store.unit() as uow:
            row = uow.outbox.get(first_id)
            return uow.outbox.has_earlier_queued(first_id, row.user_id, row.group_id)

    def _release(self, ids: list[int]) -> None:
        with self.store.unit() as uow:
            uow.outbox.release_hold(ids)
            uow.commit()

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

    def _fail_rest(self, ids: list[int], failed_id: int) -> None:
        """Zalo said the user cannot be reached: the rest of the batch fails the same way, unsent."""
        with self.store.unit() as uow:
            first = uow.outbox.get(failed_id)
            for message_id in ids:
                if uow.outbox.claim(message_id):
                    uow.outbox.mark_failed(message_id, first.error_code, first.error_message or "")
            uow.commit()

    def _send_one(self, message_id: int) -> str:
        with self.store.unit() as uow:
            if not uow.outbox.claim(message_id):
                uow.commit()
                return "skipped"
            row = uow.outbox.get(message_id)
            uow.commit()
        try:
            zalo_ids = self._deliver(row.kind, json.loads(row.payload), row.user_id, row.group_id)
        except ZaloError as exc:
            return self._record_failure(row, exc)
        with self.store.unit() as uow:
            uow.outbox.mark_sent(message_id, ",".join(zalo_ids)[:255] or None)
            uow.commit()
        return "sent"

    def _record_failure(self, row, exc: ZaloError) -> str:
        with self.store.unit() as uow:
            if isinstance(exc, UserUnreachable) and row.user_id:
                uow.outbox.mark_failed(row.id, exc.code, exc.message)
                uow.members.mark_unreachable(row.user_id, exc.code or 0, exc.reason)
                outcome = "unreachable"
            elif exc.retryable and row.attempts < MAX_ATTEMPTS:
                uow.outbox.mark_retry(row.id, backoff(row.attempts), exc.code, exc.message)
                outcome = "retry"
            else:
                uow.outbox.mark_failed(row.id, exc.code, exc.message)
                outcome = "failed"
            uow.commit()
        log.warning("outbox %s %s: %s", row.id, outcome, exc)
        return outcome

    def _deliver(self, kind: str, payload: dict, user_id: str | None, group_id: str | None) -> list[str]:
        if kind == "group_text":
            return self.client.post_group_text(group_id, payload["text"])
        reply = from_payload(kind, payload)
        if isinstance(reply, Choices):
            return self.client.send_choices(user_id, reply.text, list(reply.options))
        if isinstance(reply, Image):
            return self.client.send_image(user_id, reply.url, reply.caption)
        if isinstance(reply, RequestInfo):
            return self.client.request_user_info(user_id, reply.title, reply.subtitle, reply.image_url)
        assert isinstance(reply, Text)
        return self.client.send_text(user_id, reply.text)
