"""The conversation engine. Pure: (catalog, state, what the resident sent, time) → new state, replies,
effects. It stores nothing and sends nothing; the conversation handler does both."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Callable

from bot import texts
from bot.flows import render, slots
from bot.flows.answers import Given, agrees, check, is_skip, pick_option
from bot.flows.catalog import Catalog
from bot.flows.intents import HUMAN, command_of
from bot.flows.phrases import EDIT_WORDS, SUBMIT_WORDS
from bot.flows.procedures import CHANNEL_FIELD, CHANNELS, answer_key
from bot.flows.state import IN_PROCEDURE, Mode, State
from bot.flows.text import normalize
from bot.replies import Choices, Reply, Text

MAX_WRONG = 3
# Outside a procedure, a text longer than this (a letter, a pasted document) starts no procedure: a
# trigger word in its middle is no request for that form. The resident is offered a person or the menu.
LONG_TEXT_CHARS = 500
VOICE = ("audio", "call")  # what a resident who cannot type sends: a voice message, a call


@dataclass(frozen=True)
class Submit:
    procedure_id: str
    answers: dict
    channel: str
    anyway: bool = False  # filed although a like report is open: no second offer


@dataclass(frozen=True)
class FollowReport:
    """Follow an open report of the same thing instead of filing one (told when its status changes)."""
    request_id: int
    code: str


@dataclass(frozen=True)
class AskHuman:
    procedure_id: str | None
    answers: dict
    callback: bool = False  # the resident asked to be called back (sent a voice message or called)
    voice_url: str = ""  # the voice message they sent, for the volunteer to hear


@dataclass
class Outcome:
    state: State
    replies: list[Reply] = field(default_factory=list)
    effects: list = field(default_factory=list)


@dataclass(frozen=True)
class Moment:
    now: datetime  # UTC, naive
    today: date  # the resident's calendar day (Asia/Ho_Chi_Minh)
    # dd/mm/yyyy → keys of the parts of that day with room (the handler asks the database); None: all
    free_parts: Callable[[str], tuple[str, ...]] | None = None


def respond(catalog: Catalog, state: State | None, given: Given, at: Moment,
            idle: timedelta = timedelta(minutes=30)) -> Outcome:
    """Answer one message: expiry first, then commands, then whatever the current mode expects."""
    state = state.copy() if state is not None else State()
    mode = state.mode
    if mode in IN_PROCEDURE and _expired(state, at.now, idle):
        outcome = _offer_resume(catalog, state)
    elif given.kind in VOICE and mode != Mode.CALLBACK:
        outcome = _offer_callback(state, given)
    elif given.kind == "text" and not _is_offered(state, given.text) and (command := command_of(given.text)):
        outcome = COMMANDS[command](catalog, state, at)
    else:
        outcome = MODES.get(mode, _idle)(catalog, state, given, at)
    outcome.state.updated_at = at.now.isoformat()
    return outcome


def prompt(catalog: Catalog, state: State, at: Moment) -> list[Reply]:
    """The question the conversation is waiting on, again (for «nhắc lại» and after a resume)."""
    mode, procedure = state.mode, catalog.procedures.get(state.procedure)
    if mode == Mode.DUPLICATE and state.duplicate:
        return [duplicate_question(state)]
    if procedure is None or mode not in IN_PROCEDURE:
        return [render.main_menu(catalog)]
    if mode == Mode.CONSENT:
        return [render.consent_question()]
    if mode == Mode.ASK:
        return _question(catalog, state, at)
    if mode == Mode.OFFER_HUMAN:
        return [Choices(texts.OFFER_HUMAN, texts.OFFER_HUMAN_OPTIONS)]
    if mode == Mode.GO_ON:
        return [Choices(texts.GO_ON, texts.GO_ON_OPTIONS)]
    if mode == Mode.CHANNEL:
        return [render.channel_question()]
    if mode == Mode.EDIT:
        return [render.edit_question(procedure, state.answers)]
    return [render.summary(procedure, state.answers, state.channel)]


def _is_offered(state: State, text: str) -> bool:
    """The words are one of the options on screen (e.g. «Làm lại»), so they are not a command."""
    offered = {Mode.RESUME: texts.RESUME_OPTIONS, Mode.SUMMARY: texts.SUMMARY_OPTIONS,
               Mode.OFFER_HUMAN: texts.OFFER_HUMAN_OPTIONS, Mode.CONSENT: texts.CONSENT_OPTIONS,
               Mode.GO_ON: texts.GO_ON_OPTIONS, Mode.GUIDED: texts.GUIDED_HELP_OPTIONS,
               Mode.CALLBACK: texts.CALLBACK_OPTIONS, Mode.DUPLICATE: texts.DUPLICATE_OPTIONS}.get(state.mode, ())
    return normalize(text) in {normalize(option) for option in offered}


def _expired(state: State, now: datetime, idle: timedelta) -> bool:
    try:
        return now - datetime.fromisoformat(state.updated_at) > idle
    except (KeyError, ValueError):
        return False


def _menu(catalog: Catalog, *before: Reply) -> Outcome:
    return Outcome(State(), [*before, render.main_menu(catalog)])


# --- outside a procedure ----------------------------------------------------------------------
def _idle(catalog: Catalog, state: State, given: Given, at: Moment) -> Outcome:
    if given.kind != "text":
        return _menu(catalog, Text(texts.UNSUPPORTED))
    intent = catalog.matcher.match(given.text)
    if len(given.text) > LONG_TEXT_CHARS and intent.kind != "human":
        return _menu(catalog, Text(texts.LONG_MESSAGE))  # a word in the middle of a letter starts no form
    tapped = _is_offered_line(catalog, state, given.text)
    if intent.kind == "procedure" and not tapped and not normalize(given.text).isdigit():
        return _start(catalog, intent.ids[0], at)  # a named procedure beats a menu line that mentions it
    if intent.kind == "human" and not tapped:
        return _ask_human(state)
    picked = _picked_target(catalog, state, given.text)
    if picked is not None:
        return picked if isinstance(picked, Outcome) else _start_target(catalog, picked, at)
    if intent.kind == "procedure":
        return _start(catalog, intent.ids[0], at)
    if intent.kind == "ambiguous":
        return Outcome(State(mode=Mode.CHOOSE, options=list(intent.ids)),
                       [render.targets_menu(catalog, texts.WHICH_ONE, intent.ids)])
    if intent.kind == "unsure":  # weak evidence: offer the closest, never start a form on a guess
        options = (*intent.ids, HUMAN)
        return Outcome(State(mode=Mode.CHOOSE, options=list(options)),
                       [render.targets_menu(catalog, texts.UNSURE, options)])
    if intent.kind == "thanks":
        return Outcome(State(), [Text(texts.THANKS)])
    if intent.kind == "facts":
        return Outcome(State(), [render.place_facts(catalog.neighborhood.place(intent.ids[0]))])
    if intent.kind == "menu":
        return _menu(catalog, Text(texts.WELCOME))
    return _menu(catalog, Text(texts.NOT_UNDERSTOOD))


def _is_offered_line(catalog: Catalog, state: State, text: str) -> bool:
    """The text is exactly a line of the menu or list on screen (a button tap), so it picks that line."""
    if state.mode == Mode.MENU:
        lines = [item.title for item in catalog.menu]
    elif state.mode == Mode.CHOOSE:
        lines = [catalog.title_of(t) for t in state.options or []]
    else:
        return False
    return normalize(text) in {normalize(line) for line in lines}


def _picked_target(catalog: Catalog, state: State, text: str):
    """A number or title chosen from the menu or list last shown: a target id, a submenu, or None."""
    if state.mode == Mode.CHOOSE:
        targets = state.options or []
        index = pick_option(text, [catalog.title_of(t) for t in targets])
        return targets[index] if index is not None else None
    if state.mode == Mode.MENU:
        index = pick_option(text, [item.title for item in catalog.menu])
        if index is None:
            return None
        item = catalog.menu[index]
        if len(item.targets) == 1:
            return item.targets[0]
        return Outcome(State(mode=Mode.CHOOSE, options=list(item.targets)),
                       [render.targets_menu(catalog, texts.SUBMENU, item.targets)])
    return None


def _start_target(catalog: Catalog, target: str, at: Moment) -> Outcome:
    return _ask_human(State()) if target == HUMAN else _start(catalog, target, at)


def _start(catalog: Catalog, procedure_id: str, at: Moment) -> Outcome:
    """Say what the procedure is and what it needs, then ask consent before any personal question.
    A procedure with no steps is guidance only: its steps to follow, and a person if that is not enough."""
    procedure = catalog.procedures[procedure_id]
    if not procedure.steps:
        return Outcome(State(mode=Mode.GUIDED, procedure=procedure_id),
                       [render.introduction(procedure), *render.self_service(procedure), render.guided_help()])
    state = State(mode=Mode.CONSENT, procedure=procedure_id)
    return Outcome(state, [render.introduction(procedure), render.consent_question()])


def _guided(catalog: Catalog, state: State, given: Given, at: Moment) -> Outcome:
    """After guidance only: a volunteer, the menu, the full guidance, or whatever else the resident asks."""
    index = _chosen(given, texts.GUIDED_HELP_OPTIONS)
    if index == 0:
        return _ask_human(state)
    if index == 1:
        return _menu(catalog)
    if index == 2:
        procedure = catalog.procedures[state.procedure]
        return Outcome(state, [_full_guidance(catalog, procedure, at), render.guided_help()])
    return _idle(catalog, State(), given, at)


def _full_guidance(catalog: Catalog, procedure, at: Moment) -> Text:
    return render.full_guidance(procedure, at.today, catalog.neighborhood.province)


def _chosen(given: Given, options: tuple[str, ...]) -> int | None:
    """Which option was picked: by button, number or words, or by a plain «vâng» / «không» for the first
    (yes-like) and second (no-like) options (None: none)."""
    if given.kind != "text":
        return None
    index = pick_option(given.text, options)
    return index if index is not None else {True: 0, False: 1}.get(agrees(given.text))


def _ask_human(state: State) -> Outcome:
    return Outcome(State(), [], [AskHuman(state.procedure, dict(state.answers))])


def _offer_callback(state: State, given: Given) -> Outcome:
    """A voice message or a call: offer a volunteer's call back, keeping where the conversation was."""
    saved = state.saved if state.mode == Mode.CALLBACK else state.to_dict()
    question = texts.VOICE_OFFER if given.kind == "audio" else texts.CALL_OFFER
    return Outcome(State(mode=Mode.CALLBACK, saved=dict(saved or {}), voice_url=given.url),
                   [Choices(question, texts.CALLBACK_OPTIONS)])


