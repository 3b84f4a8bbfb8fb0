"""Announcements in chat: a leader composes one («thông báo: …»), previews it, sends it now or at a
time; any member stops or restarts them («dừng nhận tin», «nhận tin lại»)."""
from __future__ import annotations

import re

from bot import texts
from bot.clock import local, utc
from bot.flows import render
from bot.flows import state as conversation
from bot.flows.answers import pick_option
from bot.flows.moments import parse_moment
from bot.flows.phrases import ANNOUNCEMENTS_OFF, ANNOUNCEMENTS_ON, SCHEDULED_ANNOUNCEMENTS
from bot.flows.state import Mode, State
from bot.flows.text import normalize
from bot.handlers.context import Context
from bot.replies import Choices, Reply, Text
from bot.services import announcements as notices

COMMAND = re.compile(r"^thong bao\b(?P<head>[^:\n]*):")
URGENT_WORDS = {"khan", "gap", "cap"}  # «khẩn», «gấp», «khẩn cấp»
CANCEL = re.compile(r"^huy thong bao (\d{1,9})$")


def member_command(ctx: Context) -> list[Reply] | None:
    """«dừng nhận tin» / «nhận tin lại» from anyone; the announcement command from someone who is not
    a leader gets the ordinary menu. None when the message is none of these."""
    if ctx.event.name != "user_send_text":
        return None
    raw = ctx.event.text or ""
    head, colon, _body = raw.partition(":")
    if colon and COMMAND.match(normalize(head) + colon):
        ctx.save(conversation.menu())
        return [render.main_menu(ctx.catalog)]
    said = normalize(raw)
    if said in ANNOUNCEMENTS_OFF:
        ctx.uow.members.set_announcements_off(ctx.user_id, True)
        ctx.uow.announcements.opt_out_waiting(ctx.user_id)
        return [Text(texts.ANNOUNCE_OFF)]
    if said in ANNOUNCEMENTS_ON:
        ctx.uow.members.set_announcements_off(ctx.user_id, False)
        return [Text(texts.ANNOUNCE_ON)]
    return None


def leader_command(ctx: Context, state: State) -> list[Reply] | None:
    """A leader's announcement command, or the next step of one being composed; None otherwise."""
    if ctx.role != "leader":
        return None
    if state.mode == Mode.ANNOUNCE:
        return _continue(ctx, state)
    if ctx.event.name != "user_send_text":
        return None
    raw = ctx.event.text or ""
    said = normalize(raw)
    if match := CANCEL.match(said):
        return [Text(cancel(ctx.uow, int(match.group(1))))]
    if said in SCHEDULED_ANNOUNCEMENTS:
        return [Text(scheduled_text(ctx))]
    head, colon, body = raw.partition(":")  # the words before the colon match loosely; the body stays as written
    match = COMMAND.match(normalize(head) + colon) if colon else None
    if not match:
        return None
    return _compose(ctx, match.group("head"), body.strip())


def _compose(ctx: Context, head: str, body: str) -> list[Reply]:
    words = normalize(head).split()
    urgent = bool(URGENT_WORDS & set(words))
    words = [w for w in words if w not in URGENT_WORDS]
    if words and words[0] == "cho":
        words = words[1:]
    if not body:
        return [Text(texts.ANNOUNCE_EMPTY)]
    groups, unknown = [], []
    for name in [n.strip() for n in " ".join(words).split(",") if n.strip()]:
        found = ctx.uow.groups.find(normalize(name))
        (groups.append(found) if found else unknown.append(name))
    if unknown:
        known = ", ".join(ctx.uow.groups.sizes()) or texts.ANNOUNCE_NO_GROUPS
        return [Text(texts.ANNOUNCE_UNKNOWN_GROUPS.format(names=", ".join(unknown), known=known))]
    zalo_groups = list(ctx.runtime.announce_zalo_groups) if not groups else []
    announcement = ctx.uow.announcements.add(body, ctx.user_id, groups=groups, zalo_groups=zalo_groups,
                                             urgent=urgent)
    ctx.save(conversation.announcement_draft(announcement.id, "preview"))
    return _preview(ctx, announcement)


def _preview(ctx: Context, announcement) -> list[Reply]:
    keys = [normalize(g) for g in notices.group_names(announcement)]
    return [Choices(notices.preview_text(ctx.uow, announcement, keys), texts.ANNOUNCE_OPTIONS)]


