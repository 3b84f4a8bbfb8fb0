"""The columns of a request export: the request's facts, then its answers, all in one «Nội dung» cell; or,
when the export is one procedure's (the list filtered by kind), one column per question of that procedure,
in the file's order, headed by the question's label."""
from __future__ import annotations

from dataclasses import dataclass

from bot.admin import texts as t
from bot.admin.rows import RequestRow

FACTS = (t.COL_CODE, t.COL_KIND, t.COL_STATUS, t.COL_CHANNEL, t.COL_CREATED, t.COL_RESIDENT, t.COL_ASSIGNEE)
FACT_WIDTHS = (10, 24, 14, 18, 17, 22, 18)
ANSWERS_WIDTH = 80  # «Nội dung», and «Nội dung khác»
QUESTION_WIDTH = 24


@dataclass(frozen=True)
class Columns:
    questions: tuple[tuple[str, str], ...] = ()  # (field, label) of one procedure; none: «Nội dung»
    others: bool = False  # a last column for answers that procedure's file no longer asks

    @property
    def header(self) -> tuple[str, ...]:
        if not self.questions:
            return (*FACTS, t.COL_ANSWERS)
        return (*FACTS, *(label for _, label in self.questions), *([t.COL_OTHER_ANSWERS] if self.others else []))

    @property
    def widths(self) -> tuple[int, ...]:
        answers = (QUESTION_WIDTH,) * len(self.questions) + (ANSWERS_WIDTH,) * (self.others or not self.questions)
        return FACT_WIDTHS + answers

    def cells(self, row: RequestRow, dated: bool = False) -> tuple[object, ...]:
        """The row's cells; `dated`: the creation time as a datetime (a spreadsheet's date), else as text."""
        facts = (row.code, row.kind_title, row.status_label, row.channel_label,
                 row.created_local if dated else row.created, row.resident, row.assignee)
        if not self.questions:
            return (*facts, row.answers_text)
        given = {answer.field: answer.value for answer in row.answers}
        asked = {field for field, _ in self.questions}
        rest = "; ".join(f"{a.label}: {a.value}" for a in row.answers if a.field not in asked)
        return (*facts, *(given.get(field, "") for field, _ in self.questions), *([rest] if self.others else []))


def columns_for(catalog, kind: str | None, rows: list[RequestRow]) -> Columns:
    """One column per question when `kind` is a procedure's; «Nội dung» for all kinds, or a kind with no file."""
    procedure = catalog.procedures.get(kind or "")
    if procedure is None:
        return Columns()
    questions = tuple((step.field, step.label) for step in procedure.steps)
    asked = {field for field, _ in questions}
    return Columns(questions, any(answer.field not in asked for row in rows for answer in row.answers))
