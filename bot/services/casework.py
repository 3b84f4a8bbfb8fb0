"""Following up requests: status changes (the resident is told), assignment, notes, report follow-ups,
and the numbers leaders ask for. Used by the dashboard, chat commands and scheduled jobs."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from bot import texts
from bot.clock import local, utc
from bot.flows import state as conversation
from bot.flows.promises import promise_state
from bot.flows.review import review
from bot.flows.state import Mode, State
from bot.replies import Choices, Reply, Text, To
from bot.store import UnitOfWork
from bot.store.casework import OPEN
from bot.store.members import in_window
from bot.store.models import ServiceRequest

FOLLOW_UP_AFTER = timedelta(days=3)
REPORT_KIND = "phan_anh"
ANONYMOUS_FIELD = "keep_anonymous"  # a report's «gửi mà không để lại tên?» (config/procedures/phan_anh.yaml)
STATUSES = ("moi", "dang_xu_ly", "cho_bo_sung", "da_xong", "da_huy")


def tell_resident(uow: UnitOfWork, user_id: str, text: str, kind: str, now: datetime) -> list[To]:
    """Send now inside the 7-day window; otherwise keep it for the resident's next message."""
    if in_window(uow.members.get(user_id), now):
        return [To(user_id, Text(text))]
    uow.notices.hold(user_id, kind, text)
    return []


def change_status(uow: UnitOfWork, request: ServiceRequest, status: str, actor_id: str, actor_name: str,
                  now: datetime, hood_phone: str, tell: bool = True) -> list[To]:
    """Move a request to a new status, record who did it, and tell the resident what happens next (unless
    the caller tells them in its own words: a handoff's claim and close do)."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status}")
    if status == request.status:
        return []
    uow.casework.record(request.id, actor_id, actor_name, "status", request.status, status)
    request.status, request.updated_at = status, now
    followers = tell_followers(uow, request, now) if tell else []  # those who chose to follow this report
    request.follow_up_at = now + FOLLOW_UP_AFTER if status == "da_xong" and request.kind == REPORT_KIND else None
    if not tell:
        return []
    assignee = uow.staff.get(request.assignee_id or "")
    text = texts.STATUS_NOTICE.format(code=request.code, status=texts.STATUS_LABELS[status],
                                      next=texts.STATUS_NEXT[status].format(
                                          who=assignee.name if assignee else texts.WHO_DEFAULT, phone=hood_phone))
    return tell_resident(uow, request.user_id, text, "status", now) + followers


def tell_followers(uow: UnitOfWork, request: ServiceRequest, now: datetime) -> list[To]:
    """Tell the residents following a report (instead of filing the same one) its new status."""
    text = texts.FOLLOWER_STATUS_NOTICE.format(code=request.code, status=texts.STATUS_LABELS[request.status])
    return [message for user_id in uow.requests.followers_of(request.id)
            for message in tell_resident(uow, user_id, text, "status", now)]


def is_anonymous(request: ServiceRequest) -> bool:
    """A report the resident sent without a name (phan_anh.yaml `keep_anonymous`)."""
    try:
        answers = json.loads(request.answers or "{}")
    except ValueError:
        return False
    return isinstance(answers, dict) and answers.get(ANONYMOUS_FIELD) == "Có"


def assign(uow: UnitOfWork, request: ServiceRequest, staff_id: str | None, actor_id: str, actor_name: str,
           now: datetime, catalog=None) -> list[To]:
    """Give the request to a staff member (or nobody), record it, and tell the new assignee in chat."""
    if staff_id == request.assignee_id:
        return []
    old = uow.staff.get(request.assignee_id or "")
    new = uow.staff.get(staff_id or "")
    uow.casework.record(request.id, actor_id, actor_name, "assignee", old.name if old else None,
                        new.name if new else None)
    request.assignee_id, request.updated_at = (new.zalo_id if new else None), now
    if new is None or new.zalo_id == actor_id:
        return []
    kind = kind_title(catalog, request.kind) if catalog is not None else request.kind
    return [To(new.zalo_id, Text(texts.ASSIGNED_TO_YOU.format(code=request.code, kind=kind, by=actor_name)),
               about=request.user_id)]


def add_note(uow: UnitOfWork, request: ServiceRequest, note: str, actor_id: str, actor_name: str) -> None:
    uow.casework.record(request.id, actor_id, actor_name, "note", None, note.strip()[:2000])


def follow_up_tick(uow: UnitOfWork, now: datetime) -> list[To]:
    """A few days after a report is done, ask the resident whether it really was handled."""
    out: list[To] = []
    for request in uow.casework.due_follow_ups(now):
        request.follow_up_at = None
        state = State.from_dict(uow.conversations.get(request.user_id))
        if state.mode not in (Mode.MENU, Mode.CHOOSE, Mode.RATE):  # an unanswered rating is no conversation
            continue  # busy in a conversation: don't interrupt it
        uow.conversations.save(request.user_id, conversation.follow_up(request.id).to_dict())
        out.append(To(request.user_id, Choices(texts.FOLLOW_UP_QUESTION.format(code=request.code),
                                               texts.FOLLOW_UP_OPTIONS)))
    return out


def follow_up_answer(uow: UnitOfWork, user_id: str, request_id: int | None, answer: int,
                     now: datetime) -> list[Reply]:
    """«Rồi» closes the loop; «Chưa» reopens the report and tells the leaders."""
    request = uow.casework.get(request_id) if request_id is not None else None
    uow.conversations.save(user_id, conversation.menu().to_dict())
    if request is None or answer == 0:
        return [Text(texts.FOLLOW_UP_THANKS)]
    uow.casework.record(request.id, "resident", texts.RESIDENT, "reopened", request.status, "moi")
    request.status, request.updated_at = "moi", now
    leaders = [s.zalo_id for s in uow.staff.with_role("leader")]
    notice = texts.FOLLOW_UP_REOPENED_STAFF.format(code=request.code)
    return [Text(texts.FOLLOW_UP_REOPENED.format(code=request.code))] + [To(l, Text(notice)) for l in leaders]


def month_start(now: datetime) -> datetime:
    """UTC time the current local month began."""
    day = local(now)
    return utc(day.replace(day=1, hour=0, minute=0, second=0, microsecond=0))


def statistics_text(uow: UnitOfWork, catalog, now: datetime) -> str:
    """«thống kê»: this month's counts by kind, status and channel."""
    since = month_start(now)
    lines = [texts.STATS_TITLE.format(month=local(now).strftime("%m/%Y"),
                                      total=sum(uow.casework.counts("kind", since).values()))]
    namers = ((texts.STATS_BY_KIND, "kind", lambda key: kind_title(catalog, key)),
              (texts.STATS_BY_STATUS, "status", lambda key: texts.STATUS_LABELS.get(key, key)),
              (texts.STATS_BY_CHANNEL, "channel", lambda key: texts.CHANNEL_LABELS.get(key, texts.NONE)))
    for title, column, name in namers:
        lines.append(title)
        counts = uow.casework.counts(column, since)
        lines += [f"- {name(key)}: {n}" for key, n in sorted(counts.items(), key=lambda kv: -kv[1])]
    return "\n".join(lines)


