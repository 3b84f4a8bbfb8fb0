"""Zalo webhook signature: mac = sha256(app_id + raw body + body timestamp + OA secret key)."""
from __future__ import annotations

import hashlib
import hmac


def sign(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """Return the header value Zalo sends for this body: 'mac=<64 hex>'."""
    material = app_id.encode() + raw_body + timestamp.encode() + oa_secret_key.encode()
    return "mac=" + hashlib.sha256(material).hexdigest()


def verify(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str, header: str | None) -> bool:
    """Check a X-ZEvent-Signature header in constant time (case-insensitive hex, optional 'mac=')."""
    if not header:
        return False
    received = header.strip()
    if received[:4].lower() == "mac=":
        received = received[4:]
    expected = sign(app_id, raw_body, timestamp, oa_secret_key)[4:]
    return hmac.compare_digest(expected.encode(), received.strip().lower().encode())
