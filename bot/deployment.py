"""Every OA one deployment serves (ZALO_* and EXTRA_OAS), each with its own services over one database."""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.bootstrap import Services, build_services, build_worker
from bot.runtime.worker import OAWorker, Worker
from config import Settings


@dataclass
class Deployment:
    """The services of each OA by OA id; the main OA (ZALO_OA_ID) comes first. One worker serves them
    all (built on first use, so web-only processes never have one)."""

    oas: dict[str, Services]
    _worker: Worker | None = field(default=None, repr=False)

    def worker_for(self, oa_id: str) -> OAWorker:
        """One OA's handle on the deployment's worker (a new worker once the last one was stopped)."""
        if self._worker is None or self._worker.stopped:
            self._worker = build_worker(list(self.oas.values()))
        return self._worker.for_oa(oa_id)

    @property
    def main(self) -> Services:
        return next(iter(self.oas.values()))

    @property
    def several(self) -> bool:
        return len(self.oas) > 1

    def for_oa(self, oa_id: str | None) -> Services | None:
        """The OA an event or a login belongs to. With one OA everything is its own; with several,
        an event that names no OA goes to the main one and an OA not served here gets None."""
        if not self.several or oa_id is None:
            return self.main
        return self.oas.get(oa_id)

    def named(self, name: str) -> Services | None:
        """The OA a person names: its short name (main, or as in EXTRA_OAS) or its OA id."""
        return next((s for s in self.oas.values() if name in (s.settings.oa_key, s.settings.oa_id)), None)

    def names(self) -> str:
        return ", ".join(s.settings.oa_key for s in self.oas.values())

    def __iter__(self):
        return iter(self.oas.values())

    def without_leader(self) -> list[str]:
        """The OAs (short names) with no leader: a «gặp người» there may reach nobody."""
        missing = []
        for services in self:
            with services.store.unit() as uow:
                if not uow.staff.with_role("leader"):
                    missing.append(services.settings.oa_key)
        return missing


def build_deployment(settings: Settings) -> Deployment:
    """Wire every OA; the further ones share the main OA's database and connection pools."""
    catalogs: dict = {}
    main = build_services(settings, catalogs=catalogs)
    oas = {settings.oa_id: main}
    for oa_settings in settings.all_oas()[1:]:  # their replies are claimed under the one worker's id
        oas[oa_settings.oa_id] = build_services(oa_settings, store=main.store, worker_id=main.sender.worker_id,
                                                catalogs=catalogs)
    deployment = Deployment(oas)
    for services in oas.values():
        services.worker_source = deployment.worker_for
    return deployment