def _callback(catalog: Catalog, state: State, given: Given, at: Moment) -> Outcome:
    """«Gọi lại cho tôi» asks a volunteer to call (their consent to be called); «Không cần» goes back to
    where the conversation was; anything else typed is answered there."""
    saved = State.from_dict(state.saved)
    index = _chosen(given, texts.CALLBACK_OPTIONS)
    if index == 0:
        return Outcome(State(), [], [AskHuman(saved.procedure, dict(saved.answers), callback=True,
                                              voice_url=state.voice_url)])
    if given.kind in VOICE:
        return _offer_callback(state, given)
    if index == 1:
        return Outcome(saved, [Text(texts.CALLBACK_DECLINED), *prompt(catalog, saved, at)])
    return MODES.get(saved.mode, _idle)(catalog, saved, given, at)


# --- inside a procedure --------------------------------------------------------------------------
def _consent(catalog: Catalog, state: State, given: Given, at: Moment) -> Outcome:
    choice = _chosen(given, texts.CONSENT_OPTIONS)
    if choice == 0:
        state.update(mode=Mode.ASK, index=0, errors=0, consent_at=at.now.isoformat())
        return Outcome(state, _question(catalog, state, at))
    procedure = catalog.procedures[state.procedure]
    if choice == 1:
        return _menu(catalog, Text(texts.NO_CONSENT), _full_guidance(catalog, procedure, at),
                     *render.self_service(procedure))
    if choice == 2:
        return Outcome(state, [_full_guidance(catalog, procedure, at), render.consent_question()])
    return Outcome(state, [Text(texts.PLEASE_CHOOSE), render.consent_question()])


