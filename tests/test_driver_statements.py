"""Statements sent straight to the driver (bot/store/driver.py) store and read exactly what SQLAlchemy
would: personal data sealed, dates in SQLite's format, literal IN lists and LIKE prefixes bound."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from bot.store import Store, make_engine
from bot.store.models import Event, OutboxMessage, utcnow


@pytest.fixture
def store(migrated_database_url):
    store = Store(make_engine(migrated_database_url), "oa1")
    yield store
    store.dispose()


def test_a_reply_written_through_the_driver_is_sealed_and_reads_back_through_the_orm(store):
    with store.unit() as uow:
        message_id = uow.outbox.add("text", {"text": "Bác Nguyễn Văn A, CCCD 001234567890"}, user_id="u-1")
        uow.commit()
    with store.unit() as uow:
        stored = uow.session.execute(text("SELECT payload, created_at FROM outbox WHERE id = :i"),
                                     {"i": message_id}).one()
        assert "001234567890" not in stored.payload  # sealed at rest
        row = uow.session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id))
        assert json.loads(row.payload)["text"] == "Bác Nguyễn Văn A, CCCD 001234567890"
        assert abs(row.created_at - utcnow()) < timedelta(minutes=1)
        assert uow.outbox.has_unsent_to("u-1") and not uow.outbox.has_unsent_to("u-2")  # IN ('queued', 'sending')


def test_arrival_times_and_the_event_read_match_what_the_orm_reads(store):
    for n in range(4):
        assert store.record_event(f"user_send_text:m{n}", "user_send_text", "u-1", json.dumps({"n": n}))
    store.record_event("oa_send_text:x", "oa_send_text", "u-1", "{}")  # an echo: not the resident's message
    with store.unit() as uow:
        ids = list(uow.session.scalars(select(Event.id).where(Event.user_id == "u-1").order_by(Event.id)))
        orm = list(uow.session.scalars(select(Event.received_at).where(
            Event.user_id == "u-1", Event.event_name.like("user\\_send\\_%", escape="\\")).order_by(Event.id.desc())))
        assert uow.events.arrival_times("u-1", ids[-1], 10) == orm  # datetimes, newest first, echo left out
        assert uow.events.arrival_times("u-1", ids[1], 10) == orm[-2:]
        assert json.loads(uow.events.raw_of(ids[2])) == {"n": 2}  # unsealed
        assert uow.events.claim(ids[0], "w-1") and not uow.events.claim(ids[1], "w-1")  # the first one first
