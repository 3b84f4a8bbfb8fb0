"""Typed errors for Zalo's answers (Zalo reports most errors with HTTP 200 and error != 0)."""
from __future__ import annotations

# Codes that mean this user cannot be messaged now; retrying will not help (zalo-oa-api.md §9.1, §6.1).
USER_UNREACHABLE = {-213: "chưa quan tâm OA", -217: "đã chặn OA", -227: "tài khoản bị khóa hoặc không hoạt động quá 45 ngày",
                    -230: "không tương tác với OA trong 7 ngày", -232: "chưa tương tác hoặc tương tác đã hết hạn",
                    -244: "đã chặn loại tin này từ OA"}
TOKEN_CODES = {-216, -220}
RATE_LIMIT_CODES = {-32}
BUTTONS_REJECTED_CODES = {-233, -240}


class ZaloError(Exception):
    """Any failed Zalo call; `code` is Zalo's error code (or an HTTP status, negated never)."""

    retryable = False

    def __init__(self, code: int | None, message: str):
        super().__init__(f"Zalo error {code}: {message}")
        self.code = code
        self.message = message


class TransientError(ZaloError):
    """5xx, timeout or connection failure: try again later."""

    retryable = True


class RateLimited(ZaloError):
    """-32: the app or OA passed its per-minute call limit."""

    retryable = True


class TokenError(ZaloError):
    """The access token is invalid or expired and a refresh did not fix it."""

    retryable = True


class RefreshFailed(TokenError):
    """Zalo refused the refresh token: an OA admin must authorise the app again."""


class UserUnreachable(ZaloError):
    """Permanent for this user now (not following, outside the 7-day window, blocked…)."""

    @property
    def reason(self) -> str:
        return USER_UNREACHABLE.get(self.code or 0, self.message)


class BadRequest(ZaloError):
    """Zalo refused the request itself; sending it again will fail the same way."""


def classify(code: int, message: str) -> ZaloError:
    """Map a non-zero Zalo error code to its typed error."""
    if code in TOKEN_CODES:
        return TokenError(code, message)
    if code in RATE_LIMIT_CODES:
        return RateLimited(code, message)
    if code in USER_UNREACHABLE:
        return UserUnreachable(code, message)
    return BadRequest(code, message)
