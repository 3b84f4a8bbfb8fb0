"""Conversation state per (OA, user), as JSON."""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from bot.store.driver import Hot
from bot.store.models import Conversation, utcnow
from bot.store.sealed import Sealed

_UNREAD = object()
# Read for every message: built once.
OF_USER = Hot(select(Conversation.id, Conversation.state).where(Conversation.oa_id == bindparam("oa_id"),
                                                               Conversation.user_id == bindparam("user_id")))


@dataclass
class _Stored:
    """A user's conversation row as read (its id and state), without an ORM object to keep in step."""
    id: int
    state: str
# Written for every message: one UPDATE, not an ORM flush at commit.
STATE_SAVED = Hot(update(Conversation).where(Conversation.id == bindparam("row_id"))
               .values(state=bindparam("new_state", type_=Sealed), updated_at=bindparam("at")))


class ConversationRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id
        # One event reads and writes the user's state several times: read the row once per unit.
        # A row deleted meanwhile (erasure) leaves the session, and is then read again.
        self._rows: dict[str, Conversation | _Stored | None] = {}

    def _row(self, user_id: str) -> Conversation | _Stored | None:
        """The row read once per unit; one added in this unit is the ORM object its flush writes."""
        row = self._rows.get(user_id, _UNREAD)
        if row is _UNREAD or isinstance(row, Conversation) and row not in self.session:
            found = OF_USER.first(self.session, {"oa_id": self.oa_id, "user_id": user_id})
            row = self._rows[user_id] = _Stored(*found) if found else None
        return row

    def get(self, user_id: str) -> dict | None:
        row = self._row(user_id)
        return json.loads(row.state) if row else None

    def save(self, user_id: str, state: dict) -> None:
        row, text, now = self._row(user_id), json.dumps(state, ensure_ascii=False), utcnow()
        if row is None:
            row = self._rows[user_id] = Conversation(oa_id=self.oa_id, user_id=user_id, state=text, updated_at=now)
            self.session.add(row)
            return
        if row.id is None:  # added in this unit and not yet written: the flush writes it
            row.state, row.updated_at = text, now
            return
        STATE_SAVED.rowcount(self.session, {"row_id": row.id, "new_state": text, "at": now})
        if isinstance(row, Conversation):  # the loaded row says what the database now holds
            set_committed_value(row, "state", text)
            set_committed_value(row, "updated_at", now)
        else:
            row.state = text

    def forget(self, user_id: str) -> None:
        self._rows.pop(user_id, None)
        self.session.execute(delete(Conversation).where(
            Conversation.oa_id == self.oa_id, Conversation.user_id == user_id))
