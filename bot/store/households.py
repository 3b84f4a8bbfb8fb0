"""The household map: households with their (sealed) head, address and phone."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import Household, utcnow
from bot.store.sealed import fingerprint


class HouseholdRepository:
    def __init__(self, session: Session, oa_id: str):
        self.session = session
        self.oa_id = oa_id

    def exists(self, address_key: str) -> bool:
        """`address_key`: the address as matched (normalized); compared by its keyed hash."""
        return self.find(address_key) is not None

    def find(self, address_key: str) -> Household | None:
        return self.session.scalar(select(Household).where(
            Household.oa_id == self.oa_id, Household.address_fingerprint == fingerprint(address_key)))

    def get(self, household_id: int) -> Household | None:
        row = self.session.get(Household, household_id)
        return row if row is not None and row.oa_id == self.oa_id else None

    def add(self, head_name: str, address: str, address_key: str, area: str, floors: int | None,
            people: int | None, phone: str | None) -> Household:
        row = Household(oa_id=self.oa_id, head_name=head_name, address=address,
                        address_fingerprint=fingerprint(address_key), area=area, floors=floors, people=people,
                        phone=phone, created_at=utcnow())
        self.session.add(row)
        self.session.flush()
        return row

    def all(self) -> list[Household]:
        return list(self.session.scalars(select(Household).where(Household.oa_id == self.oa_id)
                                         .order_by(Household.area, Household.id)))
