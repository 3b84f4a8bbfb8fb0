"""Messages from residents: run the conversation engine, then store and submit what it decided."""
from __future__ import annotations

from datetime import datetime

from bot import texts
from bot.clock import local_day
from bot.events import InboundEvent
from bot.flows import engine, render
from bot.flows.answers import Given
from bot.flows.engine import AskHuman, FollowReport, Moment, Submit
from bot.flows.promises import due_at
from bot.handlers import appointments, duplicates, handoff
from bot.handlers.context import Context
from bot.replies import Reply
from bot.services import name_search

URGENT_FIELD = "is_urgent"  # a report's «cần xử lý gấp?» (config/procedures/phan_anh.yaml): the shorter promise


def given_from(event: InboundEvent) -> Given:
    """What the resident sent, in the engine's terms."""
    if event.name == "user_send_text":
        return Given("text", text=event.text or "")
    attachment = event.attachments[0] if event.attachments else None
    if event.name in ("user_send_image", "user_send_gif") and attachment:
        return Given("image", text=event.text or "", url=str(attachment.payload.get("url", "")))
    if event.name == "user_send_audio":
        return Given("audio", url=str((attachment.payload if attachment else {}).get("url", "")))
    if event.name == "user_call_oa":
        return Given("call")
    if event.name == "user_send_location" and attachment:
        coordinates = attachment.payload.get("coordinates") or {}
        return Given("location", lat=str(coordinates.get("latitude", "")),
                     lng=str(coordinates.get("longitude", "")))
    return Given("other", text=event.text or "")


def on_message(ctx: Context) -> list[Reply]:
    now = ctx.runtime.clock()
    state = ctx.state()
    at = Moment(now=now, today=local_day(now),
                free_parts=lambda day: appointments.free_parts(ctx.uow, ctx.catalog, day))
    had_consent = bool(state.consent_at)
    outcome = engine.respond(ctx.catalog, state, given_from(ctx.event), at, ctx.runtime.idle)
    if outcome.state.consent_at and not had_consent:  # agreed just now: keep the record
        ctx.uow.members.record_consent(ctx.user_id, outcome.state.procedure or "", texts.CONSENT, now)
    replies, after = list(outcome.replies), outcome.state
    for effect in outcome.effects:
        if isinstance(effect, Submit) and (offered := duplicates.offer(ctx, effect, state)):
            offer, after = offered  # a report like an open one: its answers wait for the resident's choice
            replies += offer
            continue
        replies += _apply(ctx, effect, state.consent_at)
    ctx.save(after)
    return replies


def _apply(ctx: Context, effect, consent_at: str | None) -> list[Reply]:
    consented = datetime.fromisoformat(consent_at) if consent_at else None
    if isinstance(effect, FollowReport):
        return duplicates.follow(ctx, effect)
    if isinstance(effect, Submit):
        procedure = ctx.catalog.procedures[effect.procedure_id]
        urgent = effect.answers.get(URGENT_FIELD) == "Có"  # a report the resident says cannot wait
        row = ctx.uow.requests.create(procedure.code, procedure.id, ctx.user_id, effect.answers,
                                      effect.channel, consented, urgent=urgent, at=ctx.runtime.clock())
        row.due_at = due_at(row.created_at, procedure.promise, ctx.catalog.working_time, urgent)
        name_search.index_answers(ctx.uow, procedure, ctx.user_id, row.id, effect.answers)
        today = local_day(ctx.runtime.clock())
        replies = render.submitted(ctx.catalog, procedure, row.code, effect.channel, today, row.due_at)
        if any(step.type == "slot" for step in procedure.steps):  # a booking: its own confirmation
            return replies[:1] + appointments.book(ctx, row, effect.answers)
        return replies
    assert isinstance(effect, AskHuman)
    answers = {"procedure": effect.procedure_id, **effect.answers} if consented and effect.procedure_id else {}
    if effect.callback:  # tapping «Gọi lại cho tôi» is the consent to be called
        ctx.uow.members.record_consent(ctx.user_id, "goi_lai", texts.VOICE_OFFER, ctx.runtime.clock())
    return handoff.open_handoff(ctx, effect.procedure_id, answers, consented, effect.callback, effect.voice_url)
