"""Who this worker process is, to the others sharing the database: an id made of host, process id
and a random part, and a way to tell whether a process on this host is gone."""
from __future__ import annotations

import os
import secrets
import socket


def host() -> str:
    """This machine as workers see each other: the host name and the process-id namespace, so two
    containers sharing a host name (host networking) are not taken for one machine whose pids can
    be checked."""
    try:
        namespace = os.readlink("/proc/self/ns/pid").removeprefix("pid:")
    except OSError:
        namespace = ""
    return f"{socket.gethostname()[:180]}/{namespace}"[:200]


def new_worker_id() -> str:
    """host:pid:random (at most 80 characters); a fresh one for every worker started."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


def process_gone(pid: int) -> bool:
    """True when no process with this id runs on this host, or it is this very process (a worker
    that ran here before under the same process id: a restarted container, or an earlier run)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
