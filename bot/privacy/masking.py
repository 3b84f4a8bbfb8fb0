"""Personal data as lists show it: enough to tell people apart, not enough to use (0912***678)."""
from __future__ import annotations


def phone(value: str | None) -> str:
    """'0912345678' → '0912***678'; short or empty values show only stars."""
    digits = (value or "").strip()
    if len(digits) < 8:
        return "***" if digits else ""
    return f"{digits[:4]}***{digits[-3:]}"


def cccd(value: str | None) -> str:
    """'001234567890' → '001******890'."""
    digits = (value or "").strip()
    if len(digits) < 8:
        return "***" if digits else ""
    return f"{digits[:3]}{'*' * (len(digits) - 6)}{digits[-3:]}"
