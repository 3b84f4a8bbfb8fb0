"""Writing replies to the outbox: what handlers, jobs, the announcer and the dashboard decided to send is
stored first, then sent by the worker (a crash loses nothing)."""
from __future__ import annotations

from datetime import timedelta

from bot.replies import about_whom, addressed, to_payload

# Replies queued by a caller that sends them itself soon (the announcer, scheduled jobs): the sweeper
# only takes them after this. (The processing threads write theirs already claimed.)
SEND_GRACE = timedelta(seconds=30)


def queue_reply(uow, reply, sender_id: str | None, event_id: int | None = None,
                hold: timedelta = SEND_GRACE) -> int:
    """Write one reply to the outbox (to the sender, or to whoever a To names); return its id.

    `hold` keeps the sweeper off it while the caller sends it itself; web processes pass 0 and
    leave the sending to the worker's sweeper."""
    about = about_whom(reply, sender_id)
    user_id, reply = addressed(reply, sender_id)
    return uow.outbox.add(reply.kind, to_payload(reply), user_id=user_id, event_id=event_id, hold=hold, about=about)
