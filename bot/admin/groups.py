"""Member groups on the dashboard (leaders only): list, look at one (phone numbers masked, each look
written to the audit log), add people by phone number or code, remove one, delete a group."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from bot.admin import texts as t
from bot.admin.auth import leader_only
from bot.admin.base import blueprint, services
from bot.services import groups

MAX_PEOPLE_FIELD = 20_000  # characters: a few hundred phone numbers


def _mirror() -> bool:
    return services().settings.zalo_tags


@blueprint.get("/groups")
@leader_only
def groups_page():
    with services().store.unit() as uow:
        sizes = uow.groups.sizes()
    rows = [(name, groups.key(name), count) for name, count in sizes.items()]
    return render_template("admin/groups.html", rows=rows)


@blueprint.post("/groups/add")
@leader_only
def group_add():
    name = " ".join(request.form.get("name", "").split())[:64]
    people = request.form.get("people", "")[:MAX_PEOPLE_FIELD]
    identifiers = groups.parse_identifiers(people)
    if not groups.key(name) or not identifiers:
        flash(t.GROUP_NEEDS_NAME if not groups.key(name) else t.GROUP_NEEDS_PEOPLE)
        return redirect(url_for("admin.groups_page"))
    with services().store.unit() as uow:
        found = groups.resolve(uow, identifiers)
        stored, added = groups.add(uow, name, found.user_ids, _mirror())
        exists = uow.groups.find(groups.key(name)) is not None
        uow.commit()
    flash(t.GROUP_ADDED.format(added=added, name=stored))
    if found.missing:
        flash(t.GROUP_NOT_FOUND.format(missing=", ".join(found.missing)))
    if not exists:
        return redirect(url_for("admin.groups_page"))
    return redirect(url_for("admin.group_page", key=groups.key(name)))


@blueprint.get("/groups/<key>")
@leader_only
def group_page(key: str):
    with services().store.unit() as uow:
        stored = uow.groups.find(key)
        if stored is None:
            abort(404)
        people = groups.roster(uow, key)
        uow.audit.record(g.staff.zalo_id, g.staff.name, "view_group", stored)
        uow.commit()
    return render_template("admin/group.html", name=stored, key=key, people=people)


@blueprint.post("/groups/<key>/remove")
@leader_only
def group_remove(key: str):
    user_id = request.form.get("user_id", "")
    with services().store.unit() as uow:
        if uow.groups.find(key) is None:
            abort(404)
        member = uow.members.get(user_id)
        if not groups.remove(uow, key, [user_id], _mirror()):
            abort(400)
        uow.commit()
        flash(t.GROUP_REMOVED.format(name=groups.display_name(member, user_id)))
    return redirect(url_for("admin.group_page", key=key))


@blueprint.post("/groups/<key>/delete")
@leader_only
def group_delete(key: str):
    if request.form.get("confirm") != "yes":
        flash(t.GROUP_DELETE_NEEDS_CONFIRM)
        return redirect(url_for("admin.group_page", key=key))
    with services().store.unit() as uow:
        stored = uow.groups.find(key)
        if stored is None:
            abort(404)
        count = groups.delete(uow, key, _mirror())
        uow.commit()
    flash(t.GROUP_DELETED.format(name=stored, count=count))
    return redirect(url_for("admin.groups_page"))
