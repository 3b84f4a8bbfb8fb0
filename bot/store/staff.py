"""Staff: leaders and volunteers, looked up by Zalo id on every staff command."""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.store.models import Staff, utcnow

ROLES = ("leader", "volunteer")


class StaffRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def get(self, zalo_id: str) -> Staff | None:
        return self.session.scalar(
            select(Staff).where(Staff.oa_id == self.oa_id, Staff.zalo_id == zalo_id))

    def role_of(self, zalo_id: str) -> str | None:
        """Return 'leader', 'volunteer' or None for a resident."""
        staff = self.get(zalo_id)
        return staff.role if staff else None

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
        result = self.session.execute(
            delete(Staff).where(Staff.oa_id == self.oa_id, Staff.zalo_id == zalo_id))
        return result.rowcount == 1

    def list(self) -> list[Staff]:
        return list(self.session.scalars(
            select(Staff).where(Staff.oa_id == self.oa_id).order_by(Staff.role, Staff.name)))
