"""The audit log page: who saw or exported residents' personal data (leaders only)."""
from __future__ import annotations

from flask import render_template

from bot.admin.auth import leader_only
from bot.admin.base import blueprint, services


@blueprint.get("/audit")
@leader_only
def audit():
    with services().store.unit() as uow:
        entries = uow.audit.latest(200)
    return render_template("admin/audit.html", entries=entries)
