"""Ward announcements: who they reach, what residents receive, quiet hours, and the leader's report.

Plain functions over a unit of work; bot/announcer.py does the sending, bot/handlers/announce.py the chat."""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta

from bot import texts
from bot.clock import local, utc
from bot.replies import Image, Reply, Text
from bot.services import signups
from bot.store import UnitOfWork
from bot.store.announcements import GROUP_PREFIX
from bot.store.members import in_window
from bot.store.models import Announcement

WAITING_KEPT = timedelta(days=30)  # a notice older than this is no longer worth delivering late
WINDOW_CODES = (-230, -232)  # Zalo: not interacted in 7 days; such deliveries wait for the next message


def group_names(announcement: Announcement) -> list[str]:
    return json.loads(announcement.groups or "[]")


def zalo_groups(announcement: Announcement) -> list[str]:
    return json.loads(announcement.zalo_groups or "[]")


def excerpt(text: str, size: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size - 1].rstrip() + "…"


def recipients(uow: UnitOfWork, announcement: Announcement, group_keys: list[str],
               now: datetime) -> list[tuple[str, str]]:
    """(recipient, first status) for everyone the announcement is for: 'pending' (send now),
    'waiting' (outside Zalo's 7-day window: on their next message) or 'opted_out'."""
    rows = []
    for member in uow.announcements.audience(group_keys):
        if member.announcements_off:
            status = "opted_out"
        elif not in_window(member, now):
            status = "waiting"
        else:
            status = "pending"
        rows.append((member.user_id, status))
    rows += [(GROUP_PREFIX + group_id, "pending") for group_id in zalo_groups(announcement)]
    return rows


def message(announcement: Announcement) -> list[Reply]:
    """What a member receives: the notice under a header, then the photo if there is one, then the
    sign-up question if it asks for one."""
    header = texts.ANNOUNCE_HEADER_URGENT if announcement.urgent else texts.ANNOUNCE_HEADER
    replies: list[Reply] = [Text(f"{header}\n{announcement.text}")]
    if announcement.image_data:
        replies.append(Image("", announcement=announcement.id))
    elif announcement.image_url:
        replies.append(Image(announcement.image_url))
    if announcement.signup_title:
        replies.append(signups.question(announcement))
    return replies


def group_post(announcement: Announcement) -> str:
    """The text posted to a Zalo group (groups take no buttons; the photo goes as a link; a sign-up is
    answered in the OA's chat)."""
    header = texts.ANNOUNCE_HEADER_URGENT if announcement.urgent else texts.ANNOUNCE_HEADER
    photo = f"\n{announcement.image_url}" if announcement.image_url else ""
    signup = texts.SIGNUP_GROUP_NOTE if announcement.signup_title else ""
    return f"{header}\n{announcement.text}{photo}{signup}"


def waiting_replies(uow: UnitOfWork, user_id: str, now: datetime) -> list[list[Reply]]:
    """Notices that waited for this member's message, each as the replies to send (marked delivered)."""
    return [message(a) for a in uow.announcements.take_waiting(user_id, since=now - WAITING_KEPT)]


def reach_text(uow: UnitOfWork, announcement: Announcement, group_keys: list[str]) -> str:
    members = uow.announcements.audience_size(group_keys)
    names = group_names(announcement)
    reach = (texts.ANNOUNCE_REACH_GROUPS.format(n=members, groups=", ".join(names)) if names
             else texts.ANNOUNCE_REACH_ALL.format(n=members))
    return reach + (texts.ANNOUNCE_REACH_ZALO if zalo_groups(announcement) else "")


def preview_text(uow: UnitOfWork, announcement: Announcement, group_keys: list[str]) -> str:
    return texts.ANNOUNCE_PREVIEW.format(
        id=announcement.id, urgent=texts.ANNOUNCE_URGENT_MARK if announcement.urgent else "",
        text=announcement.text, photo=texts.ANNOUNCE_PHOTO_MARK if announcement.image_url else "",
        reach=reach_text(uow, announcement, group_keys),
        hint="" if announcement.image_url else "\n" + texts.ANNOUNCE_PHOTO_HINT)


# --- quiet hours ------------------------------------------------------------------------------------

def in_quiet_hours(now_utc: datetime, quiet: tuple[int, int] | None) -> bool:
    if quiet is None:
        return False
    start, end = quiet
    hour = local(now_utc).hour
    return (start <= hour or hour < end) if start > end else (start <= hour < end)


def quiet_hours_end(now_utc: datetime, quiet: tuple[int, int]) -> datetime:
    """The UTC moment the current quiet hours end (the next `end` o'clock, local)."""
    here = local(now_utc)
    end = here.replace(hour=quiet[1], minute=0, second=0, microsecond=0)
    if end <= here:
        end += timedelta(days=1)
    return utc(end)


def when_text(moment_utc: datetime) -> str:
    return local(moment_utc).strftime("%H:%M ngày %d/%m/%Y")


# --- report ------------------------------------------------------------------------------------------

def reason(code: int | None) -> str:
    if code in texts.ANNOUNCE_REASONS:
        return texts.ANNOUNCE_REASONS[code]
    if code is None or code >= 500 or code == -1:
        return texts.ANNOUNCE_REASON_SERVER
    return texts.ANNOUNCE_REASON_OTHER.format(code=code)


def failure_reasons(uow: UnitOfWork, announcement: Announcement) -> list[tuple[str, int]]:
    """Why deliveries failed, in words, with how many people each: the most frequent first."""
    people = Counter()
    for code, _message, count in uow.announcements.failures(announcement.id):
        people[reason(code)] += count
    return people.most_common()


def report_text(uow: UnitOfWork, announcement: Announcement) -> str:
    counts = uow.announcements.counts(announcement.id)
    reasons = "".join(texts.ANNOUNCE_REASON_LINE.format(count=n, reason=why)
                      for why, n in failure_reasons(uow, announcement))
    text = texts.ANNOUNCE_REPORT.format(
        id=announcement.id, excerpt=excerpt(announcement.text), sent=counts.get("sent", 0) + counts.get("delivered", 0),
        waiting=counts.get("waiting", 0), opted_out=counts.get("opted_out", 0), failed=counts.get("failed", 0),
        reasons=reasons)
    return text


def report_counts(uow: UnitOfWork, announcement: Announcement) -> dict[str, int]:
    """sent (delivered late included), waiting, opted_out, failed, in_progress: for lists and the CLI."""
    counts = uow.announcements.counts(announcement.id)
    return {"sent": counts.get("sent", 0) + counts.get("delivered", 0), "waiting": counts.get("waiting", 0),
            "opted_out": counts.get("opted_out", 0), "failed": counts.get("failed", 0),
            "in_progress": counts.get("pending", 0) + counts.get("queued", 0)}
