"""Build the real adapters once: store, token manager, Zalo client, sender, worker."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Callable

from bot.flows.catalog import load_catalog
from bot.flows.review import cut_buttons
from bot.handlers import routing as dispatch
from bot.handlers.context import Runtime
from bot.runtime.announcer import Announcer
from bot.runtime.sender import OutboxSender
from bot.runtime.worker import OAWork, OAWorker, Worker
from bot.store import DataKeyError, Store, make_engine
from bot.zalo.client import ZaloClient, ZaloOAuth
from bot.zalo.tokens import TokenManager
from config import ConfigError, Settings

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    store: Store
    tokens: TokenManager
    client: ZaloClient
    sender: OutboxSender
    runtime: Runtime
    # The deployment's worker for this OA (bot/deployment.py); without one, a worker of this OA alone.
    worker_source: Callable[[str], OAWorker] | None = field(default=None, repr=False)
    _worker: OAWorker | None = field(default=None, repr=False)
    _announcer: Announcer | None = field(default=None, repr=False)

    @property
    def worker(self) -> OAWorker:
        """This OA's handle on the worker, built on first use (web-only processes never start one)."""
        if self._worker is None or self._worker.worker.stopped:
            if self.worker_source is not None:
                self._worker = self.worker_source(self.settings.oa_id)
            else:
                self._worker = build_worker([self]).for_oa(self.settings.oa_id)
        return self._worker

    def work(self) -> OAWork:
        """What the worker needs of this OA."""
        return OAWork(self.store, self.sender, partial(dispatch.handle, runtime=self.runtime))

    @property
    def announcer(self) -> Announcer:
        """Delivers announcements through the worker's send lanes (so only in the worker process)."""
        if self._announcer is None:
            self._announcer = Announcer(self.store, self.worker, lambda: self.runtime.clock(),
                                        self.runtime.announce_quiet_hours,
                                        self.settings.announce_rate_per_minute)
        return self._announcer

    def wake_worker(self) -> None:
        if self._worker is not None:
            self._worker.wake()


def build_worker(every_oa: list[Services], discover: Callable[[], list] | None = None) -> Worker:
    """One worker for these OAs (the first one's settings size it); `discover()` adds OAs listed since."""
    settings = every_oa[0].settings
    return Worker({services.settings.oa_id: services.work() for services in every_oa},
                  threads=settings.worker_threads, poll_seconds=settings.worker_poll_seconds,
                  send_threads=settings.sender_threads, lease=timedelta(seconds=settings.worker_lease_seconds),
                  discover=discover)


def build_services(settings: Settings, store: Store | None = None, worker_id: str | None = None,
                   catalogs: dict | None = None) -> Services:
    """Wire the real adapters of one OA (on `store`'s database when given, else a new one);
    procedure files are checked here, so bad ones stop the start. `catalogs`: the ones already loaded
    by this deployment, by folder (OAs without files of their own share one, read once)."""
    where = (settings.config_dir, settings.config_overrides)
    catalog = (catalogs or {}).get(where) or load_catalog(*where)
    if catalogs is not None:
        catalogs[where] = catalog
    start, end = settings.office_hours
    outside = [p.key for p in catalog.parts if p.start < start or p.end > end]
    if outside:
        raise ConfigError(f"config/schedule.yaml: parts {', '.join(outside)} lie outside OFFICE_HOURS {start}-{end}")
    for procedure in catalog.procedures.values():
        for finding in cut_buttons(procedure):
            log.warning("procedure %s: %s", finding.procedure, finding.detail)
    runtime = Runtime(catalog=catalog,
                      idle=timedelta(minutes=settings.conversation_timeout_minutes),
                      office_hours=settings.office_hours,
                      claim_timeout=timedelta(minutes=settings.handoff_claim_minutes),
                      console_quiet=timedelta(minutes=settings.console_quiet_minutes),
                      digest_hour=settings.digest_hour,
                      announce_quiet_hours=settings.announce_quiet_hours,
                      announce_zalo_groups=settings.announce_zalo_groups,
                      zalo_tags=settings.zalo_tags,
                      flood_messages=settings.flood_messages, flood_seconds=settings.flood_seconds,
                      dashboard_link=settings.dashboard_link)
    if store is not None:
        store = store.for_oa(settings.oa_id)
    else:
        try:
            store = Store(make_engine(settings.database_url), settings.oa_id, settings.data_key)
        except DataKeyError as exc:
            raise ConfigError(str(exc)) from None
    oauth = ZaloOAuth(settings.oauth_base, settings.app_id, settings.app_secret, settings.zalo_timeout_seconds)
    tokens = TokenManager(store, oauth, settings.access_token, settings.refresh_token)
    client = ZaloClient(settings.api_base, tokens, timeout=settings.zalo_timeout_seconds,
                        connections=settings.sender_threads + 4,  # the lanes, and the scheduler's calls
                        buttons=settings.zalo_buttons)
    sender = OutboxSender(store, client, worker_id=worker_id, backoff_base=settings.retry_backoff_base)
    return Services(settings=settings, store=store, tokens=tokens, client=client, sender=sender, runtime=runtime)
