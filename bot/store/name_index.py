"""Finding people by name without names in plain text: each word of a name (the Zalo profile name, the
registered name, a name typed in a request) is kept as a keyed hash of its plain form (lower case, no
diacritics), so «Pham Van Tuan» finds «Phạm Văn Tuấn». Erasure and retention delete the words."""
from __future__ import annotations

import re
import unicodedata

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.store.models import NameWord
from bot.store.sealed import fingerprint

MAX_WORDS = 8  # of one name; a longer text is not a name


def plain_words(text: str | None) -> list[str]:
    """The words of a name as they are compared: lower case, no diacritics, letters and digits only."""
    text = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D").lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return [w for w in re.split(r"[^a-z0-9]+", text) if len(w) >= 2]


def _hash(word: str) -> str:
    return fingerprint("name-word:" + word)


class NameIndexRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def add(self, user_id: str, name: str | None, request_id: int | None = None) -> None:
        """Index the words of a person's name (a request's own when `request_id` is given)."""
        words = list(dict.fromkeys(plain_words(name)))[:MAX_WORDS]
        if not words:
            return
        hashes = {_hash(w) for w in words}
        known = set(self.session.scalars(select(NameWord.word_hash).where(
            NameWord.oa_id == self.oa_id, NameWord.user_id == user_id, NameWord.word_hash.in_(hashes),
            NameWord.request_id.is_(None) if request_id is None else NameWord.request_id == request_id)))
        for word_hash in hashes - known:
            self.session.add(NameWord(oa_id=self.oa_id, word_hash=word_hash, user_id=user_id, request_id=request_id))

    def matching(self, query: str) -> tuple[set[str], set[int]]:
        """(people, requests) whose indexed name holds every word of `query`: people by their profile or
        registered name, requests by a name typed in them. Empty when the query has no word."""
        hashes = {_hash(w) for w in plain_words(query)}
        if not hashes:
            return set(), set()
        base = (NameWord.oa_id == self.oa_id) & NameWord.word_hash.in_(hashes)
        enough = func.count(NameWord.word_hash.distinct()) >= len(hashes)
        people = set(self.session.scalars(select(NameWord.user_id).where(base, NameWord.request_id.is_(None))
                                          .group_by(NameWord.user_id).having(enough)))
        requests = set(self.session.scalars(select(NameWord.request_id).where(base, NameWord.request_id.is_not(None))
                                            .group_by(NameWord.request_id).having(enough)))
        return people, requests

    def forget_user(self, user_id: str) -> None:
        self.session.execute(delete(NameWord).where(NameWord.oa_id == self.oa_id, NameWord.user_id == user_id))

    def forget_requests(self, request_ids) -> None:
        """`request_ids`: ids or a select of them (retention)."""
        self.session.execute(delete(NameWord).where(NameWord.oa_id == self.oa_id, NameWord.request_id.in_(request_ids)))

    def is_empty(self) -> bool:
        return self.session.scalar(select(NameWord.id).where(NameWord.oa_id == self.oa_id).limit(1)) is None
