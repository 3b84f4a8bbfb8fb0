"""Logs name no resident: PostgreSQL's error messages carry a DETAIL line with the values of the
conflicting key or the whole failing row (`Key (oa_id, user_id)=(…)`, `Failing row contains (…)`).
SQLAlchemy already hides the statement's parameters (`hide_parameters`); this hides those lines
from every log handler of the process, and from a failed event's error kept in the database."""
from __future__ import annotations

import logging
import re

DETAIL_LINE = re.compile(r"^(\s*DETAIL:).*$", re.MULTILINE)
HIDDEN = r"\1  (hidden: it may hold residents' data)"


def hide_details(text: str) -> str:
    """The text with each database DETAIL line replaced by a note that it was hidden."""
    return DETAIL_LINE.sub(HIDDEN, text) if "DETAIL:" in text else text


class HideDatabaseDetail(logging.Filter):
    """Rewrites a record's message and traceback without DETAIL lines; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed log call: the handler reports it, as without us
            return True
        if "DETAIL:" in message:
            record.msg, record.args = hide_details(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = hide_details(record.exc_text)
        return True


def hide_database_details_in_logs() -> None:
    """Add the filter to every handler of the root logger (once each)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, HideDatabaseDetail) for f in handler.filters):
            handler.addFilter(HideDatabaseDetail())
