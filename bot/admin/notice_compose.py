"""«Soạn thông báo» (leaders only): the form makes a draft, the preview shows it exactly as residents will
receive it; from there «Gửi ngay», «Hẹn giờ», «Sửa» or «Hủy». Sending is the worker's: a draft sent or
scheduled here becomes «scheduled», as in the chat (bot/handlers/announce.py)."""
from __future__ import annotations

import json

from flask import flash, g, redirect, render_template, request, url_for

from bot.admin import texts as t
from bot.admin.auth import leader_only
from bot.admin.base import blueprint, now, services
from bot.admin.notices import audit, load, photo_shown
from bot.admin.photos import Photo, photo_from_form
from bot.clock import utcnow
from bot.services import announcements as notices
from bot.services import notice_board, notice_form
from bot.services.notice_form import NoticeForm
from bot.zalo.errors import ZaloError

PHOTO_FIELD = "photo"


def _form_page(form: NoticeForm, errors: list[str] = (), kept_photo: str | None = None, status: int = 200):
    """The form, filled with what was typed, and why it could not be saved."""
    with services().store.unit() as uow:
        groups = notice_board.group_reach(uow, now())
        everyone = notice_board.everyone_reach(uow, now())
    return render_template("admin/notice_compose.html", form=form, errors=list(errors), groups=groups,
                           everyone=everyone, kept_photo=kept_photo, zalo=bool(services().settings.announce_zalo_groups),
                           limits={"normal": notice_form.max_text(False), "urgent": notice_form.max_text(True)},
                           headers={"normal": notice_form.header(False), "urgent": notice_form.header(True)}), status


@blueprint.get("/notices/new")
@leader_only
def notice_new():
    """A blank form, or a draft's form again («Sửa»: ?draft=<id>)."""
    draft_id = notice_form.whole_number(request.args.get("draft", ""))
    if draft_id is None:
        return _form_page(NoticeForm())
    with services().store.unit() as uow:
        announcement = load(uow, draft_id)
        if announcement.status != "draft":
            flash(t.COMPOSE_NOT_DRAFT.format(id=draft_id))
            return redirect(url_for("admin.notice_page", announcement_id=draft_id))
        form = notice_form.form_of(announcement, notices.group_names(announcement))
        kept = photo_shown(announcement)
    return _form_page(form, kept_photo=kept)


@blueprint.post("/notices/new")
@leader_only
def notice_create():
    """Check the form; when it is right, upload its photo to Zalo and save the draft, then preview it."""
    with services().store.unit() as uow:
        known = list(uow.groups.sizes())
    form = notice_form.read(request.form, request.form.getlist("group"))
    checked = notice_form.check(form, now(), known)
    errors = [t.COMPOSE_ERRORS[code].format(**values) for code, values in checked.errors]
    photo = photo_from_form(PHOTO_FIELD)
    if isinstance(photo, str):
        errors.append(photo)
    if errors:
        return _refill(form, errors, again=isinstance(photo, Photo))
    attachment_id = None
    if photo is not None:
        try:
            attachment_id = services().client.upload_image(photo.data, photo.name, photo.kind)
        except ZaloError:
            return _refill(form, [t.COMPOSE_UPLOAD_FAILED], again=True)
    with services().store.unit() as uow:
        announcement = _save(uow, form, checked)
        if announcement is None:
            flash(t.COMPOSE_NOT_DRAFT.format(id=form.draft))
            return redirect(url_for("admin.notices_page"))
        if photo is not None:
            announcement.image_data, announcement.image_type = photo.data, photo.kind
            announcement.image_attachment_id, announcement.image_uploaded_at = attachment_id, utcnow()
        elif request.form.get("drop_photo"):
            announcement.image_data = announcement.image_type = announcement.image_attachment_id = None
            announcement.image_uploaded_at = None
        audit(uow, "edit_notice" if form.draft else "create_notice", announcement)
        uow.commit()
        announcement_id = announcement.id
    return redirect(url_for("admin.notice_preview", announcement_id=announcement_id))


def _refill(form: NoticeForm, errors: list[str], again: bool):
    """The form again with its errors (400); a photo chosen this time must be chosen again, a draft's stays."""
    kept = None
    if form.draft:
        with services().store.unit() as uow:
            announcement = uow.announcements.get(form.draft)
            if announcement is not None and announcement.created_by == g.staff.zalo_id:
                kept = photo_shown(announcement)
    return _form_page(form, errors + ([t.COMPOSE_PHOTO_AGAIN] if again else []), kept, 400)


def _save(uow, form: NoticeForm, checked):
    """A new draft, or the one being edited (None when it is no longer a draft of this leader's)."""
    if form.draft:
        announcement = uow.announcements.get(form.draft)
        if announcement is None or announcement.status != "draft" or announcement.created_by != g.staff.zalo_id:
            return None
        announcement.groups = json.dumps(list(form.groups), ensure_ascii=False)
        announcement.zalo_groups = json.dumps(_zalo_groups(form))
    else:
        announcement = uow.announcements.add(form.text, g.staff.zalo_id, groups=list(form.groups),
                                             zalo_groups=_zalo_groups(form), urgent=form.urgent, status="draft")
    notice_form.fill(announcement, form, checked)
    return announcement


def _zalo_groups(form: NoticeForm) -> list[str]:
    """An announcement to everyone is also posted in the ward's Zalo groups (as the chat and the CLI do)."""
    return [] if form.groups else list(services().settings.announce_zalo_groups)