def _ask(catalog: Catalog, state: State, given: Given, at: Moment) -> Outcome:
    procedure = catalog.procedures[state.procedure]
    step, gone = _answering(procedure, state)
    if gone or not step.asked_given(state.answers):  # since removed, worked out or not applying
        return Outcome(state, _question(catalog, state, at))
    if step.optional and given.kind == "text" and is_skip(given.text):
        value = ""
    else:
        checked = (slots.check_slot(catalog, step, state.answers, given, at) if step.type == "slot"
                   else check(step, given, at.today))
        if not checked.ok:
            return _wrong(catalog, state, checked.problem, at)
        value = checked.value
    answers = {**state.answers, step.field: value}
    worked_out = _work_out(procedure, answers, step.field, at.today)
    # In the order asked; a new day needs its part of the day chosen again (asked next, even when editing).
    # A step that no longer applies (only_if) keeps no answer.
    state.answers = {s.field: answers[s.field] for s in procedure.steps
                        if s.field in answers and s.date_field != step.field and s.applies(answers)}
    state.errors = 0
    given_now = [(step, value)] + [(s, state.answers[s.field]) for s in worked_out if s.field in state.answers]
    replies = [Text(note) for s, v in given_now if (note := _note(s, v))]
    if any(answer_key(v) in s.offer_stop for s, v in given_now):
        state.mode = Mode.GO_ON
        return Outcome(state, [*replies, Choices(texts.GO_ON, texts.GO_ON_OPTIONS)])
    return _advance(catalog, state, replies, at)