def _continue(ctx: Context, state: State) -> list[Reply]:
    announcement = ctx.uow.announcements.get(state.announcement or 0)
    if announcement is None or announcement.status != "draft":
        ctx.save(conversation.menu())
        return [Text(texts.ANNOUNCE_NOT_FOUND.format(id=state.announcement))]
    image = next((a for a in ctx.event.attachments if a.type in ("image", "gif")), None)
    if ctx.event.name in ("user_send_image", "user_send_gif") and image and image.payload.get("url"):
        announcement.image_url = str(image.payload["url"])
        return _preview(ctx, announcement)
    said = ctx.event.text or ""
    if state.step == "when":
        if pick_option(said, texts.ANNOUNCE_OPTIONS) == 2:
            return _cancel_draft(ctx, announcement)
        return _schedule(ctx, announcement, said)
    choice = pick_option(said, texts.ANNOUNCE_OPTIONS)
    if choice == 0:
        now = ctx.runtime.clock()
        _queue(ctx, announcement, now)
        reply = texts.ANNOUNCE_SENDING.format(id=announcement.id)
        if not announcement.urgent and notices.in_quiet_hours(now, ctx.runtime.announce_quiet_hours):
            reply += texts.ANNOUNCE_QUIET_NOTE.format(
                when=notices.when_text(notices.quiet_hours_end(now, ctx.runtime.announce_quiet_hours)))
        return [Text(reply)]
    if choice == 1:
        ctx.save(conversation.announcement_draft(announcement.id, "when"))
        return [Text(texts.ANNOUNCE_ASK_TIME)]
    if choice == 2:
        return _cancel_draft(ctx, announcement)
    return _preview(ctx, announcement)


def _schedule(ctx: Context, announcement, said: str) -> list[Reply]:
    now = ctx.runtime.clock()
    moment = parse_moment(said, local(now))
    if moment is None:
        return [Text(texts.ANNOUNCE_BAD_TIME)]
    send_at = utc(moment)
    if send_at <= now:
        return [Text(texts.ANNOUNCE_PAST_TIME)]
    _queue(ctx, announcement, send_at)
    reply = texts.ANNOUNCE_SCHEDULED.format(id=announcement.id, when=notices.when_text(send_at))
    quiet = ctx.runtime.announce_quiet_hours
    if not announcement.urgent and notices.in_quiet_hours(send_at, quiet):
        reply += texts.ANNOUNCE_QUIET_NOTE.format(when=notices.when_text(notices.quiet_hours_end(send_at, quiet)))
    return [Text(reply)]


def _queue(ctx: Context, announcement, send_at) -> None:
    ctx.uow.announcements.set_status(announcement.id, "scheduled", ("draft",), send_at=send_at)
    ctx.save(conversation.menu())


def _cancel_draft(ctx: Context, announcement) -> list[Reply]:
    ctx.uow.announcements.set_status(announcement.id, "cancelled", ("draft",))
    ctx.save(conversation.menu())
    return [Text(texts.ANNOUNCE_CANCELLED.format(id=announcement.id))]


def cancel(uow, announcement_id: int) -> str:
    """Cancel a draft or scheduled announcement; the answer for the leader (chat and CLI)."""
    announcement = uow.announcements.get(announcement_id)
    if announcement is None:
        return texts.ANNOUNCE_NOT_FOUND.format(id=announcement_id)
    if uow.announcements.set_status(announcement_id, "cancelled", ("draft", "scheduled")):
        return texts.ANNOUNCE_CANCELLED.format(id=announcement_id)
    return texts.ANNOUNCE_CANNOT_CANCEL.format(id=announcement_id, status=texts.ANNOUNCE_STATUS[announcement.status])


def scheduled_text(ctx: Context) -> str:
    rows = ctx.uow.announcements.listing(20, statuses=("scheduled",))
    if not rows:
        return texts.ANNOUNCE_SCHEDULED_NONE
    lines = [texts.ANNOUNCE_SCHEDULED_LINE.format(id=a.id, when=notices.when_text(a.send_at),
                                                  excerpt=notices.excerpt(a.text)) for a in reversed(rows)]
    return "\n".join([texts.ANNOUNCE_SCHEDULED_TITLE] + lines)
