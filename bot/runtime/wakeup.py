"""Wake the worker when the webhook stores an event, instead of polling for it: on PostgreSQL the insert
sends NOTIFY (bot/store/db.py) and this listens on its own connection. Polling stays as the fallback (an
event put back for another try, a listener that lost its connection), only slower."""
from __future__ import annotations

import logging
import threading
from typing import Callable

from sqlalchemy.engine import Engine

from bot.store.db import EVENTS_CHANNEL

log = logging.getLogger(__name__)

RECONNECT_SECONDS = 5.0


class Listener:
    def __init__(self, engine: Engine, wake: Callable[[], None], stop: threading.Event):
        self.engine, self.wake, self.stop = engine, wake, stop
        self.listening = threading.Event()  # set while LISTEN is in effect
        self._thread: threading.Thread | None = None

    @staticmethod
    def available(engine: Engine) -> bool:
        return engine.dialect.name == "postgresql"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="wakeup", daemon=True)
        self._thread.start()

    def join(self, timeout: float) -> None:
        """Wait for the listener to end (the caller set `stop`): a NOTIFY of our own ends its wait at once."""
        if self._thread is None:
            return
        if self.listening.is_set():
            try:
                with self.engine.begin() as connection:
                    connection.exec_driver_sql(f"NOTIFY {EVENTS_CHANNEL}")
            except Exception:  # noqa: BLE001 - the database is gone: the wait ends within a second anyway
                pass
        self._thread.join(timeout)

    def _run(self) -> None:
        import psycopg

        conninfo = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not self.stop.is_set():
            try:
                with psycopg.connect(conninfo, autocommit=True) as connection:
                    connection.execute(f"LISTEN {EVENTS_CHANNEL}")
                    self.listening.set()
                    self.wake()  # anything stored before LISTEN took effect
                    while not self.stop.is_set():
                        for _notice in connection.notifies(timeout=1.0):
                            self.wake()
            except Exception as exc:  # noqa: BLE001 - the database restarting: poll meanwhile, then again
                log.warning("wake-up listener lost its connection (%s); polling until it is back", type(exc).__name__)
            finally:
                self.listening.clear()
            self.stop.wait(RECONNECT_SECONDS)
