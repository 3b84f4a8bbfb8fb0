"""The statements the worker runs for every event and every reply find their rows through an index on
what they look for, never by walking all of an OA's history: the events and outbox tables keep two
years of it, so such a walk grows slower every day (a 2026-12 profile found two doing so)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from bot.store import Store, make_engine, upgrade_schema
from bot.store.models import utcnow

# A full scan of a table, or an index used only for its OA column: every row the OA ever had.
WALKS_THE_HISTORY = re.compile(r"^SCAN (?!CONSTANT)\w+|USING (?:COVERING )?INDEX \w+ \(oa_id=\?\)$")


def per_event_work(uow) -> None:
    """What one resident message and one reply cost the worker, repository by repository."""
    heads = uow.events.pending_heads({"busy-user"}, 4)
    everywhere = uow.events.pending_heads_everywhere({"busy-user"}, 4, 0)  # a worker serving several OAs
    uow.events.claim(1, "worker-1")
    uow.events.finish(1)
    uow.events.count("pending")
    uow.members.record_interaction("resident-a", utcnow())
    uow.staff.role_of("resident-a")
    uow.notices.take("resident-a")
    uow.conversations.get("resident-a")
    uow.outbox.has_unsent_to("resident-a")
    uow.outbox.add("text", {"text": "Chào bác"}, user_id="resident-a")
    uow.outbox.has_unsent_to("resident-a", before=1)
    uow.outbox.has_unsent_to(None, "group-1", before=1)
    group_notice = uow.outbox.add("group_text", {"text": "Thông báo"}, group_id="group-1")
    uow.outbox.claim(group_notice, "worker-1")
    uow.outbox.claim(1, "worker-1")
    uow.outbox.mark_sent(1, "zalo-1")
    uow.outbox.is_own_echo("resident-a", "zalo-1", "Chào bác")
    uow.outbox.due()
    uow.outbox.unsent_now()
    uow.events.settle_own_echoes(0)
    uow.events.settle(["oa_send_text:zalo-1"])
    uow.across.with_due_outbox(utcnow())
    uow.across.work_left()
    assert [head.user_id for head in heads] == ["resident-b"]
    assert [(head.oa_id, head.user_id) for head in everywhere] == [("oa-1", "resident-b")]


def test_the_per_event_statements_never_walk_an_oas_history(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'plans.db'}")
    upgrade_schema(engine)
    statements: dict[str, tuple] = {}

    @event.listens_for(engine, "before_cursor_execute")
    def _keep(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
            statements.setdefault(statement, parameters)

    store = Store(engine, "oa-1")
    assert store.record_event("user_send_text:m1", "user_send_text", "resident-b", "{}")
    with store.unit() as uow:
        per_event_work(uow)
    assert len(statements) >= 15
    raw = engine.raw_connection()
    try:
        walks = {}
        for statement, parameters in statements.items():
            plan = [row[3] for row in raw.cursor().execute("EXPLAIN QUERY PLAN " + statement, parameters)]
            if any(WALKS_THE_HISTORY.search(step) for step in plan):
                walks[" ".join(statement.split())[:120]] = plan
    finally:
        raw.close()
        engine.dispose()
    assert walks == {}


@pytest.mark.parametrize("step, walks", [
    ("SEARCH events USING INDEX ix_events_user (oa_id=?)", True),
    ("SCAN outbox", True),
    ("SEARCH outbox USING INDEX ix_outbox_user (oa_id=? AND user_id=? AND id<?)", False),
    ("SEARCH events USING INDEX ix_events_status_id (status=?)", False),
])
def test_the_plan_check_tells_a_walk_from_a_search(step, walks):
    assert bool(WALKS_THE_HISTORY.search(step)) is walks
