"""The notice board (leaders only): every announcement with its numbers, one announcement's page (what
residents received, who has not yet, a sign-up's list and its export), its photo, and cancelling one
that has not gone. Composing is bot/admin/notice_compose.py; the worker's announcer does the sending."""
from __future__ import annotations

import io
import re

from flask import Response, abort, flash, g, redirect, render_template, url_for

from bot import texts
from bot.admin import texts as t
from bot.admin.auth import leader_only
from bot.admin.base import blueprint, error_page, local_time, now, services
from bot.admin.export import CSV, XLSX
from bot.admin.images import image_source
from bot.admin.photos import PHOTO_TYPES, data_url
from bot.clock import local
from bot.flows.text import normalize
from bot.handlers.announce import cancel
from bot.services import announcements as notices
from bot.services import notice_board, signups
from bot.services.exports import write_csv, xlsx_bytes
from bot.store.models import Announcement

SIGNUP_COLUMNS = (t.SIGNUP_COL_NO, t.NOTICE_COL_NAME, t.NOTICE_COL_PHONE, t.SIGNUP_COL_PEOPLE, t.SIGNUP_COL_STATUS,
                  t.SIGNUP_COL_AT)
SIGNUP_WIDTHS = (6, 28, 14, 10, 24, 17)


def load(uow, announcement_id: int) -> Announcement:
    """The announcement, or 404 (another leader's draft too: it is theirs until they send it)."""
    announcement = uow.announcements.get(announcement_id)
    if announcement is None or (announcement.status == "draft" and announcement.created_by != g.staff.zalo_id):
        abort(404)
    return announcement


def audit(uow, action: str, announcement: Announcement, target: str | None = None) -> None:
    uow.audit.record(g.staff.zalo_id, g.staff.name, action, target or t.AUDIT_NOTICE_TARGET.format(
        id=announcement.id, excerpt=notices.excerpt(announcement.text)))


def photo_shown(announcement: Announcement) -> str | None:
    """A kept photo in the page itself (the CSP allows data:, never the dashboard's own addresses)."""
    return data_url(announcement.image_data, announcement.image_type)


def parts_shown(announcement: Announcement) -> list[dict]:
    """Each message a resident receives, for admin/_notice_message.html: a kept photo inline; one sent by
    address (from the chat) only from Zalo's servers, else its address as text."""
    shown = []
    for part in notice_board.parts(announcement):
        src = address = ""
        if part.kind == "image" and part.photo_url:
            src = image_source(part.photo_url, services().settings.sandbox) or ""
            address = "" if src else part.photo_url
        elif part.kind == "image":
            src = photo_shown(announcement) or ""
        shown.append({"kind": part.kind, "text": part.text, "buttons": part.buttons, "src": src, "address": address,
                      "kept": part.kind == "image" and not part.photo_url})
    return shown


def author(uow, announcement: Announcement) -> str:
    if announcement.created_by == "cli":
        return t.NOTICE_BY_CLI
    staff = uow.staff.get(announcement.created_by)
    return staff.name if staff else t.EMPTY_ANSWER


def when_line(announcement: Announcement) -> str:
    """«Sẽ gửi lúc 07:00 05/12/2026», «Gửi xong …»: the moment that matters for where it stands."""
    moment = {"scheduled": announcement.send_at, "sending": announcement.started_at,
              "done": announcement.finished_at or announcement.started_at}.get(announcement.status)
    return t.NOTICE_WHEN.get(announcement.status, "{at}").format(at=local_time(moment or announcement.created_at))


def page(template: str, **values) -> str:
    """A notice board page, with what its templates share."""
    return render_template(template, texts=texts, excerpt=notices.excerpt, when=when_line,
                           event_text=signups.when_text, signup_status=signup_status, **values)


@blueprint.get("/notices")
@leader_only
def notices_page():
    with services().store.unit() as uow:
        rows = notice_board.board(uow, g.staff.zalo_id)
    return page("admin/notices.html", rows=rows)