def _answering(procedure, state: State) -> tuple:
    """The step the resident is answering, found by the question asked (kept by its field), so that a
    procedure file changed since (a step added or removed) moves no answer onto another question.
    Returns it and whether that question is gone (then the first one not answered yet is current)."""
    fields = [s.field for s in procedure.steps]
    asking = state.asking
    if asking in fields:
        state.index = fields.index(asking)
        return procedure.steps[state.index], False
    if asking is None and 0 <= state.index < len(fields):  # saved before questions were kept by field
        return procedure.steps[state.index], False
    state.index = _first_unanswered(procedure, state)
    return procedure.steps[state.index], True


def _first_unanswered(procedure, state: State) -> int:
    answers = state.answers
    return next((i for i, s in enumerate(procedure.steps) if s.asked_given(answers) and s.field not in answers), 0)


def _note(step, value: str) -> str | None:
    return step.notes.get(answer_key(value))


def _work_out(procedure, answers: dict, date_field: str, today: date) -> list:
    """Answer (in `answers`) the steps worked out from that date; return those steps."""
    steps = [s for s in procedure.steps if s.from_date == date_field and answers.get(date_field)]
    for step in steps:
        answers[step.field] = _worked_out_value(step, answers[date_field], today)
    return steps


def _worked_out_value(step, day_text: str, today: date) -> str:
    """«Có» when the day (dd/mm/yyyy, as a date step keeps it) is at most within_days days before today,
    or at least at_least_years years before it (an age)."""
    day = datetime.strptime(day_text, "%d/%m/%Y").date()
    if step.at_least_years is not None:
        age = today.year - day.year - ((today.month, today.day) < (day.month, day.day))
        return "Có" if age >= step.at_least_years else "Không"
    return "Có" if (today - day).days <= step.within_days else "Không"


