"""Columns that hold residents' personal data (what they typed: names, CCCD, phone numbers,
addresses) are stored encrypted: Fernet (AES-128-CBC with an HMAC) from the `cryptography` package,
with the key from DATA_KEY. Reading decrypts; SQL can no longer search inside these columns.

DATA_KEY may list several keys separated by commas: the first encrypts, every one decrypts, so a
key can be rotated without losing what was written before."""
from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

PREFIX = "enc1:"
_cipher: MultiFernet | None = None
_fingerprint_key: bytes | None = None


class DataKeyError(ValueError):
    """DATA_KEY is missing or not a Fernet key."""


def make_cipher(keys: str) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.strip().encode()) for key in keys.split(",") if key.strip()])
    except (ValueError, TypeError) as exc:
        raise DataKeyError("DATA_KEY must be one or more Fernet keys (32 url-safe base64 bytes), comma-separated; "
                        "make one with: python -c 'from cryptography.fernet import Fernet; "
                        "print(Fernet.generate_key().decode())'") from exc


def use_keys(keys: str) -> None:
    """Set the process's data keys (the store does this when it is made)."""
    global _cipher, _fingerprint_key
    _cipher = make_cipher(keys)
    first = keys.split(",")[0].strip().encode()
    _fingerprint_key = hashlib.sha256(b"fingerprint:" + first).digest()


def fingerprint(value: str) -> str:
    """A keyed hash of a value, to find equal values (duplicate addresses) without storing them in
    plain text. Changes when the first key changes."""
    if _fingerprint_key is None:
        raise DataKeyError("no DATA_KEY set")
    return hmac.new(_fingerprint_key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def _active() -> MultiFernet:
    if _cipher is None:
        raise DataKeyError("no DATA_KEY set: make the Store (which sets it) before touching sealed columns")
    return _cipher


def seal(value: str | None) -> str | None:
    if value is None or value.startswith(PREFIX):
        return value
    return PREFIX + _active().encrypt(value.encode("utf-8")).decode("ascii")


def unseal(value: str | None) -> str | None:
    """The plain text; values written before encryption was introduced come back as they are."""
    if value is None or not value.startswith(PREFIX):
        return value
    try:
        return _active().decrypt(value[len(PREFIX):].encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise DataKeyError("a sealed value does not open with DATA_KEY (wrong or rotated-out key)") from None


class Sealed(TypeDecorator):
    """Text stored encrypted."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):  # noqa: ANN001
        return seal(value)

    def process_result_value(self, value, dialect):  # noqa: ANN001
        return unseal(value)
