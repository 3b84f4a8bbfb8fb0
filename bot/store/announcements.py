"""Announcements, their one-row-per-recipient deliveries, and the member groups they target."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from bot.store.driver import Hot
from bot.store.members import WINDOW
from bot.store.models import Announcement, Delivery, Member, MemberGroup, OutboxMessage, utcnow
from bot.store.upsert import insert_ignoring_conflicts

GROUP_PREFIX = "group:"  # deliveries to a Zalo group (GMF) are keyed "group:<group id>"


# Asked for every message a member sends (did a notice wait for them to write?): built once.
_WAITING = (Delivery.oa_id == bindparam("oa_id"), Delivery.recipient == bindparam("user_id"),
            Delivery.status == "waiting", Announcement.status.in_(("sending", "done")),
            Announcement.created_at >= bindparam("since"))
WAITING_FOR_MEMBER = (select(Delivery, Announcement).join(Announcement, Announcement.id == Delivery.announcement_id)
                      .where(*_WAITING).order_by(Announcement.id))
# Asked for every message, and almost always nothing waits: a one-column Core select first.
ANY_WAITING = Hot(select(Delivery.id).join(Announcement, Announcement.id == Delivery.announcement_id)
               .where(*_WAITING).limit(1))


class AnnouncementRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def add(self, text: str, created_by: str, groups: list[str] = (), zalo_groups: list[str] = (),
            urgent: bool = False, status: str = "draft", send_at: datetime | None = None,
            image_url: str | None = None) -> Announcement:
        row = Announcement(oa_id=self.oa_id, text=text, image_url=image_url, groups=json.dumps(list(groups),
                           ensure_ascii=False), zalo_groups=json.dumps(list(zalo_groups)), urgent=urgent,
                           status=status, created_by=created_by, created_at=utcnow(), send_at=send_at)
        self.session.add(row)
        self.session.flush()
        return row

    def get(self, announcement_id: int) -> Announcement | None:
        row = self.session.get(Announcement, announcement_id)
        return row if row is not None and row.oa_id == self.oa_id else None

    def listing(self, limit: int = 50, statuses: tuple[str, ...] = ()) -> list[Announcement]:
        query = select(Announcement).where(Announcement.oa_id == self.oa_id, Announcement.status != "draft")
        if statuses:
            query = query.where(Announcement.status.in_(statuses))
        return list(self.session.scalars(query.order_by(Announcement.id.desc()).limit(limit)))

    def due(self, now: datetime) -> list[Announcement]:
        """Scheduled ones whose time has come, and ones left half-sent (a restart resumes them)."""
        return list(self.session.scalars(select(Announcement).where(
            Announcement.oa_id == self.oa_id,
            or_(Announcement.status == "sending",
                (Announcement.status == "scheduled") & (Announcement.send_at <= now)))
            .order_by(Announcement.send_at, Announcement.id)))

    def set_status(self, announcement_id: int, status: str, from_statuses: tuple[str, ...], **values) -> bool:
        """Move to `status` only from one of `from_statuses`; False when it was elsewhere."""
        result = self.session.execute(update(Announcement).where(
            Announcement.id == announcement_id, Announcement.oa_id == self.oa_id,
            Announcement.status.in_(from_statuses)).values(status=status, **values))
        return result.rowcount == 1

    def keep_upload(self, announcement_id: int, attachment_id: str, now: datetime) -> None:
        """Zalo's attachment id of the announcement's photo, and when it was uploaded."""
        self.session.execute(update(Announcement).where(
            Announcement.id == announcement_id, Announcement.oa_id == self.oa_id).values(
            image_attachment_id=attachment_id, image_uploaded_at=now))

    # --- deliveries -------------------------------------------------------------------------------

    def has_deliveries(self, announcement_id: int) -> bool:
        return self.session.scalar(select(Delivery.id).where(
            Delivery.announcement_id == announcement_id).limit(1)) is not None

    def write_deliveries(self, announcement_id: int, recipients: list[tuple[str, str]]) -> None:
        """One row per (announcement, recipient) with its first status; rows already there stay."""
        now = utcnow()
        for start in range(0, len(recipients), 500):
            rows = [{"oa_id": self.oa_id, "announcement_id": announcement_id, "recipient": recipient,
                     "status": status, "updated_at": now} for recipient, status in recipients[start:start + 500]]
            statement = insert_ignoring_conflicts(self.session, Delivery, ["announcement_id", "recipient"])
            self.session.execute(statement, rows)

    def pending(self, announcement_id: int, limit: int) -> list[Delivery]:
        return list(self.session.scalars(select(Delivery).where(
            Delivery.announcement_id == announcement_id, Delivery.status == "pending")
            .order_by(Delivery.id).limit(limit)))

    def mark_queued(self, delivery: Delivery, outbox_ids: list[int]) -> None:
        delivery.status = "queued"
        delivery.outbox_ids = ",".join(str(i) for i in outbox_ids)
        delivery.updated_at = utcnow()

    def queued(self, announcement_id: int) -> list[tuple[Delivery, list[OutboxMessage]]]:
        """Deliveries handed to the outbox, each with its outbox rows."""
        deliveries = list(self.session.scalars(select(Delivery).where(
            Delivery.announcement_id == announcement_id, Delivery.status == "queued")))
        ids = [int(i) for d in deliveries for i in (d.outbox_ids or "").split(",") if i]
        rows = {}
        for start in range(0, len(ids), 500):
            rows.update({r.id: r for r in self.session.scalars(
                select(OutboxMessage).where(OutboxMessage.id.in_(ids[start:start + 500])))})
        return [(d, [rows[int(i)] for i in (d.outbox_ids or "").split(",") if i and int(i) in rows])
                for d in deliveries]

    def settle(self, delivery: Delivery, status: str, code: int | None = None, message: str | None = None) -> None:
        delivery.status, delivery.error_code = status, code
        delivery.error_message = (message or None) and message[:2000]
        delivery.updated_at = utcnow()

    def counts(self, announcement_id: int) -> dict[str, int]:
        return dict(self.session.execute(select(Delivery.status, func.count()).where(
            Delivery.announcement_id == announcement_id).group_by(Delivery.status)).all())

    def failures(self, announcement_id: int) -> list[tuple[int | None, str | None, int]]:
        """(Zalo error code, message, how many) of the failed deliveries."""
        return list(self.session.execute(select(Delivery.error_code, Delivery.error_message, func.count()).where(
            Delivery.announcement_id == announcement_id, Delivery.status == "failed")
            .group_by(Delivery.error_code, Delivery.error_message)).all())

    def take_waiting(self, user_id: str, since: datetime) -> list[Announcement]:
        """Notices that waited for this member to write (sent since `since`), oldest first, marked delivered."""
        self.session.flush()  # a delivery changed in this unit counts as changed
        which = {"oa_id": self.oa_id, "user_id": user_id, "since": since}
        if ANY_WAITING.scalar(self.session, which) is None:
            return []
        rows = list(self.session.execute(WAITING_FOR_MEMBER, which).all())
        for delivery, _announcement in rows:
            self.settle(delivery, "delivered")
        return [announcement for _delivery, announcement in rows]

    def opt_out_waiting(self, user_id: str) -> None:
        self.session.execute(update(Delivery).where(
            Delivery.oa_id == self.oa_id, Delivery.recipient == user_id, Delivery.status == "waiting")
            .values(status="opted_out", updated_at=utcnow()))

    # --- audience -------------------------------------------------------------------------------

    def audience(self, group_keys: list[str]) -> list[Member]:
        """Members an announcement is for: everyone who follows or has written to the OA and has not
        unfollowed it since, or such members of the named groups."""
        return list(self.session.scalars(self._audience(select(Member), group_keys).order_by(Member.id)))

    def audience_size(self, group_keys: list[str]) -> int:
        return self.session.scalar(self._audience(select(func.count(Member.id)), group_keys)) or 0

    def _audience(self, query, group_keys: list[str]):
        query = query.where(Member.oa_id == self.oa_id, Member.unfollowed_at.is_(None),
                            or_(Member.is_follower.is_(True), Member.last_interaction_at.is_not(None)))
        if group_keys:
            query = query.where(Member.user_id.in_(select(MemberGroup.user_id).where(
                MemberGroup.oa_id == self.oa_id, MemberGroup.name_key.in_(group_keys))))
        return query

    # --- the dashboard's notice board (bot/services/notice_board.py) --------------------------------

    def board(self, created_by: str, limit: int = 100) -> list[Announcement]:
        """Every announcement but other people's drafts, newest first."""
        return list(self.session.scalars(select(Announcement).where(
            Announcement.oa_id == self.oa_id,
            or_(Announcement.status != "draft", Announcement.created_by == created_by))
            .order_by(Announcement.id.desc()).limit(limit)))

    def reach(self, group_keys: list[str], now: datetime) -> tuple[int, int]:
        """(members an announcement to these groups, or to everyone, is for; those of them it reaches at
        once: inside Zalo's 7-day window now and not stopped)."""
        members, at_once = self.session.execute(self._audience(select(
            func.count(Member.id), func.count(Member.id).filter(self._reachable_now(now))), group_keys)).one()
        return members, at_once or 0

    def reach_by_group(self, now: datetime) -> dict[str, tuple[int, int]]:
        """Each group's key → `reach` of that group alone, in one query (groups nobody is reached in are missing)."""
        query = select(MemberGroup.name_key, func.count(Member.id),
                       func.count(Member.id).filter(self._reachable_now(now))).select_from(Member).join(
            MemberGroup, (MemberGroup.user_id == Member.user_id) & (MemberGroup.oa_id == Member.oa_id))
        query = self._audience(query, []).where(MemberGroup.oa_id == self.oa_id).group_by(MemberGroup.name_key)
        return {key: (members, at_once or 0) for key, members, at_once in self.session.execute(query)}

    def _reachable_now(self, now: datetime):
        return (Member.last_interaction_at > now - WINDOW) & Member.announcements_off.is_(False)

    def not_received(self, announcement_id: int, limit: int = 1000) -> list[tuple[Delivery, Member | None]]:
        """People an announcement has not reached (yet), each with their member row: still to send, being
        sent, waiting for them to write, failed, stopped; Zalo groups left out."""
        return [(delivery, member) for delivery, member in self.session.execute(
            select(Delivery, Member).outerjoin(Member, (Member.oa_id == Delivery.oa_id)
                                               & (Member.user_id == Delivery.recipient))
            .where(Delivery.oa_id == self.oa_id, Delivery.announcement_id == announcement_id,
                   Delivery.status.in_(("pending", "queued", "waiting", "failed", "opted_out")),
                   Delivery.recipient.not_like(GROUP_PREFIX + "%"))
            .order_by(Delivery.status, Delivery.id).limit(limit))]
