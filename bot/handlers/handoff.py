"""Handing a chat to a person: open, notify who is on duty, claim, relay both ways, close and rate."""
from __future__ import annotations

import logging

from bot import texts
from bot.flows import render
from bot.flows import state as conversation
from bot.flows.answers import rating_of
from bot.flows.intents import command_of
from bot.flows.state import Mode, State
from bot.handlers import staff_copy
from bot.handlers.context import Context
from bot.replies import Choices, Reply, Text, To
from bot.services import groups, handoffs, proofs, roster
from bot.store.models import Handoff

HUMAN_CODE = "HT"

log = logging.getLogger(__name__)


def open_handoff(ctx: Context, procedure_id: str | None, answers: dict, consented, callback: bool = False,
                 voice_url: str = "") -> list[Reply]:
    """A resident asked for a person (or to be called back): log the request, tell them when, tell who
    is on roster."""
    uow, now, runtime = ctx.uow, ctx.runtime.clock(), ctx.runtime
    active = uow.handoffs.active_for_user(ctx.user_id)
    if active is not None:
        return [Text(texts.HUMAN_ALREADY.format(code=active.code))]
    if callback:
        answers = {**answers, "goi_lai": texts.YES, **({"tin_nhan_thoai": voice_url} if voice_url else {})}
    consent_at = consented or (now if callback else None)  # «Gọi lại cho tôi» agreed to being called
    request = uow.requests.create(HUMAN_CODE, "ho_tro", ctx.user_id, answers, None, consent_at)
    handoff = uow.handoffs.open(request.code, ctx.user_id, request.id, procedure_id)
    if not uow.staff.with_role("leader") and not uow.staff.with_role("volunteer"):
        # Nobody could answer: say so, and leave it waiting for whoever is added (the minute tick tells them)
        log.warning("handoff %s waits: this OA has no leader and no volunteer", handoff.code)
        return [Text(texts.HUMAN_NOBODY_YET.format(code=handoff.code, phone=ctx.catalog.neighborhood.phone))]
    if not roster.in_office_hours(now, runtime.office_hours):
        when = roster.next_opening(now, runtime.office_hours)
        hours = f"{runtime.office_hours[0]}h–{runtime.office_hours[1]}h"
        said = texts.CALLBACK_OUT_OF_HOURS if callback else texts.HUMAN_OUT_OF_HOURS
        return [Text(said.format(code=handoff.code, hours=hours, when=when))]
    told = notify(ctx.uow, ctx.runtime, handoff, now)
    if not told:  # volunteers, but none on duty now and no leader to fall back on
        log.warning("handoff %s waits: nobody on duty and no leader", handoff.code)
        return [Text(texts.HUMAN_NOBODY_NOW.format(code=handoff.code, phone=ctx.catalog.neighborhood.phone))]
    said = texts.CALLBACK_REQUESTED if callback else texts.HUMAN_REQUESTED
    return [Text(said.format(code=handoff.code)), *told]


def notify(uow, runtime, handoff: Handoff, now) -> list[To]:
    """Tell the volunteers on duty (or, with none, the leaders) that someone waits, with context. With
    nobody to tell, the handoff stays unnotified, so the minute tick tells the first person added."""
    catalog = runtime.catalog
    volunteers = uow.staff.with_role("volunteer")
    ids = roster.on_duty(volunteers, uow.staff.shifts(), now, catalog.parts, runtime.office_hours)
    ids = ids or [s.zalo_id for s in uow.staff.with_role("leader")]
    if not ids:
        return []
    procedure = catalog.procedures.get(handoff.procedure_id or "")
    last = uow.events.recent_texts(handoff.user_id) or [texts.HANDOFF_NO_MESSAGES]
    doing = procedure.title if procedure else texts.HANDOFF_NOTHING_DOING
    answers = uow.requests.answers_of(handoff.request_id)
    if answers.get("goi_lai"):
        voice = answers.get("tin_nhan_thoai")
        doing = texts.HANDOFF_CALLBACK + (f"\n{texts.ATTACHMENT_VOICE.format(url=voice)}" if voice else "")
    last_lines = staff_copy.excerpt("\n".join(f"- {t}" for t in last), staff_copy.request_link(runtime, handoff.code))
    notice = texts.HANDOFF_NOTICE.format(code=handoff.code, name=groups.resident_name(uow, handoff.user_id),
                                         doing=doing, last=last_lines)
    handoff.notified_at = now
    return [To(staff_id, Text(notice), about=handoff.user_id) for staff_id in ids]


