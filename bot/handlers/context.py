"""What every handler receives: the unit of work, the event, who sent it, and the runtime config."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from bot.events import InboundEvent
from bot.flows.catalog import Catalog
from bot.flows.state import State
from bot.store import UnitOfWork
from bot.store.models import utcnow


@dataclass(frozen=True)
class Runtime:
    """What handlers need beyond the event: loaded config and the clock (tests move it)."""

    catalog: Catalog
    idle: timedelta = timedelta(minutes=30)
    clock: Callable[[], datetime] = field(default=utcnow)
    office_hours: tuple[int, int] = (7, 21)
    claim_timeout: timedelta = timedelta(minutes=10)
    console_quiet: timedelta = timedelta(minutes=30)
    digest_hour: int = 20
    announce_quiet_hours: tuple[int, int] | None = (21, 7)
    announce_zalo_groups: tuple[str, ...] = ()
    zalo_tags: bool = True  # mirror member groups to the OA's Zalo tags
    flood_messages: int = 10  # more than this many messages within flood_seconds are not answered one by one
    flood_seconds: int = 10
    dashboard_link: str = "http://127.0.0.1:8080/admin"  # where staff notices send them for the whole text


@dataclass(frozen=True)
class Context:
    uow: UnitOfWork
    event: InboundEvent
    event_id: int
    role: str | None  # 'leader', 'volunteer' or None for a resident
    runtime: Runtime

    @property
    def user_id(self) -> str:
        return self.event.user_id or ""

    @property
    def catalog(self) -> Catalog:
        return self.runtime.catalog

    @property
    def is_staff(self) -> bool:
        return self.role is not None

    def state(self) -> State:
        """The sender's conversation as stored (a new one at the menu when there is none)."""
        return State.from_dict(self.uow.conversations.get(self.user_id))

    def save(self, state: State) -> None:
        self.uow.conversations.save(self.user_id, state.to_dict())
