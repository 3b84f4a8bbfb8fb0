"""Requests answered within the time the tổ promised (each procedure's `promise`), per month, for leaders."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.admin import texts as t
from bot.flows.promises import answered_in_time


@dataclass(frozen=True)
class PromiseMonth:
    month: str  # «MM/YYYY»
    promised: int  # requests made that month with a promise
    in_time: int  # answered by a person by the promised time
    judged: int  # answered, or past the promise unanswered (the rest: too early to say)

    @property
    def share_in_time(self) -> str:
        """«2/3 (67%)», or a dash when none can be judged yet."""
        if not self.judged:
            return t.EMPTY_ANSWER
        return t.HANDOFF_SHARE.format(n=self.in_time, of=self.judged, percent=round(100 * self.in_time / self.judged))


def promise_months(uow, months: list[tuple[str, datetime, datetime]], now: datetime) -> list[PromiseMonth]:
    """One line per month that had a promised request, newest first."""
    lines = []
    for label, since, until in months:
        rows = uow.requests.promised_between(since, until)
        if not rows:
            continue
        answered = uow.requests.first_answers([r.id for r in rows])
        verdicts = [answered_in_time(r.due_at, answered.get(r.id), now) for r in rows]
        lines.append(PromiseMonth(label, len(rows), verdicts.count(True), sum(v is not None for v in verdicts)))
    return lines
