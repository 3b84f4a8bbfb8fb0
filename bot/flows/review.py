"""What in the procedure files needs a person's look on a given day: rules that start or stop soon, files not
reviewed for months (or never), sources whose effective period has ended. Pure: procedures and a day in,
findings out; `flask procedures check` prints them and the leaders' digest counts them once a month."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.flows.procedures import Procedure
from bot.replies import button_title

SOON = timedelta(days=60)  # a rule starting or stopping within this is listed
STALE = timedelta(days=183)  # a file not reviewed for this long (about 6 months) is listed


@dataclass(frozen=True)
class Finding:
    procedure: str  # the file's id
    kind: str  # "never_reviewed", "stale", "starts", "stops", "source_ended", "button_cut"
    detail: str
    failing: bool = False  # `procedures check` exits with an error (a file never reviewed)


def review(procedures: dict[str, Procedure], today: date) -> list[Finding]:
    """Every finding for every file, in file order."""
    return [finding for pid in sorted(procedures) for finding in _review_one(procedures[pid], today)]


def _review_one(procedure: Procedure, today: date) -> list[Finding]:
    pid, found = procedure.id, []
    if procedure.reviewed_on is None:
        found.append(Finding(pid, "never_reviewed", "no reviewed_on: nobody has checked it against the law",
                             failing=True))
    elif today - procedure.reviewed_on > STALE:
        found.append(Finding(pid, "stale", f"last reviewed {procedure.reviewed_on.isoformat()}"))
    for rule in procedure.guidance.rules:
        if rule.effective_from and today < rule.effective_from <= today + SOON:
            found.append(Finding(pid, "starts", f"{rule.effective_from.isoformat()}: {_short(rule.text)} "
                                                f"({rule.source})"))
        if rule.effective_to and today <= rule.effective_to < today + SOON:
            found.append(Finding(pid, "stops", f"after {rule.effective_to.isoformat()}: {_short(rule.text)} "
                                               f"({rule.source})"))
        elif rule.effective_to and rule.effective_to < today:  # no longer shown: remove it from the file
            found.append(Finding(pid, "source_ended", f"rule ended {rule.effective_to.isoformat()}: "
                                                      f"{_short(rule.text)} ({rule.source})"))
    for source in procedure.guidance.sources:
        if source.effective_to and source.effective_to < today:
            found.append(Finding(pid, "source_ended", f"{source.text} (ended {source.effective_to.isoformat()})"))
    return found + cut_buttons(procedure)


def cut_buttons(procedure: Procedure) -> list[Finding]:
    """Options longer than a Zalo button with no shorter `buttons` title: the button shows them cut."""
    return [Finding(procedure.id, "button_cut", f"{step.field}: «{option}» shows as «{button_title(option)}» on "
                                                f"its button; give it a shorter title under `buttons`")
            for step in procedure.steps for option in step.choices
            if not step.buttons.get(option) and button_title(option) != option]


def _short(text: str, length: int = 70) -> str:
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"
