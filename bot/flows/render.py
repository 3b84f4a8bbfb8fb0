"""Turn procedures and conversation state into the messages residents read."""
from __future__ import annotations

from datetime import date, datetime

from bot import texts
from bot.flows.catalog import Catalog
from bot.flows.introduction import introduction  # noqa: F401 - part of what render offers
from bot.flows.maps import location_map_url
from bot.flows.procedures import FORWARDED, Procedure, Step
from bot.flows.promises import promise_text
from bot.flows.text import normalize
from bot.replies import MAX_BUTTONS, Choices, Reply, Text


def main_menu(catalog: Catalog, title: str = texts.MENU_TITLE) -> Choices:
    if title == texts.MENU_TITLE and typed_only(catalog.menu):
        title = texts.MENU_TITLE_TYPED
    return Choices(title, tuple(item.title for item in catalog.menu))


def targets_menu(catalog: Catalog, title: str, targets: tuple[str, ...]) -> Choices:
    if title == texts.WHICH_ONE and typed_only(targets):
        title = texts.WHICH_ONE_TYPED
    return Choices(title, tuple(catalog.title_of(t) for t in targets))


def typed_only(options) -> bool:
    """A list Zalo shows without buttons (more options than it has buttons): the resident types a number."""
    return len(options) > MAX_BUTTONS


def full_guidance(procedure: Procedure, today: date, province: str = "") -> Text:
    """Every paper, the fee, the deadline, where to file and the rules in force today for the ward's
    province («Xem thêm»)."""
    g = procedure.guidance
    lines = [texts.GUIDANCE_PAPERS] + [f"- {p}" for p in g.papers]
    where = texts.GUIDANCE_WHERE if procedure.steps else texts.GUIDED_WHERE  # no steps: guidance only
    lines += [f"{texts.GUIDANCE_FEE} {g.fee}", f"{texts.GUIDANCE_DEADLINE} {g.deadline}", where]
    lines += [f"- {w}" for w in g.where]
    rules = [r.text for r in g.rules if r.shown(today, province)]
    if rules:
        lines += [texts.GUIDANCE_NEW_RULES] + [f"- {r}" for r in rules]
    return Text("\n".join(lines))


def place_facts(place) -> Text:
    """A place's address, hours and phone (neighborhood.yaml `places`)."""
    return Text(texts.PLACE_FACTS.format(name=place.name, address=place.address, hours=place.hours,
                                         phone=place.phone))


def consent_question() -> Choices:
    return Choices(texts.CONSENT, texts.CONSENT_OPTIONS)


def guided_help() -> Choices:
    return Choices(texts.GUIDED_HELP, texts.GUIDED_HELP_OPTIONS)


def question(step: Step, offered: tuple[str, ...] = ()) -> Reply:
    """The step's question, its `ask` word for word, with options (a slot's: the parts `offered`) or a hint."""
    if step.type == "choice":
        return Choices(step.ask, step.choices, tuple(step.buttons.get(option, "") for option in step.choices))
    if step.type == "slot":
        return Choices(step.ask, offered)
    if step.type == "yesno":
        return Choices(step.ask, texts.YESNO)
    hints = {"photo": texts.PHOTO_HINT, "location": texts.LOCATION_HINT}
    extra = [hints[step.type]] if step.type in hints else []
    if step.optional and "bo qua" not in normalize(step.ask):  # the question may say it already
        extra.append(texts.OPTIONAL_HINT)
    return Text("\n".join([step.ask] + extra))


def channel_question() -> Choices:
    return Choices(texts.CHANNEL_QUESTION, texts.CHANNEL_OPTIONS)


def summary(procedure: Procedure, answers: dict, channel: str | None) -> Choices:
    lines = [texts.SUMMARY_TITLE, procedure.title]
    number = 0
    for step in procedure.steps:  # numbered as the edit question numbers them; worked-out lines get a dash
        if not step.applies(answers):
            continue
        value = shown_answer(step, answers.get(step.field))
        number += step.asked
        lines.append(f"{number}. {step.label}: {value}" if step.asked else f"- {step.label}: {value}")
    if channel:
        lines.append(f"{texts.SUMMARY_CHANNEL}: {texts.CHANNEL_LABELS[channel]}")
    return Choices("\n".join(lines), texts.SUMMARY_OPTIONS)


def shown_answer(step: Step, value: str | None) -> str:
    """An answer as the resident reads it back: a sent location as a map link and a photo as «1 ảnh đã gửi»,
    not coordinates and an address on Zalo's servers; a typed address as typed."""
    if not value:
        return texts.SKIPPED
    if step.type == "photo":
        return texts.PHOTO_SENT
    if step.type == "location" and (url := location_map_url(value)):
        return texts.LOCATION_SENT.format(url=url)
    return value


def editable(procedure: Procedure, answers: dict) -> list[Step]:
    """The questions «Sửa» offers, numbered as the summary numbers them: those asked, given the answers."""
    return [s for s in procedure.steps if s.asked_given(answers)]


def edit_question(procedure: Procedure, answers: dict) -> Text:
    lines = [texts.EDIT_WHICH] + [f"{n}. {s.label}" for n, s in enumerate(editable(procedure, answers), start=1)]
    return Text("\n".join(lines))


def submitted(catalog: Catalog, procedure: Procedure, code: str, channel: str, today: date,
              due: datetime | None = None) -> list[Reply]:
    """The reference code with when the tổ will answer (`due`, UTC), every paper to bring, and the next step
    for the channel the resident chose."""
    hood = catalog.neighborhood
    receipt = texts.SUBMITTED.format(title=procedure.title, code=code)
    replies: list[Reply] = [Text(f"{receipt}\n{promise_text(due, today)}" if due else receipt)]
    g = procedure.guidance
    if channel == FORWARDED:
        replies.append(Text(texts.NEXT_REPORT))
        return replies
    replies.append(full_guidance(procedure, today, hood.province))
    if channel == "online":
        replies += self_service(procedure)
        if g.links:
            replies.append(Text("\n".join([texts.NEXT_LINKS] + [f"- {t}: {u}" for t, u in g.links])))
    elif channel == "nha_van_hoa":
        replies.append(Text(texts.NEXT_HOUSE.format(house=hood.community_house, hours=hood.hours, phone=hood.phone)))
    else:
        replies.append(Text(texts.NEXT_HOME.format(phone=hood.phone)))
    return replies


def self_service(procedure: Procedure) -> list[Reply]:
    """How to do it without the neighborhood keeping data: the online steps, or where to go."""
    g = procedure.guidance
    if g.online_steps:
        header = texts.NEXT_ONLINE if procedure.steps else texts.GUIDED_STEPS
        lines = [header] + [f"{n}. {s}" for n, s in enumerate(g.online_steps, start=1)]
    else:
        lines = [texts.NEXT_ONLINE_NONE] + [f"- {w}" for w in g.where]
    return [Text("\n".join(lines))]
