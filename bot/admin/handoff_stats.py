"""«Gặp người» handovers per month, for leaders: how many a person took within the time the bot promises
residents, and how residents rated the help (1–3)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import texts
from bot.admin import texts as t
from bot.flows.promises import answered_in_time

SCORES = (1, 2, 3)  # texts.RATE_OPTIONS, worst first


@dataclass(frozen=True)
class HandoffMonth:
    month: str  # «MM/YYYY»
    asked: int  # handovers residents asked for
    in_time: int  # taken by a person within the promise
    judged: int  # taken, or past the promise untaken (the rest: too early to say, or cancelled in time)
    ratings: tuple[int, ...]  # how many residents gave each score of SCORES

    @property
    def share_in_time(self) -> str:
        """«2/3 (67%)», or a dash when none can be judged yet."""
        if not self.judged:
            return t.EMPTY_ANSWER
        return t.HANDOFF_SHARE.format(n=self.in_time, of=self.judged, percent=round(100 * self.in_time / self.judged))

    @property
    def rated(self) -> int:
        return sum(self.ratings)

    @property
    def average(self) -> str:
        """The mean score with a decimal comma («2,3»), or a dash when nobody rated."""
        if not self.rated:
            return t.EMPTY_ANSWER
        mean = sum(score * count for score, count in zip(SCORES, self.ratings)) / self.rated
        return f"{mean:.1f}".replace(".", ",")


def promised_claim_time(runtime, procedure_id: str | None) -> timedelta:
    """How soon the bot tells residents a person will answer (one time for every procedure, for now)."""
    return runtime.claim_timeout


def claimed_in_time(handoff, promise: timedelta, now: datetime) -> bool | None:
    """Whether a person took the chat within `promise` of the staff being told: None when it cannot be said
    (the staff not told yet, still within the promise, or the resident cancelled within it)."""
    told = handoff.notified_at or (handoff.created_at if handoff.claimed_at else None)
    if told is None:
        return None
    if handoff.claimed_at is None and handoff.closed_at is not None and handoff.closed_at - told <= promise:
        return None  # cancelled within the promise
    return answered_in_time(told + promise, handoff.claimed_at, now)


def handoffs_by_month(uow, months: list[tuple[str, datetime, datetime]]) -> list[list]:
    """The handovers residents asked for in each month (a console answer opens one without a request, and
    the bot promised nothing then)."""
    asked = uow.handoffs.asked_between(months[-1][1], months[0][2])
    return [[h for h in asked if since <= h.created_at < until] for _, since, until in months]


def handoff_months(uow, runtime, months, now: datetime) -> list[HandoffMonth]:
    """One line per month that had a handover, newest first."""
    lines = []
    for (label, _, _), handoffs in zip(months, handoffs_by_month(uow, months)):
        if not handoffs:
            continue
        verdicts = [claimed_in_time(h, promised_claim_time(runtime, h.procedure_id), now) for h in handoffs]
        ratings = tuple(sum(1 for h in handoffs if h.rating == score) for score in SCORES)
        lines.append(HandoffMonth(label, len(handoffs), verdicts.count(True),
                                  sum(v is not None for v in verdicts), ratings))
    return lines


def rating_labels() -> tuple[str, ...]:
    """The words residents chose from, for each score of SCORES."""
    return tuple(texts.RATE_OPTIONS[score - 1] for score in SCORES)


def rating_scale() -> str:
    """«1 = Chưa tốt, 2 = Tạm được, 3 = Tốt»."""
    return ", ".join(f"{score} = {label}" for score, label in zip(SCORES, rating_labels()))
