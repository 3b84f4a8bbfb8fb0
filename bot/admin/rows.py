"""How a request reads on the dashboard and in the exports: titles, labels, local times, labelled answers."""
from __future__ import annotations

import json
from dataclasses import dataclass

from bot import texts
from bot.admin import texts as t
from bot.admin.base import local_time
from bot.admin.images import image_source
from bot.services.casework import kind_title
from bot.services.groups import resident_name
from bot.store.models import ServiceRequest


@dataclass(frozen=True)
class Answer:
    label: str
    value: str
    url: str | None = None  # a photo answer on Zalo's servers: shown as an image (any other address as text)


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

    @property
    def answers_text(self) -> str:
        return "; ".join(f"{a.label}: {a.value}" for a in self.answers)


class Presenter:
    """Turns requests into rows; remembers names so a long list asks the database once per person."""

    def __init__(self, uow, catalog, sandbox: bool = False):
        self.uow, self.catalog, self.sandbox = uow, catalog, sandbox
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
            shown = t.EMPTY_ANSWER if value in (None, "") else str(value)
            photo = image_source(shown, self.sandbox) if step is not None and step.type == "photo" else None
            label = step.label if step else t.ANSWER_LABELS.get(key, key)
            out.append(Answer(label, shown, photo))
        return tuple(out)

    def row(self, request: ServiceRequest) -> RequestRow:
        return RequestRow(code=request.code, status=request.status,
                          kind_title=kind_title(self.catalog, request.kind),
                          status_label=texts.STATUS_LABELS.get(request.status, request.status),
                          channel_label=texts.CHANNEL_LABELS.get(request.channel or "", t.NO_CHANNEL),
                          created=local_time(request.created_at), resident=self.resident(request.user_id),
                          assignee=self.assignee(request.assignee_id), answers=self.answers(request),
                          urgent=bool(request.urgent))