def _wrong(catalog: Catalog, state: State, problem: str, at: Moment) -> Outcome:
    state.errors = state.errors + 1
    if state.errors >= MAX_WRONG:
        state.mode = Mode.OFFER_HUMAN
        return Outcome(state, [Choices(texts.OFFER_HUMAN, texts.OFFER_HUMAN_OPTIONS)])
    step = catalog.procedures[state.procedure].steps[state.index]
    days = step.within_days or 7
    example = (at.today + timedelta(days=min(days, 3))).strftime("%d/%m/%Y")
    if problem == "choice" and render.typed_only(step.choices):
        problem = "choice_typed"
    return Outcome(state, [Text(texts.ANSWER_PROBLEMS[problem].format(example=example, days=days)),
                           *_question(catalog, state, at)])


def _question(catalog: Catalog, state: State, at: Moment) -> list[Reply]:
    """Ask the current step; a slot step offers the parts of its day with room, or asks the day again."""
    procedure = catalog.procedures[state.procedure]
    if not 0 <= state.index < len(procedure.steps):  # the file lost steps since this was saved
        state.index = _first_unanswered(procedure, state)
    step = procedure.steps[state.index]
    state.asking = step.field
    if not step.asked_given(state.answers):
        # saved while this step was still asked (or before its only_if): work it out, ask the next
        worked_out = _work_out(procedure, state.answers, step.from_date, at.today) if step.from_date else []
        notes = [_note(s, state.answers[s.field]) for s in worked_out if s.applies(state.answers)]
        return _advance(catalog, state, [Text(note) for note in notes if note], at).replies
    if step.type != "slot":
        return [render.question(step)]
    day = state.answers.get(step.date_field, "")
    titles = slots.free_titles(catalog, at, day)
    if titles:
        return [render.question(step, titles)]
    state.index, state.editing = procedure.step_index(step.date_field), True
    state.asking = step.date_field
    return [Text(texts.SLOT_DAY_FULL.format(day=day)), render.question(procedure.steps[state.index])]


def _next_index(procedure, state: State) -> int | None:
    """The next question: the following step, or when editing (or moving a booking) the first unanswered."""
    if state.editing:
        return next((i for i, s in enumerate(procedure.steps)
                     if s.asked_given(state.answers) and s.field not in state.answers), None)
    return next((i for i, s in enumerate(procedure.steps) if i > state.index and s.asked_given(state.answers)),
                None)


def _advance(catalog: Catalog, state: State, replies: list[Reply], at: Moment) -> Outcome:
    procedure = catalog.procedures[state.procedure]
    following = _next_index(procedure, state)
    if following is not None:
        state.index = following
        return Outcome(state, [*replies, *_question(catalog, state, at)])
    state.editing = False
    channel = _channel_of(procedure, state.answers)
    if channel is None and not state.channel:
        state.mode = Mode.CHANNEL
        return Outcome(state, [*replies, render.channel_question()])
    state.channel = channel or state.channel  # a derived channel follows its answer, also after «Sửa»
    state.answers[CHANNEL_FIELD] = state.channel
    waiting = _first_unasked(procedure, state.answers)
    if waiting is not None:  # questions only this channel needs (a home visit: the phone and the address)
        state.update(mode=Mode.ASK, index=waiting, editing=True, errors=0)
        return Outcome(state, [*replies, *_question(catalog, state, at)])
    state.mode = Mode.SUMMARY
    return Outcome(state, [*replies, render.summary(procedure, state.answers, state.channel)])


def _first_unasked(procedure, answers: dict) -> int | None:
    return next((i for i, s in enumerate(procedure.steps) if s.asked_given(answers) and s.field not in answers), None)


def _channel_of(procedure, answers: dict) -> str | None:
    """The channel a procedure fixes or derives from an answer; None when the resident must choose."""
    if procedure.channel_from:
        said = normalize(answers.get(procedure.channel_from) or "")
        return "nha_van_hoa" if "van hoa" in said else "tai_nha"
    return None if procedure.channel == "ask" else procedure.channel


def _channel(catalog: Catalog, state: State, given: Given, at: Moment) -> Outcome:
    index = pick_option(given.text, texts.CHANNEL_OPTIONS) if given.kind == "text" else None
    if index is None:
        return Outcome(state, [Text(texts.PLEASE_CHOOSE), render.channel_question()])
    state.channel = CHANNELS[index]
    return _advance(catalog, state, [], at)


