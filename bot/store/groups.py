"""Named groups of members (tags): «cán bộ», «người cao tuổi», «khu A». Callers give each name with
its key (the name as residents' text is matched: no diacritics, no case). A group stays, empty or
not, until it is deleted."""
from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.store.models import Member, MemberGroup, NamedGroup, utcnow
from bot.store.upsert import insert_ignoring_conflicts


class GroupRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def create(self, name: str, key: str) -> str:
        """Make the group if it is new; return its name as first written."""
        self.session.execute(insert_ignoring_conflicts(self.session, NamedGroup, ["oa_id", "name_key"],
                                                       oa_id=self.oa_id, name=name.strip()[:64],
                                                       name_key=key[:64], created_at=utcnow()))
        return self.find(key) or name

    def add(self, name: str, key: str, user_id: str) -> bool:
        """Put the member in the group (made on first use); False if they were in it already."""
        stored = self.create(name, key)
        statement = insert_ignoring_conflicts(self.session, MemberGroup, ["oa_id", "name_key", "user_id"],
                                              oa_id=self.oa_id, name=stored, name_key=key[:64], user_id=user_id)
        # RETURNING, not rowcount: psycopg reports -1 rows for INSERT … ON CONFLICT DO NOTHING here.
        return self.session.scalar(statement.returning(MemberGroup.id)) is not None

    def remove(self, key: str, user_id: str) -> bool:
        result = self.session.execute(delete(MemberGroup).where(
            MemberGroup.oa_id == self.oa_id, MemberGroup.name_key == key, MemberGroup.user_id == user_id))
        return result.rowcount > 0

    def delete(self, key: str) -> int:
        """Remove the whole group; return how many members it had."""
        count = self.session.execute(delete(MemberGroup).where(
            MemberGroup.oa_id == self.oa_id, MemberGroup.name_key == key)).rowcount
        self.session.execute(delete(NamedGroup).where(NamedGroup.oa_id == self.oa_id, NamedGroup.name_key == key))
        return count

    def sizes(self) -> dict[str, int]:
        """Each group's name and how many members it has, empty groups included."""
        counts = select(MemberGroup.name_key, func.count().label("n")).where(
            MemberGroup.oa_id == self.oa_id).group_by(MemberGroup.name_key).subquery()
        rows = self.session.execute(select(NamedGroup.name, func.coalesce(counts.c.n, 0)).outerjoin(
            counts, counts.c.name_key == NamedGroup.name_key).where(NamedGroup.oa_id == self.oa_id)
            .order_by(NamedGroup.name))
        return {name: count for name, count in rows}

    def find(self, key: str) -> str | None:
        """The group's name as first written, for its key; None if no such group."""
        return self.session.scalar(select(NamedGroup.name).where(
            NamedGroup.oa_id == self.oa_id, NamedGroup.name_key == key))

    def members(self, key: str) -> list[Member]:
        """The group's members, in the order they were added."""
        return list(self.session.scalars(select(Member).join(MemberGroup, (MemberGroup.user_id == Member.user_id) & (
            MemberGroup.oa_id == Member.oa_id)).where(MemberGroup.oa_id == self.oa_id, MemberGroup.name_key == key)
            .order_by(MemberGroup.id)))

    def user_ids(self, key: str) -> list[str]:
        return list(self.session.scalars(select(MemberGroup.user_id).where(
            MemberGroup.oa_id == self.oa_id, MemberGroup.name_key == key).order_by(MemberGroup.id)))

    def of_user(self, user_id: str) -> list[tuple[str, str]]:
        """(name, key) of every group the member is in."""
        return [(name, key) for name, key in self.session.execute(select(MemberGroup.name, MemberGroup.name_key).where(
            MemberGroup.oa_id == self.oa_id, MemberGroup.user_id == user_id).order_by(MemberGroup.name))]
