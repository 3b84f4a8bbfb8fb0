"""Slot steps: the parts of a day (config/schedule.yaml) that still have room, offered as choices. Pure."""
from __future__ import annotations

from datetime import date, datetime

from bot.clock import local
from bot.flows.answers import Checked, Given, pick_option
from bot.flows.catalog import Catalog, DayPart
from bot.flows.procedures import Procedure, Step
from bot.flows.text import normalize

DAY_FORMAT = "%d/%m/%Y"  # how date steps store their answer


def day_of(day_text: str) -> date | None:
    try:
        return datetime.strptime(day_text or "", DAY_FORMAT).date()
    except ValueError:
        return None


def free_titles(catalog: Catalog, at, day_text: str) -> tuple[str, ...]:
    """Titles of the parts of that day with room (at.free_parts) that have not started by now."""
    day = day_of(day_text)
    if day is None or day < at.today:
        return ()
    keys = at.free_parts(day_text) if at.free_parts else tuple(p.key for p in catalog.parts)
    hour = local(at.now).hour
    return tuple(p.title for p in catalog.parts if p.key in keys and (day > at.today or p.start > hour))


def check_slot(catalog: Catalog, step: Step, answers: dict, given: Given, at) -> Checked:
    """The part picked among those offered (by number or words); a part with no room is named as such."""
    offered = free_titles(catalog, at, answers.get(step.date_field, ""))
    said = normalize(given.text) if given.kind == "text" else ""
    said = said[5:] if said.startswith("buoi ") else said
    index = pick_option(said, offered) if said else None
    if index is not None:
        return Checked(offered[index])
    if said and not said.isdigit() and pick_option(said, [p.title for p in catalog.parts]) is not None:
        return Checked(problem="slot_full")
    return Checked(problem="choice")


def part_of(catalog: Catalog, title: str) -> DayPart | None:
    """The part of the day a stored answer (its title) names."""
    return next((p for p in catalog.parts if p.title == title), None)


def slot_step(procedure: Procedure) -> Step | None:
    return next((s for s in procedure.steps if s.type == "slot"), None)


def chosen(catalog: Catalog, procedure: Procedure, answers: dict) -> tuple[date, DayPart] | None:
    """The day and part a procedure's answers book, or None when it has no (valid) slot."""
    step = slot_step(procedure)
    if step is None:
        return None
    day, part = day_of(answers.get(step.date_field, "")), part_of(catalog, answers.get(step.field, ""))
    return (day, part) if day and part else None


def taken_slot(catalog: Catalog, procedure: Procedure, answers: dict, at) -> Step | None:
    """A slot step whose chosen part filled up (or started) since the resident picked it."""
    for step in procedure.steps:
        if step.type == "slot" and answers.get(step.field) not in free_titles(
                catalog, at, answers.get(step.date_field, "")):
            return step
    return None


def without_slots(procedure: Procedure, answers: dict) -> dict:
    """The answers minus every slot and the date it depends on (asked again when moving a booking)."""
    dropped = {f for s in procedure.steps if s.type == "slot" for f in (s.field, s.date_field)}
    return {k: v for k, v in answers.items() if k not in dropped}