def claim(ctx: Context, code: str) -> list[Reply]:
    handoff = ctx.uow.handoffs.by_code(code)
    if handoff is None:
        return [Text(texts.HANDOFF_UNKNOWN.format(code=code.upper()))]
    if handoff.status == "closed":
        return [Text(texts.HANDOFF_CLOSED_ALREADY.format(code=handoff.code))]
    if handoff.status == "claimed" and handoff.volunteer_id != ctx.user_id:
        holder = ctx.uow.staff.get(handoff.volunteer_id or "")
        return [Text(texts.HANDOFF_TAKEN.format(code=handoff.code, name=holder.name if holder else "người khác"))]
    me = ctx.uow.staff.get(ctx.user_id)
    handoffs.claim(ctx.uow, handoff, ctx.user_id, me.name if me else ctx.user_id, ctx.runtime.clock())
    name = groups.resident_name(ctx.uow, handoff.user_id)
    return [Text(texts.HANDOFF_CLAIMED_STAFF.format(code=handoff.code, name=name)),
            To(handoff.user_id, Text(texts.HANDOFF_CLAIMED_RESIDENT.format(name=me.name if me else "Cán bộ")))]


def close(ctx: Context, code: str | None) -> list[Reply]:
    """«xong»: end the helper's handoff (leaders may close any by code); the resident rates it."""
    uow = ctx.uow
    handoff = uow.handoffs.by_code(code) if code else uow.handoffs.claimed_by(ctx.user_id)
    if handoff is None or (ctx.role != "leader" and handoff.volunteer_id not in (ctx.user_id, None)
                           and handoff.source != "console"):
        return [Text(texts.HANDOFF_NOTHING_TO_CLOSE)]
    if handoff.status == "closed":
        return [Text(texts.HANDOFF_CLOSED_ALREADY.format(code=handoff.code))]
    me = uow.staff.get(ctx.user_id)
    handoffs.close(uow, handoff, ctx.user_id, me.name if me else ctx.user_id, ctx.runtime.clock())
    uow.conversations.save(handoff.user_id, conversation.rating(handoff.id).to_dict())
    return [Text(texts.HANDOFF_CLOSED_STAFF.format(code=handoff.code)),
            To(handoff.user_id, Choices(texts.RATE_QUESTION, texts.RATE_OPTIONS))]


def _as_text(ctx: Context) -> str:
    event = ctx.event
    if event.text and event.name == "user_send_text":
        return event.text
    attachment = event.attachments[0].payload if event.attachments else {}
    if event.name in ("user_send_image", "user_send_gif"):
        return texts.ATTACHMENT_IMAGE.format(url=attachment.get("url", ""))
    if event.name == "user_send_audio":
        return texts.ATTACHMENT_VOICE.format(url=attachment.get("url", ""))
    if event.name == "user_send_location":
        point = attachment.get("coordinates") or {}
        return texts.ATTACHMENT_LOCATION.format(lat=point.get("latitude", ""), lng=point.get("longitude", ""))
    return texts.ATTACHMENT_OTHER


def relay_from_staff(ctx: Context) -> list[Reply] | None:
    """A helper's message while holding a chat goes to the resident; None if they hold none."""
    handoff = ctx.uow.handoffs.claimed_by(ctx.user_id)
    if handoff is None:
        return None
    handoff.last_staff_at = ctx.runtime.clock()
    me = ctx.uow.staff.get(ctx.user_id)
    text = texts.HANDOFF_RELAY_TO_RESIDENT.format(name=me.name if me else "Cán bộ", text=_as_text(ctx))
    return [To(handoff.user_id, Text(text))]


