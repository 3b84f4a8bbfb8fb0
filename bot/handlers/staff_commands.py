"""Commands only staff may use, checked against the sender's role on every message."""
from __future__ import annotations

import re

from bot import texts
from bot.flows.phrases import OFF_DUTY, ON_DUTY, STAFF_HELP
from bot.flows.text import normalize
from bot.handlers import appointments, groups, handoff, proof_chat
from bot.handlers.context import Context
from bot.replies import Reply, Text
from bot.services import casework, membership, roster, signups

CODE = re.compile(r"\b([A-Za-z]{2,5})\s*-?\s*(\d{1,6})\b")


def statistics_text(uow, catalog, now) -> str:
    """«thống kê»: this month's requests, then the sign-ups still open."""
    return casework.statistics_text(uow, catalog, now) + signups.statistics_text(uow, now)


LEADER_REPORTS = {"thong ke": statistics_text, "thong ke thang": statistics_text,
                  "yeu cau moi": casework.open_requests_text, "yeu cau dang mo": casework.open_requests_text}


def code_in(text: str) -> str | None:
    """'nhận ht-1' → 'HT-0001'."""
    match = CODE.search(text)
    return f"{match.group(1).upper()}-{int(match.group(2)):04d}" if match else None


def handle(ctx: Context) -> list[Reply] | None:
    """Run a staff command; None when the message is not one (or the sender is not staff)."""
    if not ctx.is_staff:
        return None
    if (replies := proof_chat.collect(ctx)) is not None:  # a close in chat, waiting for its photo or note
        return replies
    if ctx.event.name != "user_send_text":
        return None
    raw = ctx.event.text or ""
    said = normalize(raw)
    first = said.split(" ")[0] if said else ""
    if said in ON_DUTY or said in OFF_DUTY:
        return _duty(ctx, on=said in ON_DUTY)
    if first == "nhan" and code_in(raw):
        return handoff.claim(ctx, code_in(raw))
    if first == "xong" and (len(said.split()) <= 3 or proof_chat.close_command(raw)):
        return _done(ctx, code_in(raw), raw)
    if said == "lich hom nay":
        return appointments.todays_schedule(ctx)
    if said in STAFF_HELP:
        return [Text(texts.STAFF_HELP + ("\n" + texts.LEADER_HELP if ctx.role == "leader" else ""))]
    if ctx.role == "leader" and first in ("duyet", "tu") and code_in(raw) \
            and (first == "duyet" or said.startswith("tu choi ")):
        return _registration(ctx, code_in(raw), approve=first == "duyet")
    if ctx.role == "leader" and said in LEADER_REPORTS:
        now = ctx.runtime.clock()
        return [Text(LEADER_REPORTS[said](ctx.uow, ctx.catalog, now))]
    if ctx.role == "leader":
        return groups.handle(ctx)
    return None


def _duty(ctx: Context, on: bool) -> list[Reply]:
    now, hours = ctx.runtime.clock(), ctx.runtime.office_hours
    until = roster.end_of_office_day(now, hours)
    if on:
        ctx.uow.staff.set_duty(ctx.user_id, on_until=until, off_until=None)
        return [Text(texts.DUTY_ON.format(until=hours[1]))]
    ctx.uow.staff.set_duty(ctx.user_id, on_until=None, off_until=until)
    return [Text(texts.DUTY_OFF)]


def _done(ctx: Context, code: str | None, raw: str) -> list[Reply]:
    """«xong»: a handoff, an appointment, or any other request (closed with a photo and/or note)."""
    if not code or code.startswith(handoff.HUMAN_CODE + "-"):
        return handoff.close(ctx, code)
    if ctx.uow.appointments.by_code(code) is not None or ctx.uow.requests.by_code(code) is None:
        return appointments.mark_done(ctx, code)
    command = proof_chat.close_command(raw)
    return proof_chat.start(ctx, code, command[1] if command else "")


def _registration(ctx: Context, code: str, approve: bool) -> list[Reply]:
    staff = ctx.uow.staff.get(ctx.user_id)
    answer, messages = membership.decide(ctx.uow, code, approve, ctx.user_id, staff.name if staff else "",
                                         ctx.runtime.clock(), ctx.catalog.neighborhood.phone, ctx.runtime.zalo_tags)
    return [Text(answer), *messages]