def _summary(catalog: Catalog, state: State, given: Given, at: Moment) -> Outcome:
    said = normalize(given.text) if given.kind == "text" else ""
    if said in SUBMIT_WORDS or said and agrees(given.text):
        procedure = catalog.procedures[state.procedure]
        if taken := slots.taken_slot(catalog, procedure, state.answers, at):  # filled up meanwhile
            state.answers = {k: v for k, v in state.answers.items() if k != taken.field}
            state.update(mode=Mode.ASK, index=procedure.step_index(taken.field), editing=True, errors=0)
            return Outcome(state, [Text(texts.SLOT_TAKEN), *_question(catalog, state, at)])
        answers = state.answers  # only what applies: no answer a changed choice made moot, no channel marker
        kept = {s.field: answers[s.field] for s in procedure.steps if s.field in answers and s.applies(answers)}
        effect = Submit(state.procedure, kept, state.channel or "online")
        return Outcome(State(), [], [effect])
    if said in EDIT_WORDS:
        state.mode = Mode.EDIT
        return Outcome(state, [render.edit_question(catalog.procedures[state.procedure], state.answers)])
    return Outcome(state, [Text(texts.PLEASE_CHOOSE), *prompt(catalog, state, at)])


def _edit(catalog: Catalog, state: State, given: Given, at: Moment) -> Outcome:
    procedure = catalog.procedures[state.procedure]
    editable = render.editable(procedure, state.answers)
    index = pick_option(given.text, [s.label for s in editable]) if given.kind == "text" else None
    if index is None:
        return Outcome(state, [Text(texts.PLEASE_TYPE_NUMBER), render.edit_question(procedure, state.answers)])
    state.update(mode=Mode.ASK, index=procedure.step_index(editable[index].field), editing=True, errors=0)
    return Outcome(state, _question(catalog, state, at))


def _offer_human(catalog: Catalog, state: State, given: Given, at: Moment) -> Outcome:
    index = pick_option(given.text, texts.OFFER_HUMAN_OPTIONS) if given.kind == "text" else None
    if index == 0:
        return _ask_human(state)
    if index == 1:
        state.update(mode=Mode.ASK, errors=0)
        return Outcome(state, prompt(catalog, state, at))
    return Outcome(state, [Text(texts.PLEASE_CHOOSE), Choices(texts.OFFER_HUMAN, texts.OFFER_HUMAN_OPTIONS)])


def _go_on(catalog: Catalog, state: State, given: Given, at: Moment) -> Outcome:
    """After an answer whose note says the procedure may not be needed: go on, or stop keeping nothing."""
    index = _chosen(given, texts.GO_ON_OPTIONS)
    if index == 0:
        state.mode = Mode.ASK
        return _advance(catalog, state, [], at)
    if index == 1:
        return _menu(catalog, Text(texts.STOPPED))
    return Outcome(state, [Text(texts.PLEASE_CHOOSE), Choices(texts.GO_ON, texts.GO_ON_OPTIONS)])


def _offer_resume(catalog: Catalog, state: State) -> Outcome:
    title = catalog.procedures[state.procedure].title
    saved = {k: v for k, v in state.to_dict().items() if k != "updated_at"}
    return Outcome(State(mode=Mode.RESUME, saved=saved, procedure=state.procedure),
                   [Choices(texts.RESUME.format(title=title), texts.RESUME_OPTIONS)])


def _resume(catalog: Catalog, state: State, given: Given, at: Moment) -> Outcome:
    index = pick_option(given.text, texts.RESUME_OPTIONS) if given.kind == "text" else None
    saved = State.from_dict(state.saved) if state.saved else None
    if index == 0 and saved:
        return Outcome(saved, prompt(catalog, saved, at))
    if index == 1 and saved:
        if saved.consent_at:
            restarted = State(mode=Mode.ASK, procedure=saved.procedure, consent_at=saved.consent_at)
            return Outcome(restarted, prompt(catalog, restarted, at))
        return _start(catalog, saved.procedure, at)
    if given.kind == "text" and catalog.matcher.match(given.text).kind in ("procedure", "human"):
        return _idle(catalog, State(), given, at)
    title = catalog.procedures[state.procedure].title
    return Outcome(state, [Choices(texts.RESUME.format(title=title), texts.RESUME_OPTIONS)])