@blueprint.get("/notices/<int:announcement_id>")
@leader_only
def notice_page(announcement_id: int):
    """What residents received, the numbers, who has not received it yet, the sign-up list."""
    with services().store.unit() as uow:
        announcement = load(uow, announcement_id)
        row = notice_board.row(uow, announcement)
        people = notice_board.not_received(uow, announcement)
        roster = signups.roster(uow, announcement) if announcement.signup_title else []
        author_name = author(uow, announcement)
        if people or roster:  # residents' names on the page: written down
            audit(uow, "view_notice", announcement)
            uow.commit()
        return page("admin/notice.html", announcement=announcement, row=row, groups=row.groups,
                    zalo_groups=row.zalo_groups, signup=row.signup,
                    parts=parts_shown(announcement), author=author_name, people=people, roster=roster)


@blueprint.get("/notices/<int:announcement_id>/photo")
@leader_only
def notice_photo(announcement_id: int):
    """The kept photo on its own (a link opens it in a new tab)."""
    with services().store.unit() as uow:
        announcement = load(uow, announcement_id)
        if not announcement.image_data or announcement.image_type not in PHOTO_TYPES:
            abort(404)
        return Response(announcement.image_data, content_type=announcement.image_type,
                        headers={"Content-Disposition": "inline"})


@blueprint.post("/notices/<int:announcement_id>/cancel")
@leader_only
def notice_cancel(announcement_id: int):
    """Cancel a draft or a scheduled one (the chat's rule); one sending or sent stays as it is."""
    with services().store.unit() as uow:
        announcement = load(uow, announcement_id)
        answer = cancel(uow, announcement.id)
        if uow.announcements.get(announcement.id).status == "cancelled":
            audit(uow, "cancel_notice", announcement)
        uow.commit()
    flash(answer)
    return redirect(url_for("admin.notice_page", announcement_id=announcement_id))


def _signup_rows(announcement_id: int, action: str) -> tuple[Announcement, list]:
    """The sign-up list as the page shows it (no Zalo ids, phones masked), the export written to the log."""
    with services().store.unit() as uow:
        announcement = load(uow, announcement_id)
        if not announcement.signup_title:
            abort(404)
        roster = signups.roster(uow, announcement)
        audit(uow, action, announcement, t.AUDIT_SIGNUPS_TARGET.format(id=announcement.id, n=len(roster)))
        uow.commit()
    return announcement, roster


def _signup_cells(roster: list, dated: bool) -> list[tuple]:
    """One line per answer; `dated`: the time as a spreadsheet's date (local), else as text."""
    return [(number, row.name, row.phone, row.people, signup_status(row),
             local(row.at) if dated else local_time(row.at)) for number, row in enumerate(roster, start=1)]


def signup_status(row) -> str:
    return t.SIGNUP_POSITION.format(n=row.position) if row.position else t.SIGNUP_STATUS.get(row.status, row.status)


def _download(announcement: Announcement, body: bytes, content_type: str, extension: str) -> Response:
    """«dang-ky-12-tiem-phong-dai-20261203-0900.csv»: which announcement, which event, when."""
    slug = re.sub(r"[^a-z0-9]+", "-", normalize(announcement.signup_title or ""))[:40].strip("-")
    name = f"dang-ky-{announcement.id}-{slug}-{local_time(now(), '%Y%m%d-%H%M')}.{extension}".replace("--", "-")
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@blueprint.post("/notices/<int:announcement_id>/signups.csv")
@leader_only
def signups_csv(announcement_id: int):
    announcement, roster = _signup_rows(announcement_id, "export_signups_csv")
    out = io.StringIO()
    write_csv(out, SIGNUP_COLUMNS, _signup_cells(roster, dated=False))
    return _download(announcement, ("\ufeff" + out.getvalue()).encode("utf-8"), CSV, "csv")


@blueprint.post("/notices/<int:announcement_id>/signups.xlsx")
@leader_only
def signups_xlsx(announcement_id: int):
    announcement, roster = _signup_rows(announcement_id, "export_signups_xlsx")
    body = xlsx_bytes(t.SIGNUP_SHEET, SIGNUP_COLUMNS, _signup_cells(roster, dated=True), SIGNUP_WIDTHS)
    return _download(announcement, body, XLSX, "xlsx")


@blueprint.get("/notices/<int:announcement_id>/signups.csv")
@blueprint.get("/notices/<int:announcement_id>/signups.xlsx")
@leader_only
def signups_by_address(announcement_id: int):
    """405 and nothing written: a link or an <img> cannot export (the page's buttons post a form)."""
    refused, status = error_page(405, t.SIGNUPS_NOT_BY_LINK)
    return refused, status, {"Allow": "POST"}
