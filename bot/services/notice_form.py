"""The dashboard's «Soạn thông báo» form as plain data: what the leader typed, what is wrong with it (as
codes the dashboard words), and the draft announcement it fills. No Flask here: bot/admin/notice_compose.py
reads the request and shows the messages."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot import texts
from bot.clock import local, utc
from bot.store.models import Announcement
from bot.zalo.messages import MAX_TEXT

MAX_LIMIT = 1000  # people a sign-up may take
MAX_TITLE = 200  # characters of a sign-up's event name (it is quoted in every answer the resident gets)
LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows
MIN_YEAR, MAX_YEAR = 2000, 2999


@dataclass(frozen=True)
class NoticeForm:
    """The fields as typed (times local, as the browser sends them)."""

    text: str = ""
    groups: tuple[str, ...] = ()  # group names, as stored
    urgent: bool = False
    send_at: str = ""  # empty: send now
    signup: bool = False
    signup_title: str = ""
    event_at: str = ""
    signup_limit: str = ""
    draft: int | None = None  # the draft being edited («Sửa»)


@dataclass
class Checked:
    """The form's times in UTC and its limit, or why it cannot be saved: (code, values) pairs."""

    send_at: datetime | None = None
    event_at: datetime | None = None
    limit: int | None = None
    errors: list[tuple[str, dict]] = field(default_factory=list)


def read(fields, group_names: list[str]) -> NoticeForm:
    """The form from the posted fields (a mapping of strings) and the ticked groups' names; a textarea's
    CRLF line breaks become LF, as the resident will receive them."""
    def text_of(name: str, size: int) -> str:
        return (fields.get(name) or "")[:size]
    return NoticeForm(text=text_of("text", 20_000).replace("\r\n", "\n").replace("\r", "\n").strip(),
                      groups=tuple(dict.fromkeys(n for n in group_names if n)), urgent=bool(fields.get("urgent")),
                      send_at=text_of("send_at", 40).strip(), signup=bool(fields.get("signup")),
                      signup_title=" ".join(text_of("signup_title", 2000).split()),
                      event_at=text_of("event_at", 40).strip(), signup_limit=text_of("signup_limit", 40).strip(),
                      draft=whole_number(text_of("draft", 12)))


def header(urgent: bool) -> str:
    return texts.ANNOUNCE_HEADER_URGENT if urgent else texts.ANNOUNCE_HEADER


def max_text(urgent: bool) -> int:
    """Characters left for the notice itself: the first message is the header, a line break, the text."""
    return MAX_TEXT - len(header(urgent)) - 1


def check(form: NoticeForm, now: datetime, known_groups: list[str]) -> Checked:
    """Everything wrong with the form at once, so the leader fixes it in one go."""
    checked = Checked()
    errors = checked.errors
    if not form.text:
        errors.append(("empty", {}))
    elif len(form.text) > max_text(form.urgent):
        errors.append(("too_long", {"n": len(form.text), "limit": max_text(form.urgent),
                                    "over": len(form.text) - max_text(form.urgent), "header": header(form.urgent)}))
    for name in form.groups:
        if name not in known_groups:
            errors.append(("unknown_group", {"name": name}))
    if form.send_at:
        checked.send_at = parse_local(form.send_at)
        if checked.send_at is None:
            errors.append(("bad_send_at", {"value": form.send_at}))
        elif checked.send_at <= now:
            errors.append(("past_send_at", {"when": local(checked.send_at)}))
    if form.signup:
        _check_signup(form, now, checked)
    return checked


def _check_signup(form: NoticeForm, now: datetime, checked: Checked) -> None:
    errors = checked.errors
    if not form.signup_title:
        errors.append(("no_title", {}))
    elif len(form.signup_title) > MAX_TITLE:
        errors.append(("long_title", {"limit": MAX_TITLE}))
    checked.event_at = parse_local(form.event_at) if form.event_at else None
    if not form.event_at:
        errors.append(("no_event", {}))
    elif checked.event_at is None:
        errors.append(("bad_event", {"value": form.event_at}))
    elif checked.event_at <= now:
        errors.append(("past_event", {"when": local(checked.event_at)}))
    elif checked.send_at is not None and checked.event_at <= checked.send_at:
        errors.append(("event_before_send", {"event": local(checked.event_at), "send": local(checked.send_at)}))
    if form.signup_limit:
        limit = whole_number(form.signup_limit)
        if limit is None or not 1 <= limit <= MAX_LIMIT:
            errors.append(("bad_limit", {"value": form.signup_limit, "most": MAX_LIMIT}))
        checked.limit = limit


def whole_number(value: str) -> int | None:
    """'30' → 30; anything but ASCII digits (a sign, «hai chục», '²') → None."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else None


def parse_local(value: str) -> datetime | None:
    """'2026-12-05T08:00' (Vietnam time, seconds allowed) → UTC; None when it is no such moment, or a year
    no notice is for (the year 1 or 9999 would not even convert between local time and UTC)."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is not None or "T" not in value or not MIN_YEAR <= moment.year <= MAX_YEAR:
        return None
    return utc(moment.replace(second=0, microsecond=0))


def local_input(moment_utc: datetime | None) -> str:
    return local(moment_utc).strftime(LOCAL_INPUT) if moment_utc else ""


def fill(announcement: Announcement, form: NoticeForm, checked: Checked) -> None:
    """Write the form into the draft (its photo is set apart: it needs Zalo's upload)."""
    announcement.text, announcement.urgent = form.text, form.urgent
    announcement.send_at = checked.send_at  # a draft's chosen time; «Hẹn giờ» offers it, the announcer ignores drafts
    announcement.signup_title = form.signup_title if form.signup else None
    announcement.event_at = checked.event_at if form.signup else None
    announcement.signup_limit = checked.limit if form.signup else None


def form_of(announcement: Announcement, group_names: list[str]) -> NoticeForm:
    """The form again from a draft («Sửa»)."""
    return NoticeForm(text=announcement.text, groups=tuple(group_names), urgent=bool(announcement.urgent),
                      send_at=local_input(announcement.send_at), signup=bool(announcement.signup_title),
                      signup_title=announcement.signup_title or "", event_at=local_input(announcement.event_at),
                      signup_limit=str(announcement.signup_limit or ""), draft=announcement.id)