# --- a report like an open one (the handler found it when the report was sent) -------------------------
def duplicate_question(state: State) -> Choices:
    offered = state.duplicate or {}
    return Choices(texts.DUPLICATE_OFFER.format(n=offered.get("reporters", 1), code=offered.get("code", "")),
                   texts.DUPLICATE_OPTIONS)


def _duplicate(catalog: Catalog, state: State, given: Given, at: Moment) -> Outcome:
    """Follow the open report, or file this one anyway; anything else asks again, keeping the answers."""
    index = pick_option(given.text, texts.DUPLICATE_OPTIONS) if given.kind == "text" else None
    offered = state.duplicate or {}
    if index == 0 and offered:
        return Outcome(State(), [], [FollowReport(offered["request"], offered["code"])])
    if index == 1 or (index == 0 and not offered):
        return Outcome(State(), [], [Submit(state.procedure, state.answers, state.channel or "online", True)])
    if given.kind == "text" and catalog.matcher.match(given.text).kind in ("procedure", "human"):
        return _idle(catalog, State(), given, at)  # moved on to something else: not trapped by the offer
    return Outcome(state, [Text(texts.PLEASE_CHOOSE), duplicate_question(state)])


# --- commands (checked before the step's own handling) ------------------------------------------
def _cancel(catalog: Catalog, state: State, at: Moment) -> Outcome:
    if state.mode in IN_PROCEDURE or state.mode in (Mode.RESUME, Mode.DUPLICATE):
        return _menu(catalog, Text(texts.CANCELLED))
    return _menu(catalog)


def _back(catalog: Catalog, state: State, at: Moment) -> Outcome:
    mode = state.mode
    if mode not in IN_PROCEDURE or mode == Mode.CONSENT:
        return _menu(catalog)
    procedure = catalog.procedures[state.procedure]
    if mode == Mode.ASK and state.index == 0 and not state.editing:
        return Outcome(state, [Text(texts.NOTHING_TO_GO_BACK), *_question(catalog, state, at)])
    if mode == Mode.ASK and not state.editing:
        state.index = max(i for i, s in enumerate(procedure.steps)
                             if i < state.index and s.asked_given(state.answers))
    elif mode in (Mode.CHANNEL, Mode.SUMMARY, Mode.EDIT):
        state.answers.pop(CHANNEL_FIELD, None)
        state.index = procedure.step_index(render.editable(procedure, state.answers)[-1].field)
        state.channel = None  # asked again (or derived again) after the last question
    state.update(mode=Mode.ASK, errors=0)
    state.editing = False
    return Outcome(state, _question(catalog, state, at))


def _repeat(catalog: Catalog, state: State, at: Moment) -> Outcome:
    return Outcome(state, prompt(catalog, state, at))


COMMANDS = {"cancel": _cancel, "back": _back, "repeat": _repeat,
            "menu": lambda catalog, state, at: _menu(catalog),
            "human": lambda catalog, state, at: _ask_human(state)}
# The procedure modes and who answers a message in each (the side conversations are in handlers/routing.py).
MODES = {Mode.CONSENT: _consent, Mode.ASK: _ask, Mode.CHANNEL: _channel, Mode.SUMMARY: _summary, Mode.EDIT: _edit,
         Mode.OFFER_HUMAN: _offer_human, Mode.GO_ON: _go_on, Mode.GUIDED: _guided, Mode.RESUME: _resume,
         Mode.MENU: _idle, Mode.CHOOSE: _idle, Mode.CALLBACK: _callback, Mode.DUPLICATE: _duplicate}
