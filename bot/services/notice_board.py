"""The leaders' notice board on the dashboard: every announcement with its numbers, whom each group
reaches, who has not received one yet, and what a resident sees. Plain functions over a unit of work;
bot/admin/notices.py is the web side, bot/services/announcements.py the rules it shares with the chat."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.flows.text import normalize
from bot.privacy import masking
from bot.replies import Choices, Image, Text, numbered
from bot.services import announcements as notices
from bot.services import signups
from bot.services.groups import display_name
from bot.store import UnitOfWork
from bot.store.models import Announcement


@dataclass(frozen=True)
class BoardRow:
    announcement: Announcement
    groups: list[str]  # none: everyone
    zalo_groups: int
    numbers: dict[str, int]  # bot/services/announcements.py report_counts
    reasons: list[tuple[str, int]]  # why deliveries failed, most frequent first
    signup: dict[str, int] | None  # bot/services/signups.py counts, for a sign-up


@dataclass(frozen=True)
class Reach:
    name: str  # "" for everyone
    members: int
    at_once: int  # inside Zalo's 7-day window now, not stopped: they get it at once


@dataclass(frozen=True)
class NotReached:
    name: str
    phone: str  # masked
    status: str  # pending | queued | waiting | failed | opted_out
    reason: str  # for a failed one


@dataclass(frozen=True)
class Part:
    """One message a resident receives, as the dashboard shows it."""

    kind: str  # text | image | choices
    text: str = ""
    buttons: tuple[str, ...] = ()
    photo_url: str = ""  # a photo sent by address (chat's); a kept photo is the announcement's own


def keys(announcement: Announcement) -> list[str]:
    return [normalize(name) for name in notices.group_names(announcement)]


def board(uow: UnitOfWork, leader_id: str, limit: int = 100) -> list[BoardRow]:
    """Every announcement (chat, CLI, dashboard) but other leaders' drafts, newest first."""
    return [row(uow, a) for a in uow.announcements.board(leader_id, limit)]


def row(uow: UnitOfWork, announcement: Announcement) -> BoardRow:
    a = announcement
    return BoardRow(a, notices.group_names(a), len(notices.zalo_groups(a)), notices.report_counts(uow, a),
                    notices.failure_reasons(uow, a), signups.counts(uow, a) if a.signup_title else None)


def group_reach(uow: UnitOfWork, now: datetime) -> list[Reach]:
    """Each group (empty ones too), in name order, with whom an announcement to it alone reaches."""
    counts = uow.announcements.reach_by_group(now)
    return [Reach(name, *counts.get(normalize(name), (0, 0))) for name in uow.groups.sizes()]


def everyone_reach(uow: UnitOfWork, now: datetime) -> Reach:
    return Reach("", *uow.announcements.reach([], now))


def reach_of(uow: UnitOfWork, announcement: Announcement, now: datetime) -> Reach:
    return Reach("", *uow.announcements.reach(keys(announcement), now))


def not_received(uow: UnitOfWork, announcement: Announcement) -> list[NotReached]:
    """Who has not received it yet, by the name they registered and a masked phone; never their messages."""
    return [NotReached(display_name(member, delivery.recipient), masking.phone(member.phone if member else None),
                       delivery.status, notices.reason(delivery.error_code) if delivery.status == "failed" else "")
            for delivery, member in uow.announcements.not_received(announcement.id)]


def parts(announcement: Announcement) -> list[Part]:
    """What a member receives (bot/services/announcements.py `message`), message by message: a question
    as the numbered text Zalo shows, with its buttons' titles."""
    shown = []
    for reply in notices.message(announcement):
        if isinstance(reply, Choices):
            shown.append(Part("choices", numbered(reply.text, reply.options), tuple(reply.button_titles())))
        elif isinstance(reply, Image):
            shown.append(Part("image", reply.caption, photo_url=reply.url))
        elif isinstance(reply, Text):
            shown.append(Part("text", reply.text))
    return shown
