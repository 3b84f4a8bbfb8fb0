"""Staff log in and out; the staff row is reloaded on every request, so removal or a new role counts at once."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from flask import abort, flash, g, redirect, render_template, request, session, url_for

from bot.admin import csrf
from bot.admin import texts as t
from bot.admin.base import OA_SESSION_KEY, blueprint, deployment, services
from bot.store.models import utcnow

PUBLIC = {"admin.login", "admin.static"}
SESSION_KEY = "staff"


@dataclass(frozen=True)
class CurrentStaff:
    zalo_id: str
    name: str
    role: str

    @property
    def is_leader(self) -> bool:
        return self.role == "leader"

    @property
    def role_title(self) -> str:
        return t.ROLES.get(self.role, self.role)


def require_staff():
    """Load the logged-in staff member, or send the browser to the login page."""
    if request.endpoint in PUBLIC:
        return None
    row = None
    if session.get(SESSION_KEY) and deployment().for_oa(session.get(OA_SESSION_KEY)) is not None:
        with services().store.unit() as uow:
            row = uow.staff.get(session[SESSION_KEY])
    if row is None:
        session.pop(SESSION_KEY, None)
        wanted = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("admin.login", next=wanted))
    g.staff = CurrentStaff(row.zalo_id, row.name, row.role)
    return None


def leader_only(view):
    """Volunteers get the 403 page."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not g.staff.is_leader:
            abort(403)
        return view(*args, **kwargs)
    return wrapper


def can_see(staff: CurrentStaff, row) -> bool:
    """Leaders see every request; volunteers their own and unassigned ones."""
    return staff.is_leader or row.assignee_id in (None, staff.zalo_id)


def safe_next(value: str | None) -> str | None:
    """Only return to a dashboard page (never to another site, never with a line break or other control
    character, which would break the redirect's Location header)."""
    if value and value.startswith("/admin") and not value.startswith("//") and "\\" not in value \
            and not _has_control_character(value):
        return value
    return None


def _has_control_character(value: str | None) -> bool:
    return any(ord(c) < 32 or ord(c) == 127 for c in value or "")


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    """Show the form; check the password unless too many recent failures lock the account."""
    oas = _oa_choices()
    if _has_control_character((request.args if request.method == "GET" else request.form).get("next")):
        return render_template("admin/login.html", account="", error=t.LOGIN_BAD_NEXT, oas=oas, chosen_oa="",
                               next=None), 400
    if request.method == "GET":
        return render_template("admin/login.html", account="", error=None, oas=oas, chosen_oa="",
                               next=safe_next(request.args.get("next")))
    typed, password = request.form.get("account", "").strip()[:255], request.form.get("password", "")
    chosen = request.form.get("oa", "") if oas else deployment().main.settings.oa_id
    oa_services = deployment().oas.get(chosen)
    if oa_services is None:  # several OAs and none (or a made-up one) chosen
        return render_template("admin/login.html", account=typed, error=t.LOGIN_CHOOSE_OA, oas=oas,
                               chosen_oa="", next=safe_next(request.form.get("next"))), 400
    with oa_services.store.unit() as uow:
        account = _account(uow, typed)
        error, status, staff = _attempt(uow, account, password)
        uow.commit()
    if staff is None:
        return render_template("admin/login.html", account=typed, error=error, oas=oas, chosen_oa=chosen,
                               next=safe_next(request.form.get("next"))), status
    session.clear()  # a fresh session on login: nothing from before carries over
    session[SESSION_KEY] = staff.zalo_id
    session[OA_SESSION_KEY] = chosen  # one OA's staff see only that OA's residents
    csrf.renew()
    return redirect(safe_next(request.form.get("next")) or url_for("admin.requests"))


def _oa_choices() -> list[tuple[str, str]]:
    """(OA id, neighborhood name) of each OA when the deployment serves several; else none to choose."""
    if not deployment().several:
        return []
    return [(s.settings.oa_id, s.runtime.catalog.neighborhood.name) for s in deployment()]


def _account(uow, typed: str) -> str:
    """The staff Zalo id for an id or a unique name; otherwise the typed text (still throttled)."""
    if uow.staff.get(typed):
        return typed
    named = [s for s in uow.staff.list() if s.name.casefold() == typed.casefold()]
    return named[0].zalo_id if len(named) == 1 else typed.casefold()[:64]


def _attempt(uow, account: str, password: str):
    """Return (error, HTTP status, staff row or None) and count the outcome."""
    locked = uow.logins.locked_until(account)
    if locked:
        return t.LOGIN_LOCKED.format(seconds=_seconds_until(locked)), 429, None
    staff = uow.staff.check_password(account, password) if password else None
    if staff is None:
        until = uow.logins.failed(account)
        wait = f" {t.LOGIN_LOCKED.format(seconds=_seconds_until(until))}" if until else ""
        return t.LOGIN_WRONG + wait, 401, None
    uow.logins.succeeded(account)
    return None, 200, staff


def _seconds_until(moment: datetime) -> int:
    return max(1, math.ceil((moment - utcnow()).total_seconds()))


@blueprint.post("/logout")
def logout():
    session.clear()
    flash(t.LOGGED_OUT)
    return redirect(url_for("admin.login"))
