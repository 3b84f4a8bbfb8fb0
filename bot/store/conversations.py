"""Conversation state per (OA, user), as JSON."""
from __future__ import annotations

import json

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from bot.store.models import Conversation, utcnow


_UNREAD = object()
# Read for every message: built once.
OF_USER = select(Conversation).where(Conversation.oa_id == bindparam("oa_id"), Conversation.user_id == bindparam("user_id"))


class ConversationRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id
        # One event reads and writes the user's state several times: read the row once per unit.
        # A row deleted meanwhile (erasure) leaves the session, and is then read again.
        self._rows: dict[str, Conversation | None] = {}

    def _row(self, user_id: str) -> Conversation | None:
        row = self._rows.get(user_id, _UNREAD)
        if row is _UNREAD or (row is not None and row not in self.session):
            row = self._rows[user_id] = self.session.scalar(OF_USER, {"oa_id": self.oa_id, "user_id": user_id})
        return row

    def get(self, user_id: str) -> dict | None:
        row = self._row(user_id)
        return json.loads(row.state) if row else None

    def save(self, user_id: str, state: dict) -> None:
        row = self._row(user_id)
        if row is None:
            row = self._rows[user_id] = Conversation(oa_id=self.oa_id, user_id=user_id)
            self.session.add(row)
        row.state = json.dumps(state, ensure_ascii=False)
        row.updated_at = utcnow()

    def forget(self, user_id: str) -> None:
        self._rows.pop(user_id, None)
        self.session.execute(delete(Conversation).where(
            Conversation.oa_id == self.oa_id, Conversation.user_id == user_id))
