"""A draft's preview (leaders only), exactly as residents will receive it, and what follows it: «Gửi ngay» or
«Hẹn giờ» make it «scheduled» for the worker's announcer, as the chat does (bot/handlers/announce.py
`_queue`, `_schedule`); «Sửa» is the form again (bot/admin/notice_compose.py), «Hủy» cancels it
(bot/admin/notices.py)."""
from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for

from bot.admin import texts as t
from bot.admin.auth import leader_only
from bot.admin.base import blueprint, now, services
from bot.admin.notices import audit, load, parts_shown
from bot.clock import local
from bot.services import announcements as notices
from bot.services import notice_board, notice_form


def _quiet_until(announcement, moment: datetime) -> str:
    """When a non-urgent notice due at `moment` really goes, if that is in the quiet hours; else ""."""
    quiet = services().runtime.announce_quiet_hours
    if announcement.urgent or not notices.in_quiet_hours(moment, quiet):
        return ""
    return notices.when_text(notices.quiet_hours_end(moment, quiet))


def _preview_page(uow, announcement, errors: list[str] = (), send_at: str | None = None, status: int = 200):
    """The draft as residents will get it, whom it reaches, and the buttons (the typed time kept)."""
    reach = notices.reach_text(uow, announcement, notice_board.keys(announcement))
    at_once = notice_board.reach_of(uow, announcement, now()).at_once
    return render_template("admin/notice_preview.html", announcement=announcement, parts=parts_shown(announcement),
                           reach=reach, at_once=at_once, errors=list(errors),
                           quiet=_quiet_until(announcement, announcement.send_at or now()),
                           send_at=notice_form.local_input(announcement.send_at) if send_at is None else send_at), status


def _not_a_draft(announcement_id: int):
    flash(t.COMPOSE_NOT_DRAFT.format(id=announcement_id))
    return redirect(url_for("admin.notice_page", announcement_id=announcement_id))


@blueprint.get("/notices/<int:announcement_id>/preview")
@leader_only
def notice_preview(announcement_id: int):
    with services().store.unit() as uow:
        announcement = load(uow, announcement_id)
        if announcement.status != "draft":
            return _not_a_draft(announcement_id)
        return _preview_page(uow, announcement)


@blueprint.post("/notices/<int:announcement_id>/send")
@leader_only
def notice_send(announcement_id: int):
    """«Gửi ngay»: the announcer takes it on its next round (in quiet hours a non-urgent one waits)."""
    at = now()
    with services().store.unit() as uow:
        announcement = load(uow, announcement_id)
        if announcement.signup_title and announcement.event_at and announcement.event_at <= at:
            return _preview_page(uow, announcement, [t.COMPOSE_ERRORS["past_event"].format(
                when=local(announcement.event_at))], status=400)
        return _queue(uow, announcement, at, "send_notice", t.NOTICE_SENDING.format(id=announcement.id))


@blueprint.post("/notices/<int:announcement_id>/schedule")
@leader_only
def notice_schedule(announcement_id: int):
    """«Hẹn giờ» at the time on the preview (the form's, unless changed): a past time is refused."""
    typed = (request.form.get("send_at") or "").strip()[:40]
    with services().store.unit() as uow:
        announcement = load(uow, announcement_id)
        error = _schedule_error(announcement, typed)
        if error:
            return _preview_page(uow, announcement, [error], send_at=typed, status=400)
        send_at = notice_form.parse_local(typed)
        said = t.NOTICE_SCHEDULED.format(id=announcement.id, when=notices.when_text(send_at))
        return _queue(uow, announcement, send_at, "schedule_notice", said)


def _schedule_error(announcement, typed: str) -> str:
    send_at = notice_form.parse_local(typed) if typed else None
    if not typed:
        return t.SCHEDULE_ERRORS["missing"]
    if send_at is None:
        return t.SCHEDULE_ERRORS["bad"].format(value=typed)
    if send_at <= now():
        return t.SCHEDULE_ERRORS["past"].format(when=local(send_at))
    if announcement.signup_title and announcement.event_at and announcement.event_at <= send_at:
        return t.SCHEDULE_ERRORS["event"].format(event=local(announcement.event_at),
                                                 send=local(send_at))
    return ""


def _queue(uow, announcement, send_at: datetime, action: str, said: str):
    """draft → scheduled at `send_at`, written to the log; the leader is told when it really goes."""
    if not uow.announcements.set_status(announcement.id, "scheduled", ("draft",), send_at=send_at):
        return _not_a_draft(announcement.id)
    audit(uow, action, announcement)
    uow.commit()
    quiet = _quiet_until(announcement, send_at)
    flash(said + (t.NOTICE_QUIET.format(when=quiet) if quiet else ""))
    return redirect(url_for("admin.notice_page", announcement_id=announcement.id))
