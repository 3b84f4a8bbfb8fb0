"""Staff: leaders and volunteers, looked up by Zalo id on every staff command."""
from __future__ import annotations

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from bot.store.driver import Hot
from bot.store.models import Shift, Staff, utcnow
from bot.store.staff_sessions import StaffSessionRepository

ROLES = ("leader", "volunteer")
# werkzeug's method for dashboard passwords: scrypt, about 0.13 s of CPU per hash or check, which is the
# point against guessing. Tests set a cheap one (tests/conftest.py): they hash hundreds of passwords.
PASSWORD_METHOD = "scrypt"


# Looked up for every message (is the sender staff?): built once.
ROLE_OF = Hot(select(Staff.role).where(Staff.oa_id == bindparam("oa_id"), Staff.zalo_id == bindparam("zalo_id")))


class StaffRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def get(self, zalo_id: str) -> Staff | None:
        return self.session.scalar(
            select(Staff).where(Staff.oa_id == self.oa_id, Staff.zalo_id == zalo_id))

    def role_of(self, zalo_id: str) -> str | None:
        """Return 'leader', 'volunteer' or None for a resident."""
        return ROLE_OF.scalar(self.session, {"oa_id": self.oa_id, "zalo_id": zalo_id})

    def add(self, zalo_id: str, name: str, role: str) -> Staff:
        """Add a staff member, or update the name and role of an existing one."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        staff = self.get(zalo_id)
        if staff is None:
            staff = Staff(oa_id=self.oa_id, zalo_id=zalo_id, created_at=utcnow())
            self.session.add(staff)
        staff.name, staff.role = name, role
        self.session.flush()
        return staff

    def remove(self, zalo_id: str) -> bool:
        """Remove a staff member and end their dashboard sessions (added back later, they log in again)."""
        result = self.session.execute(
            delete(Staff).where(Staff.oa_id == self.oa_id, Staff.zalo_id == zalo_id))
        StaffSessionRepository(self.session, self.oa_id).revoke_all(zalo_id, utcnow())
        return result.rowcount == 1

    def list(self) -> list[Staff]:
        return list(self.session.scalars(
            select(Staff).where(Staff.oa_id == self.oa_id).order_by(Staff.role, Staff.name)))

    def with_role(self, role: str) -> list[Staff]:
        return [s for s in self.list() if s.role == role]

    def set_duty(self, zalo_id: str, on_until=None, off_until=None) -> None:
        """«trực» sets on-duty until the office closes today, «nghỉ» the opposite."""
        staff = self.get(zalo_id)
        if staff is not None:
            staff.on_duty_until, staff.off_duty_until = on_until, off_until

    def shifts(self) -> list[Shift]:
        return list(self.session.scalars(select(Shift).where(Shift.oa_id == self.oa_id)))

    def add_shift(self, zalo_id: str, part: str, weekday: int = -1) -> None:
        exists = self.session.scalar(select(Shift).where(
            Shift.oa_id == self.oa_id, Shift.staff_zalo_id == zalo_id, Shift.part == part, Shift.weekday == weekday))
        if exists is None:
            self.session.add(Shift(oa_id=self.oa_id, staff_zalo_id=zalo_id, part=part, weekday=weekday))
            self.session.flush()

    def remove_shift(self, zalo_id: str, part: str, weekday: int = -1) -> bool:
        result = self.session.execute(delete(Shift).where(
            Shift.oa_id == self.oa_id, Shift.staff_zalo_id == zalo_id, Shift.part == part, Shift.weekday == weekday))
        return result.rowcount == 1

    def set_password(self, zalo_id: str, password: str) -> int:
        """Store a salted hash of the dashboard password (never the password) and end every dashboard
        session of that staff member (whoever knew the old one is logged out); return how many ended."""
        from werkzeug.security import generate_password_hash
        staff = self.get(zalo_id)
        if staff is None:
            return 0
        staff.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
        return StaffSessionRepository(self.session, self.oa_id).revoke_all(zalo_id, utcnow())

    def check_password(self, zalo_id: str, password: str):
        """The staff member if the password matches, else None."""
        from werkzeug.security import check_password_hash
        staff = self.get(zalo_id)
        if staff is None or not staff.password_hash or not check_password_hash(staff.password_hash, password):
            return None
        return staff
