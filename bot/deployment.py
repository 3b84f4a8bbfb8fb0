"""Every OA one deployment serves (ZALO_*, EXTRA_OAS and OAS_FILE), each with its own services over one
database. OAs listed in OAS_FILE after the start are added while running, when an event names one."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Callable

from bot.bootstrap import Services, build_services, build_worker
from bot.runtime.worker import OAWorker, Worker
from config import ConfigError, Settings
from config.settings import read_oas_file

log = logging.getLogger(__name__)


@dataclass
class Deployment:
    """The services of each OA by OA id; the main OA (ZALO_OA_ID) comes first. One worker serves them
    all (built on first use, so web-only processes never have one)."""

    oas: dict[str, Services]
    _worker: Worker | None = field(default=None, repr=False)
    _catalogs: dict = field(default_factory=dict, repr=False)
    _file_seen: int | None = field(default=None, repr=False)  # OAS_FILE's mtime when last read
    _adding: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _when_added: list[Callable[[list[Services]], None]] = field(default_factory=list, repr=False)

    def worker_for(self, oa_id: str) -> OAWorker:
        """One OA's handle on the deployment's worker (a new worker once the last one was stopped)."""
        if self._worker is None or self._worker.stopped:
            self._worker = build_worker(list(self.oas.values()),
                                        discover=self.add_new_oas if self.main.settings.oas_file else None)
        return self._worker.for_oa(oa_id)

    def when_added(self, callback: Callable[[list[Services]], None]) -> None:
        """Call `callback(new OAs' services)` whenever OAs are added while running (the scheduler's jobs)."""
        self._when_added.append(callback)

    def add_new_oas(self) -> list[Services]:
        """Serve the OAs listed in OAS_FILE since it was last read; [] when it did not change (one stat).
        A file that does not read is logged and the OAs served stay as they are."""
        settings = self.main.settings
        if settings.oas_file is None:
            return []
        with self._adding:
            try:
                changed = settings.oas_file.stat().st_mtime_ns
            except OSError:
                return []
            if changed == self._file_seen:
                return []
            self._file_seen = changed
            try:
                listed = read_oas_file(settings.oas_file, settings.app_id, settings.app_secret)
            except ConfigError as exc:
                log.warning("OAS_FILE not read, the OAs served stay as they were: %s", exc)
                return []
            added = [self._serve(settings.for_oa(oa)) for oa in listed if oa.oa_id not in self.oas]
            if added and self._worker is not None and not self._worker.stopped:
                for services in added:
                    self._worker.add(services.settings.oa_id, services.work())
        for services in added:
            log.info("now serving OA %s (OAS_FILE)", services.settings.oa_key)
        if added:
            for callback in self._when_added:
                callback(added)
        return added

    def _serve(self, settings: Settings) -> Services:
        services = build_services(settings, store=self.main.store, worker_id=self.main.sender.worker_id,
                                  catalogs=self._catalogs)
        services.worker_source = self.worker_for
        self.oas = {**self.oas, settings.oa_id: services}  # a new dict: readers iterate over the one they hold
        return services

    @property
    def main(self) -> Services:
        return next(iter(self.oas.values()))

    @property
    def several(self) -> bool:
        return len(self.oas) > 1

    def for_oa(self, oa_id: str | None) -> Services | None:
        """The OA an event or a login belongs to. With one OA everything is its own; with several,
        an event that names no OA goes to the main one and an OA not served here gets None."""
        if oa_id is None or (not self.several and self.main.settings.oas_file is None):
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
    deployment = Deployment(oas, _catalogs=catalogs)
    if settings.oas_file is not None:  # read by load_settings: what changes after this is new
        deployment._file_seen = settings.oas_file.stat().st_mtime_ns
    for services in oas.values():
        services.worker_source = deployment.worker_for
    return deployment