def kind_title(catalog, kind: str) -> str:
    procedure = catalog.procedures.get(kind)
    return procedure.title if procedure else texts.KIND_TITLES.get(kind, kind)


def open_requests_text(uow: UnitOfWork, catalog, now: datetime) -> str:
    """«yêu cầu mới»: open requests, oldest first."""
    rows = uow.casework.open_oldest_first()
    if not rows:
        return texts.OPEN_NONE
    lines = [texts.OPEN_TITLE.format(n=len(rows))]
    for row in rows:
        days = (now - row.created_at).days
        line = texts.OPEN_LINE.format(code=row.code, kind=kind_title(catalog, row.kind),
                                      status=texts.STATUS_LABELS[row.status], days=days)
        line += PROMISE_MARKS[promise_state(row.due_at, now, catalog.working_time, is_answered(row))]
        line = texts.ANONYMOUS_MARK + line if is_anonymous(row) else line  # sent without a name
        lines.append(texts.URGENT_MARK + line if row.urgent else line)
    return "\n".join(lines)


def digest_text(uow: UnitOfWork, catalog, now: datetime, overdue_days: int = 3) -> str:
    """The evening digest: new today, overdue, done today."""
    today = utc(local(now).replace(hour=0, minute=0, second=0, microsecond=0))
    new = uow.casework.created_between(today, today + timedelta(days=1))
    overdue = [r for r in uow.casework.open_oldest_first(200) if now - r.created_at > timedelta(days=overdue_days)]
    done = uow.casework.finished_between(today, today + timedelta(days=1))
    urgent = [r.code for r in uow.casework.open_oldest_first(200) if r.urgent]
    digest = texts.DIGEST.format(day=local(now).strftime("%d/%m"), new=len(new), overdue=len(overdue),
                                 done=done, codes=", ".join(r.code for r in overdue[:10]) or texts.NONE)
    if local(now).day == 1:  # once a month: the procedure files that need a look
        if findings := review(catalog.procedures, local(now).date()):
            digest += "\n" + texts.DIGEST_REVIEW.format(n=len(findings), files=", ".join(
                sorted({f.procedure for f in findings})[:8]))
    digest += promises_line(uow.casework.open_oldest_first(200), catalog, now)
    return (texts.DIGEST_URGENT.format(codes=", ".join(urgent)) + "\n" + digest) if urgent else digest


# --- promised times (bot/flows/promises.py) ---------------------------------------------------------------
PROMISE_MARKS = {"overdue": texts.PROMISE_OVERDUE_MARK, "near": texts.PROMISE_NEAR_MARK, "": ""}


def is_answered(request: ServiceRequest) -> bool:
    """A person took it up: moved on from «Mới», or given to someone (its promise no longer runs)."""
    return request.status != "moi" or request.assignee_id is not None


def promises_line(rows: list[ServiceRequest], catalog, now: datetime) -> str:
    """The digest's line of requests past or near their promise (nothing when there are none)."""
    states = {row.code: promise_state(row.due_at, now, catalog.working_time, is_answered(row)) for row in rows}
    overdue = [code for code, state in states.items() if state == "overdue"]
    near = [code for code, state in states.items() if state == "near"]
    if not overdue and not near:
        return ""
    return "\n" + texts.DIGEST_PROMISES.format(overdue=", ".join(overdue[:10]) or texts.NONE,
                                               near=", ".join(near[:10]) or texts.NONE)


def is_open(request: ServiceRequest) -> bool:
    return request.status in OPEN
