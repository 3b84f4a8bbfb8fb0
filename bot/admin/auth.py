"""Staff log in and out. A login opens a session kept in the database (bot/admin/sessions.py) and the staff
row is reloaded on every request, so logout, a new password, removal or a new role counts at once. Failed
logins slow down further attempts on that account and from that client address (bot/store/login_throttle.py)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps

from flask import abort, flash, g, redirect, render_template, request, session, url_for

from bot import texts as chat_texts
from bot.admin import csrf, sessions
from bot.admin import texts as t
from bot.admin.base import blueprint, deployment
from bot.replies import Text, To
from bot.runtime.outbox import queue_reply
from bot.store.login_throttle import FREE_ATTEMPTS, account_key, address_key, delay_after

PUBLIC = {"admin.login", "admin.static"}
ACCOUNT_WAIT_CAP = timedelta(seconds=60)  # whoever knows a staff id keeps its owner out a minute at most
ADDRESS_WAIT_CAP = timedelta(hours=1)  # one client guessing account after account waits up to an hour
TELL_LEADERS_EVERY = timedelta(hours=1)


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
    row = sessions.current_staff()
    if row is None:
        if session.pop(sessions.TOKEN_KEY, None):  # a session that ended, not a stranger: say why
            flash(t.SESSION_ENDED)
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
    """Show the form; check the password unless recent failures make this attempt wait."""
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
    error, status, token = _attempt(oa_services, account, password)
    if token is None:
        return render_template("admin/login.html", account=typed, error=error, oas=oas, chosen_oa=chosen,
                               next=safe_next(request.form.get("next"))), status
    sessions.remember(token, chosen)
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


def _attempt(oa_services, account: str, password: str):
    """Return (error, HTTP status, the new session's token or None). The attempt is counted before its
    password is checked, by one conditional statement per key, so simultaneous guesses cannot all get in
    before the count; an attempt that must still wait is refused without checking the password."""
    now = oa_services.runtime.clock()
    keys = (address_key(request.remote_addr), account_key(account))
    with oa_services.store.unit() as uow:
        failures = _count(uow, keys, now)
        if failures is None:
            uow.rollback()  # a refused attempt counts nowhere, so it cannot lengthen the owner's wait
            return t.LOGIN_LOCKED.format(seconds=_seconds_until(uow.logins.wait_until(keys), now)), 429, None
        uow.commit()
    with oa_services.store.unit() as uow:
        staff = uow.staff.check_password(account, password) if password else None
        if staff is None:
            _tell_leaders(uow, account, failures[1], now)
            uow.commit()
            return _wrong(failures), 401, None
        uow.logins.forgive(keys[0])  # the address first, as in _count: rows are always locked in one order
        uow.logins.reset(keys[1])
        token = sessions.open_session(uow, staff.zalo_id, now)
        uow.commit()
    return None, 200, token


def _count(uow, keys: tuple[str, str], now: datetime) -> tuple[int, int] | None:
    """Count the attempt on the client's address, then on the account: their failures in a row, or None
    when either must still wait."""
    address = uow.logins.claim(keys[0], now, ADDRESS_WAIT_CAP)
    account = uow.logins.claim(keys[1], now, ACCOUNT_WAIT_CAP) if address is not None else None
    return None if account is None else (address, account)


def _wrong(failures: tuple[int, int]) -> str:
    """«Wrong password», and how long to wait when this failure starts or lengthens a wait."""
    wait = max(delay_after(failures[0], ADDRESS_WAIT_CAP), delay_after(failures[1], ACCOUNT_WAIT_CAP))
    return f"{t.LOGIN_WRONG} {t.LOGIN_LOCKED.format(seconds=math.ceil(wait.total_seconds()))}" if wait \
        else t.LOGIN_WRONG


def _seconds_until(moment: datetime | None, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds())) if moment else 1


def _tell_leaders(uow, account: str, failures: int, now: datetime) -> None:
    """From the fifth failure in a row on a staff account, tell each leader in chat, at most once an hour:
    whose account, how many failures; never the password typed or the address it came from."""
    staff = uow.staff.get(account) if failures >= FREE_ATTEMPTS else None
    if staff is None or not uow.logins.note_told(account_key(account), now, TELL_LEADERS_EVERY):
        return
    text = chat_texts.LEADER_LOGIN_FAILURES.format(name=staff.name, n=failures)
    for leader in uow.staff.with_role("leader"):
        queue_reply(uow, To(leader.zalo_id, Text(text)), None, hold=timedelta(0))  # the worker's sweeper sends it


@blueprint.post("/logout")
def logout():
    """End the session in the database too, so a kept copy of the cookie opens nothing."""
    sessions.end()
    flash(t.LOGGED_OUT)
    return redirect(url_for("admin.login"))
