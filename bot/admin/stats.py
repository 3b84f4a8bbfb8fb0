"""Statistics for leaders: requests per month for the last 12 months, by kind, channel and status; «gặp người»
handovers taken in time and how residents rated them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import render_template

from bot import texts
from bot.admin import texts as t
from bot.admin.auth import leader_only
from bot.admin.base import blueprint, now, services
from bot.admin.charts import Chart, stacked_rows
from bot.admin.handoff_stats import handoff_months, promised_claim_time, rating_labels, rating_scale
from bot.admin.promise_stats import promise_months
from bot.admin.rating_stats import ratings_by_kind
from bot.clock import local, utc
from bot.services.casework import STATUSES, kind_title

MONTHS = 12


@dataclass(frozen=True)
class Breakdown:
    """Counts of one grouping: rows are series (kinds, channels or statuses), columns are months."""

    key: str  # the column counted: kind, channel or status
    title: str
    months: list[str]
    series: list[str]
    counts: list[list[int]]  # counts[series][month]

    @property
    def month_totals(self) -> list[int]:
        return [sum(column) for column in zip(*self.counts)] if self.counts else [0] * len(self.months)

    @property
    def chart(self) -> Chart:
        by_month = [list(column) for column in zip(*self.counts)] if self.counts else [[] for _ in self.months]
        return stacked_rows(self.months, self.series, by_month)


def month_ranges(now_utc: datetime, count: int = MONTHS) -> list[tuple[str, datetime, datetime]]:
    """(«MM/YYYY», UTC start, UTC end) of the last `count` local months, newest first (a phone shows it first)."""
    year, month = local(now_utc).year, local(now_utc).month
    ranges = []
    for _ in range(count):
        start = datetime(year, month, 1)
        end = datetime(year + month // 12, month % 12 + 1, 1)
        ranges.append((start.strftime("%m/%Y"), utc(start), utc(end)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return ranges


def breakdown(uow, column: str, title: str, name, months, order: tuple[str, ...] = ()) -> Breakdown:
    """Count each month once per column value; the series in `order` (statuses: as work goes), others after,
    the busiest first."""
    per_month = [uow.casework.counts(column, since, until) for _, since, until in months]
    keys = sorted({key for counts in per_month for key in counts},
                  key=lambda key: (order.index(key) if key in order else len(order),
                                   -sum(c.get(key, 0) for c in per_month), name(key)))
    return Breakdown(column, title, [label for label, _, _ in months], [name(key) for key in keys],
                     [[counts.get(key, 0) for counts in per_month] for key in keys])


def statistics(uow, catalog, now_utc: datetime) -> list[Breakdown]:
    months = month_ranges(now_utc)
    return [breakdown(uow, "kind", t.STATS_BY_KIND, lambda key: kind_title(catalog, key), months),
            breakdown(uow, "channel", t.STATS_BY_CHANNEL,
                      lambda key: texts.CHANNEL_LABELS.get(key, t.NO_CHANNEL), months),
            breakdown(uow, "status", t.STATS_BY_STATUS, lambda key: texts.STATUS_LABELS.get(key, key), months,
                      STATUSES)]


@blueprint.get("/stats")
@leader_only
def stats():
    runtime, at = services().runtime, now()
    with services().store.unit() as uow:
        groups = statistics(uow, runtime.catalog, at)
        handoffs = handoff_months(uow, runtime, month_ranges(at), at)
        rated = ratings_by_kind(uow, month_ranges(at), lambda key: kind_title(runtime.catalog, key))
        promised = promise_months(uow, month_ranges(at), at)
    total = sum(groups[0].month_totals)
    return render_template("admin/stats.html", groups=groups, total=total, handoffs=handoffs,
                           promise_minutes=int(promised_claim_time(runtime, None).total_seconds() // 60),
                           rating_labels=rating_labels(), rating_scale=rating_scale(), promised=promised,
                           rated=rated, months=[label for label, _, _ in month_ranges(at)])
