"""Checks on one procedure file's data, turning it into a Procedure or naming what is wrong and where."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from bot.flows.introduction import introduction
from bot.flows.procedures import (
    CHANNEL_FIELD,
    CHANNELS,
    GUIDANCE_KEYS,
    INTRODUCTION_MAX,
    LINE,
    PROMISE_KEYS,
    RULE_KEYS,
    SOURCE_KEYS,
    STEP_KEYS,
    STEP_TYPES,
    TOP_KEYS,
    Guidance,
    Procedure,
    ProcedureFileError,
    Rule,
    Source,
    Step,
    is_snake_case,
)
from bot.flows.promises import Promise
from bot.flows.text import normalize
from bot.replies import MAX_BUTTON_TITLE


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _texts(value: object) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(_text(v) for v in value):
        return None
    return tuple(v.strip() for v in value)


def _date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _answer_name(key: object) -> object:
    """YAML reads an unquoted yes/no as True/False: name those answers "yes" and "no", as notes do."""
    return "yes" if key is True else "no" if key is False else key


def _unknown_keys(data: dict, allowed: set[str]) -> list[str]:
    return sorted(str(k) for k in data if k != LINE and k not in allowed)


def build_procedure(path: Path, data: object) -> Procedure:
    def fail(line, message):
        raise ProcedureFileError(path, line, message)

    if not isinstance(data, dict):
        fail(None, "the file must be a mapping (id, code, title, …)")
    top = data.get(LINE)
    if extra := _unknown_keys(data, TOP_KEYS):
        fail(top, f"unknown key(s): {', '.join(extra)}")
    if data.get("id") != path.stem or not is_snake_case(data.get("id")):
        fail(top, f"id must be snake_case and equal the file name ({path.stem})")
    if not re.fullmatch(r"[A-Z]{2,5}", str(data.get("code", ""))):
        fail(top, "code must be 2–5 capital letters")
    for key in ("title", "summary", "fits"):
        if not _text(data.get(key)):
            fail(top, f"{key} must be a non-empty text")
    triggers = _texts(data.get("triggers"))
    if not triggers:
        fail(top, "triggers must be a non-empty list of phrases")
    channel = data.get("channel", "ask")
    if channel != "ask" and channel not in CHANNELS:
        fail(top, f"channel must be 'ask' or one of {', '.join(CHANNELS)}")
    if data.get("steps") == []:  # guidance only: what to do, step by step, and nothing to collect
        steps = ()
    else:
        steps = tuple(_step(path, raw, index) for index, raw in enumerate(_list(path, data, "steps", top), 1))
        _check_unique_fields(path, steps, data["steps"])
        ages = {s.from_date for s in steps if s.at_least_years}
        steps = tuple(replace(s, year_required=True) if s.field in ages else s for s in steps)
    channel_from = data.get("channel_from")
    if channel_from is not None and channel_from not in {s.field for s in steps if s.type == "choice"}:
        fail(top, "channel_from must name a choice step")
    guidance = _guidance(path, data.get("guidance"), top)
    if not steps and not guidance.online_steps:
        fail(top, "a procedure with no steps (guidance only) needs guidance.online_steps: what to do, step by step")
    try:
        reviewed_on = _date(data.get("reviewed_on"))
    except ValueError:
        fail(top, "reviewed_on must be a date (YYYY-MM-DD)")
    procedure = Procedure(id=data["id"], code=data["code"], title=data["title"].strip(),
                          menu_title=_text(data.get("menu_title")) or data["title"].strip(),
                          summary=data["summary"].strip(), fits=data["fits"].strip(), triggers=triggers,
                          guidance=guidance, steps=steps, channel=channel, channel_from=channel_from,
                          reviewed_on=reviewed_on, promise=_promise(path, data.get("promise"), top, steps))
    if (length := len(introduction(procedure).text)) > INTRODUCTION_MAX:
        fail(top, f"the first message is {length} characters (at most {INTRODUCTION_MAX}): shorten summary, "
                  "fits or guidance.bring")
    return procedure


def _promise(path: Path, raw: object, line, steps: tuple) -> Promise | None:
    """`promise`: {working_hours: 8, urgent_working_hours: 4} or {same_day: true}; only where residents
    submit something (a procedure with steps)."""
    if raw is None:
        return None
    line = raw.get(LINE, line) if isinstance(raw, dict) else line

    def fail(message):
        raise ProcedureFileError(path, line, f"promise: {message}")

    if not isinstance(raw, dict):
        fail("must be a mapping, e.g. {working_hours: 8} or {same_day: true}")
    if extra := _unknown_keys(raw, PROMISE_KEYS):
        fail(f"unknown key(s): {', '.join(extra)}")
    if not steps:
        fail("a guidance-only procedure (no steps) takes no requests, so it promises nothing")
    hours, urgent, same_day = raw.get("working_hours"), raw.get("urgent_working_hours"), raw.get("same_day", False)
    if same_day not in (True, False):
        fail("same_day must be true or false")
    if same_day == (hours is not None):
        fail("give either working_hours or same_day: true")
    for key, value in (("working_hours", hours), ("urgent_working_hours", urgent)):
        if value is not None and (type(value) is not int or not 1 <= value <= 200):
            fail(f"{key} must be a whole number of working hours from 1 to 200")
    if urgent is not None and (hours is None or urgent > hours):
        fail("urgent_working_hours needs working_hours and must not exceed it")
    return Promise(working_hours=hours, urgent_working_hours=urgent, same_day=same_day)


def _list(path: Path, data: dict, key: str, line) -> list:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise ProcedureFileError(path, line, f"{key} must be a non-empty list")
    return value


def _guidance(path: Path, raw: object, line) -> Guidance:
    if not isinstance(raw, dict):
        raise ProcedureFileError(path, line, "guidance must be a mapping (papers, fee, deadline, where, …)")
    line = raw.get(LINE, line)
    if extra := _unknown_keys(raw, GUIDANCE_KEYS):
        raise ProcedureFileError(path, line, f"unknown guidance key(s): {', '.join(extra)}")
    papers, where = _texts(raw.get("papers")), _texts(raw.get("where"))
    fee, deadline = _text(raw.get("fee")), _text(raw.get("deadline"))
    if not (papers and where and fee and deadline):
        raise ProcedureFileError(path, line, "guidance needs papers (list), fee, deadline and where (list)")
    links = []
    for link in raw.get("links") or []:
        if not (isinstance(link, dict) and _text(link.get("title")) and str(link.get("url", "")).startswith("http")):
            raise ProcedureFileError(path, link.get(LINE, line) if isinstance(link, dict) else line,
                                     "each link needs a title and an http(s) url")
        links.append((link["title"].strip(), link["url"].strip()))
    return Guidance(papers=papers, fee=fee, deadline=deadline, where=where,
                    online_steps=_texts(raw.get("online_steps") or []) or (),
                    links=tuple(links), rules=tuple(_rule(path, r, line) for r in raw.get("rules") or []),
                    sources=tuple(_source(path, s, line) for s in raw.get("sources") or []),
                    bring=_bring(path, raw.get("bring"), line))


def _dates(path: Path, raw: dict, line) -> tuple[date | None, date | None]:
    try:
        start, end = _date(raw.get("effective_from")), _date(raw.get("effective_to"))
    except ValueError:
        raise ProcedureFileError(path, line, "effective_from/effective_to must be dates (YYYY-MM-DD)") from None
    if start and end and end < start:
        raise ProcedureFileError(path, line, "effective_to is before effective_from")
    return start, end


def _source(path: Path, raw: object, line) -> Source:
    """A source: its text, or {text, effective_from, effective_to} when it holds only for a while."""
    if isinstance(raw, str) and raw.strip():
        return Source(raw.strip())
    if not isinstance(raw, dict) or not _text(raw.get("text")) or _unknown_keys(raw, SOURCE_KEYS):
        raise ProcedureFileError(path, line, "each source is a text, or {text, effective_from, effective_to}")
    return Source(raw["text"].strip(), *_dates(path, raw, raw.get(LINE, line)))


def _bring(path: Path, raw: object, line) -> tuple[str, ...]:
    if raw is None:
        return ()
    bring = _texts(raw)
    if not bring or len(bring) > 3:
        raise ProcedureFileError(path, line, "bring must list 1–3 short things to bring")
    return bring


def _rule(path: Path, raw: object, line) -> Rule:
    if not isinstance(raw, dict) or not _text(raw.get("text")):
        raise ProcedureFileError(path, line, "each rule needs a text")
    line = raw.get(LINE, line)
    if extra := _unknown_keys(raw, RULE_KEYS):
        raise ProcedureFileError(path, line, f"unknown rule key(s): {', '.join(extra)}")
    if not _text(raw.get("source")):
        raise ProcedureFileError(path, line, "each rule needs its source (the law, decree or circular, and article)")
    province = raw.get("province")
    if province is not None and not _text(province):
        raise ProcedureFileError(path, line, "province must name a province («Hà Nội»)")
    return Rule(raw["text"].strip(), *_dates(path, raw, line), source=raw["source"].strip(),
                province=(province or "").strip())


def _step(path: Path, raw: object, number: int) -> Step:
    line = raw.get(LINE) if isinstance(raw, dict) else None
    def fail(message):
        raise ProcedureFileError(path, line, f"step {number}: {message}")
    if not isinstance(raw, dict):
        fail("must be a mapping with field, ask, type")
    if extra := _unknown_keys(raw, STEP_KEYS):
        fail(f"unknown key(s): {', '.join(extra)}")
    if not is_snake_case(raw.get("field")):
        fail("field must be a snake_case name")
    from_date = raw.get("from_date", "")
    if not from_date and not _text(raw.get("ask")):
        fail("ask (the question) is empty")
    if not _text(raw.get("label")):
        fail("label (the name shown in the summary) is empty")
    kind = raw.get("type")
    if kind not in STEP_TYPES:
        fail(f"unknown type {kind!r}; use one of {', '.join(sorted(STEP_TYPES))}")
    choices = raw.get("choices")
    if kind == "choice":
        options = _texts(choices)
        if not options or not 2 <= len(options) <= 9 or len(set(options)) != len(options):
            fail("choices must list 2–9 different non-empty options")
    elif choices is not None:
        fail("choices are only for type choice")
    notes = {_answer_name(k): v
             for k, v in (raw.get("notes") or {}).items() if k != LINE}
    allowed_notes = {"yes", "no"} if kind == "yesno" else set(choices or [])
    if bad := [k for k in notes if k not in allowed_notes or not _text(notes[k])]:
        fail(f"notes for unknown answer(s) {bad}; use {sorted(allowed_notes) or 'none (only yesno/choice)'}")
    words = {_answer_name(k): v for k, v in (raw.get("words") or {}).items() if k != LINE} if isinstance(
        raw.get("words") or {}, dict) else None
    if words is None or kind not in ("choice", "yesno") and words or any(
            k not in allowed_notes or not _texts(v) for k, v in words.items()):
        fail("words (for choice steps: an option; for yesno: \"yes\" or \"no\") maps an answer to a list of "
             "other words residents use for it")
    buttons = {k: v for k, v in (raw.get("buttons") or {}).items() if k != LINE} if isinstance(
        raw.get("buttons") or {}, dict) else None
    if buttons is None or kind != "choice" and buttons or any(
            k not in (choices or []) or not _text(v) or len(v.strip()) > MAX_BUTTON_TITLE for k, v in buttons.items()):
        fail(f"buttons (only for choice steps) maps an option to a shorter button title of at most "
             f"{MAX_BUTTON_TITLE} characters")
    when = raw.get("when", "any")
    if when not in ("past", "future", "any") or (when != "any" and kind != "date"):
        fail("when must be past, future or any, and only on date steps")
    within = raw.get("within_days")
    if within is not None and (kind != "date" and not from_date or not isinstance(within, int) or within < 1):
        fail("within_days must be a whole number of days, on a date step or a step with from_date")
    years = raw.get("at_least_years")
    if years is not None and (not from_date or not isinstance(years, int) or years < 1):
        fail("at_least_years must be a whole number of years, on a step with from_date")
    if from_date and (kind != "yesno" or (within is None) == (years is None) or raw.get("optional")
                      or raw.get("ask")):
        fail("from_date is for a yesno step worked out from a date: it needs within_days or at_least_years, "
             "and has no ask and no optional")
    if not isinstance(raw.get("optional", False), bool):
        fail("optional must be true or false")
    stops = raw.get("offer_stop") or []
    offer_stop = tuple(_answer_name(k) for k in stops) if isinstance(stops, list) else ()
    if not isinstance(stops, list) or any(k not in notes for k in offer_stop):
        fail("offer_stop lists answers that have a note (the note says why the procedure may not be needed)")
    only_if = raw.get("only_if")
    if only_if is not None:
        condition = [(k, v) for k, v in only_if.items() if k != LINE] if isinstance(only_if, dict) else []
        field_name, wanted = condition[0] if len(condition) == 1 else (None, None)
        if not isinstance(wanted, list) or not wanted:
            fail("only_if must be one field with a list of its answers, e.g. {visit_place: [Tại nhà]}")
        only_if = (str(field_name), tuple(str(_answer_name(k)) for k in wanted))
    date_field = raw.get("date_field", "")
    if (kind == "slot") != bool(date_field) or (kind == "slot" and raw.get("optional")):
        fail("a slot step needs date_field (and cannot be optional); date_field is only for slot steps")
    return Step(field=raw["field"], label=raw["label"].strip(), ask=str(raw.get("ask") or "").strip(),
                type=kind, optional=raw.get("optional", False), choices=tuple(_texts(choices) or ()),
                notes={k: v.strip() for k, v in notes.items()},
                words={k: tuple(normalize(w) for w in v) for k, v in words.items()},
                buttons={k: v.strip() for k, v in buttons.items()}, when=when,
                date_field=str(date_field), within_days=within, from_date=str(from_date), at_least_years=years, offer_stop=offer_stop,
                only_if=only_if)


def _check_unique_fields(path: Path, steps: tuple[Step, ...], raw_steps: list) -> None:
    """Fields are unique, and a slot step's date_field and a step's from_date name an earlier date step."""
    seen: dict[str, str] = {}
    for number, (step, raw) in enumerate(zip(steps, raw_steps), 1):
        if step.field in seen:
            raise ProcedureFileError(path, raw.get(LINE), f"field {step.field} is used twice")
        if step.type == "slot" and seen.get(step.date_field) != "date":
            raise ProcedureFileError(path, raw.get(LINE),
                                     f"step {number}: date_field must name an earlier date step")
        if step.from_date and seen.get(step.from_date) != "date":
            raise ProcedureFileError(path, raw.get(LINE), f"step {number}: from_date must name an earlier date step")
        if step.only_if:
            earlier = next((s for s in steps[:number - 1] if s.field == step.only_if[0]), None)
            answers = set(earlier.choices) if earlier and earlier.type == "choice" else \
                {"yes", "no"} if earlier and earlier.type == "yesno" else \
                set(CHANNELS) if step.only_if[0] == CHANNEL_FIELD else set()
            if not answers or not set(step.only_if[1]) <= answers:
                raise ProcedureFileError(path, raw.get(LINE), f"step {number}: only_if must name an earlier choice "
                                         "or yesno step (or _channel) and answers it has")
        seen[step.field] = step.type
