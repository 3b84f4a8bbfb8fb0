"""What every handler receives: the unit of work, the event and who sent it."""
from __future__ import annotations

from dataclasses import dataclass

from bot.events import InboundEvent
from bot.store import UnitOfWork


@dataclass(frozen=True)
class Context:
    uow: UnitOfWork
    event: InboundEvent
    event_id: int
    role: str | None  # 'leader', 'volunteer' or None for a resident

    @property
    def user_id(self) -> str:
        return self.event.user_id or ""

    @property
    def is_staff(self) -> bool:
        return self.role is not None
