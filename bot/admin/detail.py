"""One request: answers, conversation, history; change its status, assign it, add a private note."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for

from bot import texts
from bot.admin import texts as t
from bot.admin.auth import can_see, leader_only
from bot.admin.base import blueprint, now, services
from bot.admin.conversation import older_messages, request_conversation
from bot.admin.proof import proof_from_form, proof_shown
from bot.admin.rows import Presenter
from bot.runtime.outbox import queue_reply
from bot.services import casework, proofs
from bot.services.groups import resident_name


def _load(uow, code: str):
    """The request by its code: 404 when unknown, 403 when this volunteer may not see it."""
    row = uow.requests.by_code(code)
    if row is None:
        abort(404)
    if not can_see(g.staff, row):
        abort(403)
    return row


@blueprint.get("/requests/<code>")
def request_page(code: str):
    catalog, sandbox = services().runtime.catalog, services().settings.sandbox
    with services().store.unit() as uow:
        row = _load(uow, code)
        presenter = Presenter(uow, catalog, sandbox, now=now())  # now: how near its promise is
        shown = presenter.row(row)
        history = [_history_line(change) for change in uow.casework.history(row.id)]
        conversation = request_conversation(uow, row, sandbox)
        staff_rows = uow.staff.list()
        followers = [masked_name(resident_name(uow, user_id)) for user_id in uow.requests.followers_of(row.id)]
        closing = proof_shown(uow, row, sandbox)
        uow.audit.record(g.staff.zalo_id, g.staff.name, "view_request", row.code)
        uow.commit()
    return render_template("admin/request.html", row=shown, history=history, conversation=conversation,
                           lines=conversation.lines,
                           statuses=[(key, texts.STATUS_LABELS[key]) for key in casework.STATUSES],
                           staff_rows=staff_rows, assignee_id=row.assignee_id, followers=followers,
                           closing=closing)


@blueprint.get("/requests/<code>/older")
def older_messages_page(code: str):
    """The resident's messages before this request's conversation: a deliberate click, written to the log."""
    with services().store.unit() as uow:
        row = _load(uow, code)
        resident = resident_name(uow, row.user_id)
        lines = older_messages(uow, row, services().settings.sandbox)
        uow.audit.record(g.staff.zalo_id, g.staff.name, "view_older_messages", row.code)
        uow.commit()
    return render_template("admin/older.html", code=row.code, resident=resident, lines=lines)


def masked_name(name: str) -> str:
    """A follower as the leader sees them: initials only («N*** V*** H***»); a nameless «Cư dân …1234» stays."""
    if name.startswith("Cư dân …"):
        return name
    return " ".join(word[:1] + "***" for word in name.split())


def _history_line(change) -> dict:
    """Who, when, and what changed, in words."""
    labels = texts.STATUS_LABELS if change.kind in ("status", "reopened") else {}
    what = change.new or ""
    if change.kind in ("status", "reopened", "assignee"):
        what = t.HISTORY_CHANGE.format(old=labels.get(change.old, change.old or t.NOBODY),
                                       new=labels.get(change.new, change.new or t.NOBODY))
    return {"at": change.at, "who": change.actor_name, "kind": t.HISTORY_KINDS.get(change.kind, change.kind),
            "what": what}


@blueprint.post("/requests/<code>/status")
def change_status(code: str):
    """Record the new status and queue the resident's notice (the worker sends it)."""
    status = request.form.get("status", "")
    if status not in casework.STATUSES:
        abort(400)
    with services().store.unit() as uow:
        row = _load(uow, code)
        unchanged = row.status == status
        if status == proofs.DONE and casework.is_open(row):  # closing: with the photo and note, if given
            proof = proof_from_form()
            if isinstance(proof, str):
                flash(proof)
                return redirect(url_for("admin.request_page", code=code))
            messages = proofs.close(uow, row, proof, g.staff.zalo_id, g.staff.name, now(),
                                    services().runtime.catalog.neighborhood.phone)
        else:
            messages = casework.change_status(uow, row, status, g.staff.zalo_id, g.staff.name, now(),
                                              services().runtime.catalog.neighborhood.phone)
        for message in messages:
            queue_reply(uow, message, None, hold=timedelta(0))
        uow.commit()
    flash(t.STATUS_SAME if unchanged else t.STATUS_TOLD if messages else t.STATUS_HELD)
    return redirect(url_for("admin.request_page", code=code))


@blueprint.post("/requests/<code>/assign")
@leader_only
def assign(code: str):
    staff_id = request.form.get("assignee") or None
    with services().store.unit() as uow:
        row = _load(uow, code)
        if staff_id and uow.staff.get(staff_id) is None:
            abort(400)
        for message in casework.assign(uow, row, staff_id, g.staff.zalo_id, g.staff.name, now(),
                                       services().runtime.catalog):
            queue_reply(uow, message, None, hold=timedelta(0))
        uow.commit()
    flash(t.ASSIGNED)
    return redirect(url_for("admin.request_page", code=code))


@blueprint.post("/requests/<code>/note")
def add_note(code: str):
    note = request.form.get("note", "").strip()
    with services().store.unit() as uow:
        row = _load(uow, code)
        if note:
            casework.add_note(uow, row, note, g.staff.zalo_id, g.staff.name)
            uow.commit()
    flash(t.NOTE_SAVED if note else t.NOTE_EMPTY)
    return redirect(url_for("admin.request_page", code=code))
