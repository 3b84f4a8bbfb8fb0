"""«dữ liệu của tôi»: what the neighborhood holds about the member; «xóa dữ liệu của tôi»: erase it,
after a confirmation (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 and NĐ 356/2025/NĐ-CP: a person may see
their personal data and withdraw their consent)."""
from __future__ import annotations

import json

from bot import texts
from bot.clock import local
from bot.flows import state as conversation
from bot.flows.answers import pick_option
from bot.flows.phrases import MY_DATA_ERASE, MY_DATA_SHOW
from bot.flows.state import Mode, State
from bot.flows.text import normalize
from bot.handlers.context import Context
from bot.replies import Choices, Reply, Text
from bot.services import casework, erasure, signups


def handle(ctx: Context, state: State) -> list[Reply] | None:
    """The two commands and the confirmation; None when the message is none of these."""
    said = normalize(ctx.event.text or "") if ctx.event.name == "user_send_text" else ""
    if state.mode == Mode.ERASE_CONFIRM:
        choice = pick_option(said, texts.ERASE_OPTIONS) if said else None
        ctx.save(state.reset())
        if choice == 0:
            moved_up = signups.give_up_places(ctx.uow, ctx.user_id, ctx.runtime.clock())
            erasure.erase_member(ctx.uow, ctx.catalog, ctx.user_id, ctx.runtime.zalo_tags)
            return [Text(texts.ERASED), *moved_up]
        if choice == 1 or said:
            return [Text(texts.ERASE_KEPT)]
        return None
    if said in MY_DATA_SHOW:
        return [Text(holdings_text(ctx))]
    if said in MY_DATA_ERASE:
        ctx.save(conversation.erase_confirmation())
        return [Choices(texts.ERASE_CONFIRM, texts.ERASE_OPTIONS)]
    return None


def holdings_text(ctx: Context) -> str:
    member = ctx.uow.members.get(ctx.user_id)
    last = local(member.last_interaction_at).strftime("%H:%M %d/%m/%Y") if member and member.last_interaction_at else "-"
    lines = [texts.MY_DATA_TITLE, texts.MY_DATA_CONTACT.format(
        last=last, announcements=texts.NO if member and member.announcements_off else texts.YES)]
    if member and (member.full_name or member.phone):
        lines.append(texts.MY_DATA_IDENTITY.format(name=member.full_name or "-", phone=member.phone or "-"))
    if names := [name for name, _key in ctx.uow.groups.of_user(ctx.user_id)]:
        lines.append(texts.MY_DATA_GROUPS.format(groups=", ".join(names)))
    requests = ctx.uow.requests.of_user(ctx.user_id)
    if not requests:
        lines.append(texts.MY_DATA_NO_REQUESTS)
    for request in requests:
        answers = json.loads(request.answers or "{}")
        shown = "; ".join(f"{value}" for value in answers.values() if value not in (None, ""))
        lines.append(texts.MY_DATA_REQUEST.format(
            code=request.code, kind=casework.kind_title(ctx.catalog, request.kind),
            status=texts.STATUS_LABELS.get(request.status, request.status), answers=f": {shown}" if shown else ""))
    for consent in ctx.uow.members.consents(ctx.user_id):
        lines.append(texts.MY_DATA_CONSENT.format(when=local(consent.at).strftime("%d/%m/%Y"),
                                                  what=casework.kind_title(ctx.catalog, consent.purpose)))
    lines.append(texts.MY_DATA_FOOTER)
    return "\n".join(lines)
