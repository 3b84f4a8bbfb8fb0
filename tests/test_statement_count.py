"""What one resident message costs the worker in statements and transactions: the figure its CPU per
message (bench/e2e.py, issue 24) depends on. A change that adds a statement to every message, or a
second transaction, fails here first: measure it with bench/e2e.py --app both, then raise the figure."""
from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import event

from bench.e2e import script

# Measured 2026-12-03 for an answer in the middle of «tạm trú» (a question asked, the answer checked,
# the state saved, the next question written and sent): reading the event, flood control, the
# resident's role, handover, conversation and waiting notices, the replies' order check and inserts,
# state, member and event updates. Sending: each reply's outcome, then their echoes settled at once.
PROCESSING_STATEMENTS = 13


def test_an_answer_mid_procedure_costs_one_transaction_and_a_dozen_statements(bot):
    lines = script("tam_tru")
    for line in lines[:4]:  # the trigger, consent, the first answers: the state exists, a question waits
        bot.say("count-1", line)
    statements: Counter = Counter()
    commits: Counter = Counter()

    def kind() -> str:
        name = threading.current_thread().name
        return "processing" if name.startswith("event") else "sending" if name.startswith("send") else "other"

    def count_statement(*_):
        statements.update([kind()])

    def count_commit(*_):
        commits.update([kind()])

    engine = bot.services.store.engine
    event.listen(engine, "before_cursor_execute", count_statement)
    event.listen(engine, "commit", count_commit)
    try:
        asked_before = bot.inbox("count-1")[-1]
        said = bot.say("count-1", lines[4])
    finally:
        event.remove(engine, "before_cursor_execute", count_statement)
        event.remove(engine, "commit", count_commit)
    assert said and said[-1] != asked_before  # the answer was taken: the next question came
    assert statements["processing"] <= PROCESSING_STATEMENTS, statements
    assert commits["processing"] == 1, commits
    assert statements["sending"] <= len(said) + 1, statements
    assert commits["sending"] == 1, commits
