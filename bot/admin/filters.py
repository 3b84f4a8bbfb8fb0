"""The list's filters: read from the query string (the list) or the export form (the same fields)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bot import texts
from bot.admin import texts as t
from bot.admin.auth import CurrentStaff
from bot.clock import utc
from bot.services.casework import STATUSES, kind_title
from bot.store.casework import RequestFilter

FIELDS = ("kind", "status", "channel", "assignee", "from", "to", "q")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


@dataclass
class Filters:
    query: RequestFilter
    values: dict  # what the form shows again
    errors: list[str] = field(default_factory=list)

    @property
    def params(self) -> dict:
        """The non-empty values, for links that keep the filter (export, clear)."""
        return {key: value for key, value in self.values.items() if value}


def read_filters(args, staff: CurrentStaff) -> Filters:
    """Build the repository filter; a volunteer never sees requests assigned to someone else. A date the
    filter cannot use (not a date, or too far off to compute with) is in `errors`: the caller answers 400."""
    values = {key: (args.get(key) or "").strip()[:100] for key in FIELDS}
    errors: list[str] = []
    since = _start_of(values["from"], 0, t.FILTER_FROM, errors)
    until = _start_of(values["to"], 1, t.FILTER_TO, errors)
    assignee = staff.zalo_id if values["assignee"] == "me" else values["assignee"] or None
    query = RequestFilter(kind=values["kind"] or None,
                          status=values["status"] if values["status"] in STATUSES else None,
                          channel=values["channel"] or None, assignee=assignee, since=since, until=until,
                          search=values["q"] or None,
                          visible_to=None if staff.is_leader else staff.zalo_id)
    return Filters(query, values, errors)


def _start_of(value: str, days_after: int, label: str, errors: list[str]) -> datetime | None:
    """UTC start of the local day `days_after` the date typed or picked in the form; None when empty, or
    when unusable (and then the reason goes to `errors`)."""
    if not value:
        return None
    day = _day(value)
    try:
        if day is not None:
            return utc(datetime.combine(day + timedelta(days=days_after), time.min))
    except OverflowError:  # 0001-01-01, 9999-12-31: no UTC time for that local day in Python's range
        pass
    errors.append(t.FILTER_BAD_DATE.format(field=label, value=value))
    return None


def _day(value: str) -> date | None:
    """A date as the form sends it (yyyy-mm-dd) or as people type it (dd/mm/yyyy, dd-mm-yyyy)."""
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def choices(catalog, staff_rows, staff: CurrentStaff) -> dict[str, list[tuple[str, str]]]:
    """(value, label) options of each select in the filter form."""
    kinds = sorted({*catalog.procedures, *texts.KIND_TITLES}, key=lambda key: kind_title(catalog, key))
    assignees = [("me", t.FILTER_MINE), ("none", t.FILTER_UNASSIGNED)]
    if staff.is_leader:
        assignees += [(s.zalo_id, s.name) for s in staff_rows]
    return {"kind": [(key, kind_title(catalog, key)) for key in kinds],
            "status": [(key, texts.STATUS_LABELS[key]) for key in STATUSES],
            "channel": list(texts.CHANNEL_LABELS.items()),
            "assignee": assignees}
