"""Which addresses the dashboard loads as images: only Zalo's content servers over https (and, in the
sandbox, the sandbox's own uploads). Anything else a resident sends is shown as text: an <img> pointing
at the dashboard itself would make the leader's browser act (open a record, export) with their login."""
from __future__ import annotations

import re
import urllib.parse

from bot.sandbox.page import UPLOAD_NAME

# Zalo serves attachments from subdomains of these (f6.photo.talk.zdn.vn, s120-ava-talk.zadn.vn:
# /work/shared/zalo-oa-api.md §4.3). The CSP below allows exactly these.
ZALO_DOMAINS = ("zdn.vn", "zadn.vn")
SANDBOX_UPLOADS = "/sandbox/uploads/"
PLAIN_HOST = re.compile(r"([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(:[0-9]{1,5})?")


def image_source(value: object, sandbox: bool = False) -> str | None:
    """The address to put in <img src>, or None when the value must be shown as text."""
    if not isinstance(value, str) or not value.isascii() or "\\" in value:
        return None
    parts = urllib.parse.urlsplit(value)
    plain_host = PLAIN_HOST.fullmatch(parts.netloc)  # no login part, no odd characters a browser reads otherwise
    if parts.scheme not in ("http", "https") or plain_host is None:
        return None
    host, port = plain_host.group(1).lower(), plain_host.group(2)
    if port is None and any(host.endswith("." + domain) for domain in ZALO_DOMAINS):
        return urllib.parse.urlunsplit(("https", parts.netloc, parts.path, parts.query, ""))  # Zalo's docs show http
    name = parts.path[len(SANDBOX_UPLOADS):]
    if sandbox and parts.path.startswith(SANDBOX_UPLOADS) and not parts.query and UPLOAD_NAME.fullmatch(name):
        return SANDBOX_UPLOADS + name  # the sandbox page stored it on this very server
    return None


def img_src_policy(sandbox: bool = False) -> str:
    """The CSP's img-src: the same hosts `image_source` lets through (data: for the empty favicon)."""
    hosts = " ".join(f"https://*.{domain}" for domain in ZALO_DOMAINS)
    return f"img-src {hosts} data:" + (" 'self'" if sandbox else "")
