"""How a request reads on the dashboard and in the exports: titles, labels, local times, labelled answers."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot import texts
from bot.admin import texts as t
from bot.admin.base import local_time
from bot.admin.images import image_source
from bot.clock import local
from bot.flows.maps import location_map_url
from bot.flows.promises import promise_state
from bot.services.casework import is_anonymous, is_answered, kind_title
from bot.services.groups import resident_name
from bot.store.models import ServiceRequest

# Answers no procedure step names that hold a location: an emergency's (bot/handlers/emergency.py)
LOCATION_FIELDS = ("vi_tri",)


@dataclass(frozen=True)
class Answer:
    label: str
    value: str
    url: str | None = None  # a photo answer on Zalo's servers: shown as an image (any other address as text)
    field: str = ""  # the key it is stored under (an export of one procedure has a column per field)
    map_url: str | None = None  # a location of two coordinates: shown as a map link (anything else as text)


@dataclass(frozen=True)
class RequestRow:
    code: str
    status: str
    kind_title: str
    status_label: str
    channel_label: str
    created: str
    resident: str
    assignee: str
    answers: tuple[Answer, ...]
    urgent: bool = False
    created_local: datetime | None = None  # the same time as a date, for spreadsheets
    age: str = ""  # «2 giờ trước»: with a presenter that knows the time
    promise: str = ""  # "overdue", "near" or "": with a presenter that knows the time (bot/flows/promises.py)
    due: str = ""  # the promised time, local («14:00 06/03/2027»); "" for none
    anonymous: bool = False  # a report sent without a name: the resident is shown as «Ẩn danh»

    @property
    def answers_text(self) -> str:
        return "; ".join(f"{a.label}: {a.value}" for a in self.answers)


class Presenter:
    """Turns requests into rows; remembers names so a long list asks the database once per person."""

    def __init__(self, uow, catalog, sandbox: bool = False, now: datetime | None = None):
        self.uow, self.catalog, self.sandbox, self.now = uow, catalog, sandbox, now
        self.staff_names = {s.zalo_id: s.name for s in uow.staff.list()}
        self._residents: dict[str, str] = {}
        # A handoff keeps the answers of the procedure the resident was in: label them from any file.
        self._any_step = {s.field: s for p in catalog.procedures.values() for s in p.steps}

    def resident(self, user_id: str) -> str:
        if user_id not in self._residents:
            self._residents[user_id] = resident_name(self.uow, user_id)
        return self._residents[user_id]

    def assignee(self, staff_id: str | None) -> str:
        return self.staff_names.get(staff_id, staff_id) if staff_id else t.NOBODY

    def answers(self, row: ServiceRequest) -> tuple[Answer, ...]:
        """Each answer with the label the resident was asked with; Zalo's photos become images."""
        procedure = self.catalog.procedures.get(row.kind)
        steps = {s.field: s for s in procedure.steps} if procedure else {}
        try:
            data = json.loads(row.answers or "{}")
        except ValueError:
            data = {}
        out = []
        for key, value in (data.items() if isinstance(data, dict) else ()):
            step = steps.get(key) or self._any_step.get(key)
            kind = step.type if step is not None else "location" if key in LOCATION_FIELDS else None
            shown = t.EMPTY_ANSWER if value in (None, "") else str(value)
            photo = image_source(shown, self.sandbox) if kind == "photo" else None
            place = location_map_url(value) if kind == "location" else None
            label = step.label if step else t.ANSWER_LABELS.get(key, key)
            out.append(Answer(label, shown, photo, key, place))
        return tuple(out)

    def row(self, request: ServiceRequest) -> RequestRow:
        anonymous = is_anonymous(request)
        return RequestRow(code=request.code, status=request.status,
                          kind_title=kind_title(self.catalog, request.kind),
                          status_label=texts.STATUS_LABELS.get(request.status, request.status),
                          channel_label=texts.CHANNEL_LABELS.get(request.channel or "", t.NO_CHANNEL),
                          created=local_time(request.created_at),
                          resident=t.ANONYMOUS if anonymous else self.resident(request.user_id), anonymous=anonymous,
                          assignee=self.assignee(request.assignee_id), answers=self.answers(request),
                          urgent=bool(request.urgent),
                          created_local=local(request.created_at).replace(microsecond=0),
                          age=age_text(request.created_at, self.now) if self.now else "",
                          promise=self.promise(request), due=local_time(request.due_at) if request.due_at else "")

    def promise(self, request: ServiceRequest) -> str:
        if self.now is None:
            return ""
        return promise_state(request.due_at, self.now, self.catalog.working_time, is_answered(request))


def age_text(created: datetime, now: datetime) -> str:
    """How long ago, as staff say it: «vừa xong», «5 phút trước», «2 giờ trước», «3 ngày trước» (UTC times)."""
    minutes = int((now - created).total_seconds() // 60)
    if minutes < 1:
        return t.AGE_NOW
    if minutes < 60:
        return t.AGE_MINUTES.format(n=minutes)
    return t.AGE_HOURS.format(n=minutes // 60) if minutes < 24 * 60 else t.AGE_DAYS.format(n=minutes // (24 * 60))