def resident_message(ctx: Context) -> list[Reply] | None:
    """While a person has the chat the bot stays quiet: relay to the helper, or hold. None = bot answers."""
    handoff = ctx.uow.handoffs.active_for_user(ctx.user_id)
    if handoff is None:
        return None
    now = ctx.runtime.clock()
    if handoff.source == "console" and now - (handoff.last_staff_at or handoff.created_at) > ctx.runtime.console_quiet:
        handoff.status, handoff.closed_at = "closed", now
        return None
    if handoff.status == "waiting" and ctx.event.text and command_of(ctx.event.text) == "cancel":
        handoffs.cancel(ctx.uow, handoff, now)
        return [Text(texts.HANDOFF_CANCELLED.format(code=handoff.code)), render.main_menu(ctx.catalog)]
    if handoff.status == "claimed" and handoff.volunteer_id:
        said = staff_copy.excerpt(_as_text(ctx), staff_copy.request_link(ctx.runtime, handoff.code))
        text = texts.HANDOFF_RELAY_TO_STAFF.format(code=handoff.code, name=groups.resident_name(ctx.uow, ctx.user_id),
                                                   text=said)
        return [To(handoff.volunteer_id, Text(text))]
    return []


def rating(ctx: Context, state: State) -> list[Reply] | None:
    """The answer to «how was the help?» after a handoff closed; None when not waiting for one. A message
    that is no rating is asked about once more, unless it asks for something else (answered normally)."""
    if state.mode != Mode.RATE or ctx.event.name != "user_send_text":
        return None
    score = rating_of(ctx.event.text or "", texts.RATE_OPTIONS)
    if score is None:
        asks_else = ctx.catalog.matcher.match(ctx.event.text or "").kind in ("procedure", "human", "facts", "ambiguous")
        if asks_else or state.asked_again:
            ctx.save(state.reset())
            return None  # they moved on: answer the message normally
        state.asked_again = True
        ctx.save(state)
        return [Text(texts.RATE_AGAIN), Choices(_rating_question(ctx, state), texts.RATE_OPTIONS)]
    ctx.save(state.reset())
    handoff = ctx.uow.handoffs.get(state.handoff) if state.handoff is not None else None
    if handoff is not None:
        handoffs.rate(ctx.uow, handoff, score)
    elif state.request is not None:  # a request closed with its proof (services/proofs.py)
        proofs.rate(ctx.uow, state.request, score, ctx.runtime.clock())
    return [Text(texts.RATE_THANKS), render.main_menu(ctx.catalog)]


def _rating_question(ctx: Context, state: State) -> str:
    request = ctx.uow.casework.get(state.request) if state.handoff is None and state.request is not None else None
    return texts.REPORT_RATE_QUESTION.format(code=request.code) if request is not None else texts.RATE_QUESTION


def console_reply(uow, user_id: str, now) -> None:
    """Someone answered from the OA console: the bot pauses for this resident until quiet again."""
    handoff = uow.handoffs.active_for_user(user_id)
    if handoff is not None:
        handoff.last_staff_at = now
        if handoff.status == "waiting":
            handoff.status, handoff.source, handoff.claimed_at = "claimed", "console", now
        return
    uow.handoffs.open(uow.requests.next_code(HUMAN_CODE), user_id, None, None, source="console", status="claimed")


def tick(uow, runtime, now) -> list[To]:
    """Every minute: tell the morning shift about night requests; remind leaders of unclaimed ones."""
    out: list[To] = []
    if not roster.in_office_hours(now, runtime.office_hours):
        return out
    leaders = [s.zalo_id for s in uow.staff.with_role("leader")]
    for handoff in uow.handoffs.waiting():
        if handoff.notified_at is None:
            out += notify(uow, runtime, handoff, now)
        elif handoff.reminded_at is None and now - handoff.notified_at >= runtime.claim_timeout:
            handoff.reminded_at = now
            minutes = int((now - handoff.notified_at).total_seconds() // 60)
            text = texts.HANDOFF_REMINDER.format(code=handoff.code, name=groups.resident_name(uow, handoff.user_id),
                                                 minutes=minutes)
            out += [To(leader, Text(text), about=handoff.user_id) for leader in leaders]
    return out

