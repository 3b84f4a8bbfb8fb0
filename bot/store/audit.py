"""The audit log: every time staff see or export residents' personal data."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import AuditEntry, utcnow


class AuditRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def record(self, staff_id: str, staff_name: str, action: str, target: str) -> None:
        self.session.add(AuditEntry(oa_id=self.oa_id, staff_id=staff_id, staff_name=staff_name[:255],
                                    action=action, target=target[:255], at=utcnow()))

    def latest(self, limit: int = 200) -> list[AuditEntry]:
        return list(self.session.scalars(select(AuditEntry).where(AuditEntry.oa_id == self.oa_id)
                                         .order_by(AuditEntry.id.desc()).limit(limit)))
