"""Procedure files (config/procedures/*.yaml) read into frozen dataclasses and checked at start-up."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.flows.promises import Promise
from bot.flows.text import normalize

STEP_TYPES = {"text", "name", "date", "phone", "cccd", "number", "choice", "yesno", "address", "photo",
              "location", "slot"}
# How a request reaches the authority: the first three are what a resident chooses (CHANNEL_OPTIONS, in
# this order); "to_chuyen", the tổ forwards it, is a report's own (phản ánh), never asked.
CHANNELS = ("online", "nha_van_hoa", "tai_nha", "to_chuyen")
FORWARDED = "to_chuyen"
# The channel chosen, as only_if names it: {_channel: [tai_nha]} asks a step only for a home visit, after the
# channel is chosen (the phone and the address a volunteer needs to come).
CHANNEL_FIELD = "_channel"
TOP_KEYS = {"id", "code", "title", "menu_title", "summary", "fits", "triggers", "guidance", "steps", "channel",
            "channel_from", "reviewed_on", "promise"}
PROMISE_KEYS = {"working_hours", "urgent_working_hours", "same_day"}
RULE_KEYS = {"text", "effective_from", "effective_to", "source", "province"}
SOURCE_KEYS = {"text", "effective_from", "effective_to"}
GUIDANCE_KEYS = {"papers", "bring", "fee", "deadline", "where", "online_steps", "links", "rules", "sources"}
INTRODUCTION_MAX = 600  # characters of a procedure's first message (what it is, who it fits, what to bring)
STEP_KEYS = {"field", "label", "ask", "type", "optional", "choices", "words", "buttons", "notes", "when",
             "date_field", "within_days", "from_date", "at_least_years", "offer_stop", "only_if"}
LINE = "__line__"


class ProcedureFileError(ValueError):
    """A procedure file the bot refuses to start with; says which file and line."""

    def __init__(self, path: Path, line: int | None, message: str):
        super().__init__(f"{path}:{line or 1}: {message}")


@dataclass(frozen=True)
class Rule:
    """A rule shown only while in force (and, with `province`, only to wards in that province)."""

    text: str
    effective_from: date | None = None
    effective_to: date | None = None
    source: str = ""
    province: str = ""  # e.g. «Hà Nội»: shown only where config/neighborhood.yaml names that province

    def applies_on(self, day: date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and \
               (self.effective_to is None or day <= self.effective_to)

    def shown(self, day: date, province: str) -> bool:
        """In force on that day, and for the ward's province if it is a province's own rule."""
        return self.applies_on(day) and (not self.province or same_place(self.province, province))


@dataclass(frozen=True)
class Source:
    """A legal basis; one with an end date (a decree replaced, a temporary rule) is flagged once it ends."""

    text: str
    effective_from: date | None = None
    effective_to: date | None = None


def same_place(a: str, b: str) -> bool:
    """Two names of a province, compared without marks or case («Hà Nội», «ha noi»)."""
    return bool(a) and normalize(a) == normalize(b)


@dataclass(frozen=True)
class Guidance:
    papers: tuple[str, ...]
    fee: str
    deadline: str
    where: tuple[str, ...]
    online_steps: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    rules: tuple[Rule, ...] = ()
    sources: tuple[Source, ...] = ()
    bring: tuple[str, ...] = ()  # the first message's short list of what to bring (default: the first papers)


@dataclass(frozen=True)
class Step:
    field: str
    label: str
    ask: str
    type: str
    optional: bool = False
    choices: tuple[str, ...] = ()
    notes: dict = field(default_factory=dict)
    # for `choice`: option → other words residents use for it, normalised («trai», «con trai» for «Nam»)
    words: dict = field(default_factory=dict)
    # for `choice`: option → a shorter title for its button, where the option is longer than Zalo's 35
    # characters (the numbered list keeps the whole option)
    buttons: dict = field(default_factory=dict)
    when: str = "any"
    within_days: int | None = None  # date steps: at most this many days from today; from_date: the deadline
    date_field: str = ""  # for `slot`: the earlier `date` step whose day the parts are offered for
    # for `yesno`: an earlier `date` step this is worked out from, not asked: «Có» when that day is at most
    # within_days days before today («còn trong hạn 60 ngày» from the birth date), or at least
    # at_least_years years before it («đủ 75 tuổi» from a birth date)
    from_date: str = ""
    at_least_years: int | None = None
    # answers (as notes name them: "yes", "no", an option) after which the procedure may not be needed:
    # their note says why, then the resident is asked whether to go on
    offer_stop: tuple[str, ...] = ()
    # (field, answers): asked only when that earlier choice or yes/no step got one of these answers (as notes
    # name them); otherwise neither asked nor kept («địa chỉ nhà» only for a home visit)
    only_if: tuple[str, tuple[str, ...]] | None = None
    # for `date`: an age is worked out from it (at_least_years), so «5/11» with no year is not enough
    year_required: bool = False

    @property
    def asked(self) -> bool:
        return not self.from_date

    def applies(self, answers: dict) -> bool:
        return self.only_if is None or answer_key(answers.get(self.only_if[0]) or "") in self.only_if[1]

    def asked_given(self, answers: dict) -> bool:
        """Asked of the resident, given the answers so far."""
        return self.asked and self.applies(answers)


def answer_key(value: str) -> str:
    """How notes, offer_stop and only_if name an answer: "yes", "no", or the option's words."""
    return "yes" if value == "Có" else "no" if value == "Không" else value


@dataclass(frozen=True)
class Procedure:
    id: str
    code: str
    title: str
    menu_title: str
    summary: str
    fits: str
    triggers: tuple[str, ...]
    guidance: Guidance
    steps: tuple[Step, ...]
    channel: str = "ask"  # "ask", or one of CHANNELS when the procedure has a fixed channel
    channel_from: str | None = None  # a choice step whose answer names the channel
    reviewed_on: date | None = None  # when someone last checked the file against the law in force
    promise: Promise | None = None  # when the tổ answers a request of this kind (bot/flows/promises.py)

    def step_index(self, field_name: str) -> int:
        return next(i for i, s in enumerate(self.steps) if s.field == field_name)

    @property
    def questions(self) -> tuple[Step, ...]:
        """The steps asked of the resident, in order (the rest are worked out from their answers)."""
        return tuple(s for s in self.steps if s.asked)


def is_snake_case(value: object) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9_]*", value) is not None
