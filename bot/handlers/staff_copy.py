"""What staff are sent of a resident's own words: at most a screenful, with a link to the whole text on
the dashboard, so one long message cannot fill a volunteer's chat."""
from __future__ import annotations

from bot import texts

STAFF_TEXT_CHARS = 1000


def request_link(runtime, code: str) -> str:
    """The dashboard page of one request (a handoff's code is its request's)."""
    return f"{runtime.dashboard_link}/requests/{code}"


def excerpt(text: str, link: str, limit: int = STAFF_TEXT_CHARS) -> str:
    """The text as is when short, else its first `limit` characters and where to read the rest."""
    if len(text) <= limit:
        return text
    return text[:limit].rstrip() + texts.STAFF_SEE_MORE.format(link=link)
