"""How residents rated the handling of their requests once closed (1–3, as after a handover), per kind and per
month the request was closed: for leaders' statistics."""
from __future__ import annotations

from dataclasses import dataclass

from bot.admin import texts as t
from bot.admin.handoff_stats import SCORES


@dataclass(frozen=True)
class KindRatings:
    kind: str  # the kind's title
    cells: list[str]  # one per month, newest first: «2 lượt, TB 2,5», or a dash
    total: str  # over the months shown


def cell(scores: list[int]) -> str:
    if not scores:
        return t.EMPTY_ANSWER
    average = f"{sum(scores) / len(scores):.1f}".replace(".", ",")
    return t.REPORT_RATING_CELL.format(n=len(scores), average=average)


def ratings_by_kind(uow, months, name) -> list[KindRatings]:
    """One line per kind rated in these months (`months` as stats.month_ranges gives them), most rated first."""
    per_month = [uow.requests.ratings_between(since, until) for _, since, until in months]
    kinds = {kind for rows in per_month for kind, _ in rows}
    lines = []
    for kind in kinds:
        cells = [[score for k, score in rows if k == kind and score in SCORES] for rows in per_month]
        lines.append(KindRatings(name(kind), [cell(scores) for scores in cells],
                                 cell([score for scores in cells for score in scores])))
    return sorted(lines, key=lambda line: line.kind)
