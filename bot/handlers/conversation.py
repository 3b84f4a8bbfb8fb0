"""Messages from residents: run the conversation engine, then store and submit what it decided."""
from __future__ import annotations

from datetime import datetime, timedelta

from bot.events import InboundEvent
from bot.flows import engine, render
from bot.flows.answers import Given
from bot.flows.engine import AskHuman, Moment, Submit
from bot.handlers.context import Context
from bot.replies import Reply

VIETNAM_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh has no daylight saving time
HUMAN_CODE = "HT"


def given_from(event: InboundEvent) -> Given:
    """What the resident sent, in the engine's terms."""
    if event.name == "user_send_text":
        return Given("text", text=event.text or "")
    attachment = event.attachments[0] if event.attachments else None
    if event.name in ("user_send_image", "user_send_gif") and attachment:
        return Given("image", text=event.text or "", url=str(attachment.payload.get("url", "")))
    if event.name == "user_send_location" and attachment:
        coordinates = attachment.payload.get("coordinates") or {}
        return Given("location", lat=str(coordinates.get("latitude", "")),
                     lng=str(coordinates.get("longitude", "")))
    return Given("other", text=event.text or "")


def on_message(ctx: Context) -> list[Reply]:
    now = ctx.runtime.clock()
    state = ctx.uow.conversations.get(ctx.user_id)
    at = Moment(now=now, today=(now + VIETNAM_OFFSET).date())
    outcome = engine.respond(ctx.catalog, state, given_from(ctx.event), at, ctx.runtime.idle)
    replies = list(outcome.replies)
    for effect in outcome.effects:
        replies += _apply(ctx, effect, (state or {}).get("consent_at"))
    ctx.uow.conversations.save(ctx.user_id, outcome.state)
    return replies


def _apply(ctx: Context, effect, consent_at: str | None) -> list[Reply]:
    consented = datetime.fromisoformat(consent_at) if consent_at else None
    if isinstance(effect, Submit):
        procedure = ctx.catalog.procedures[effect.procedure_id]
        row = ctx.uow.requests.create(procedure.code, procedure.id, ctx.user_id, effect.answers,
                                      effect.channel, consented)
        return render.submitted(ctx.catalog, procedure, row.code, effect.channel)
    assert isinstance(effect, AskHuman)
    answers = {"procedure": effect.procedure_id, **effect.answers} if consented and effect.procedure_id else {}
    row = ctx.uow.requests.create(HUMAN_CODE, "ho_tro", ctx.user_id, answers, None, consented)
    return [render.human_requested(ctx.catalog, row.code)]
