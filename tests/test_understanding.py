"""How well the bot understands what residents send first, measured on sets written apart from the
triggers: emergencies recognised (recall) against talk that only mentions the same words (false alarms),
and requests no form covers that must never start a wrong form. `bench/understanding.py` prints the
figures; these tests hold the targets of issue 19.

Each file's first line says whether it is a dev set (used to choose phrases and thresholds) or held out
(only measured)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.test_utterances import CATALOG, read_rows, understood_as

DATA = Path(__file__).resolve().parent / "data"
FORMS = {pid for pid, procedure in CATALOG.procedures.items() if procedure.steps}
# Labels of the out-of-list sets that name no procedure: the ward's facts, or nothing the tổ covers.
NOT_A_PROCEDURE = {"thong_tin_phuong": "menu", "-": "unknown"}


@dataclass(frozen=True)
class Emergencies:
    recalled: int
    emergencies: int
    false_alarms: int
    mentions: int
    missed: tuple[str, ...]
    alarmed: tuple[str, ...]

    @property
    def recall(self) -> float:
        return self.recalled / self.emergencies

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.mentions


def measure_emergencies(which: str) -> Emergencies:
    """Recall on emergencies-<which>.tsv (any emergency kind counts: the resident is told a number and
    every staff member is told), false alarms on emergency-words-<which>.tsv."""
    matcher = CATALOG.emergencies
    emergencies = read_rows(DATA / f"emergencies-{which}.tsv")
    mentions = read_rows(DATA / f"emergency-words-{which}.tsv")
    missed = tuple(text for text, _kind in emergencies if matcher.match(text) is None)
    alarmed = tuple(text for text, _none in mentions if matcher.match(text) is not None)
    return Emergencies(len(emergencies) - len(missed), len(emergencies), len(alarmed), len(mentions), missed, alarmed)


@dataclass(frozen=True)
class OutOfList:
    right: int
    offered: int  # the right one offered first among choices, nothing started
    wrong_forms: tuple[tuple[str, str, str], ...]  # (text, label, the form started)
    total: int


def measure_out_of_list(which: str) -> OutOfList:
    right = offered = 0
    wrong = []
    for text, label in read_rows(DATA / f"out-of-list-{which}.tsv"):
        got = understood_as(text)
        want = NOT_A_PROCEDURE.get(label, label)
        if got == want:
            right += 1
        elif got in FORMS:
            wrong.append((text, label, got))
        elif got == "choose" and first_offered(text) == want:
            offered += 1
    return OutOfList(right, offered, tuple(wrong), len(read_rows(DATA / f"out-of-list-{which}.tsv")))


def first_offered(text: str) -> str | None:
    from bot.flows.answers import Given
    from bot.flows.engine import respond
    from tests.test_utterances import AT

    options = respond(CATALOG, None, Given("text", text=text), AT).state.options
    return options[0] if options else None


@pytest.mark.parametrize("which", ["dev", "heldout", "heldout-2", "heldout-3", "heldout-4"])
def test_every_emergency_is_recognised(which):
    measured = measure_emergencies(which)
    assert measured.missed == (), f"recall {measured.recall:.1%}"


@pytest.mark.parametrize("which", ["dev", "heldout", "heldout-2", "heldout-3", "heldout-4"])
def test_talk_that_only_mentions_emergencies_raises_at_most_2_percent_false_alarms(which):
    measured = measure_emergencies(which)
    assert measured.false_alarm_rate <= 0.02, f"{measured.false_alarm_rate:.1%}: {measured.alarmed}"


@pytest.mark.parametrize("which", ["dev", "heldout", "heldout-2", "heldout-3", "heldout-4"])
def test_no_request_outside_the_forms_starts_a_wrong_form(which):
    assert measure_out_of_list(which).wrong_forms == ()
