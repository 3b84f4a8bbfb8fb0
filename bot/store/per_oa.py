"""Counting one OA's rows among the few with a given status, without walking the OA's history."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session


def count_of_oa(session: Session, oa_column, oa_id: str, *where) -> int:
    """Count the rows matching `where` (a status condition) for one OA. Grouped by OA rather than
    filtered by it: with the OA in the WHERE, SQLite picks the (oa_id, …) index and reads every row
    the OA ever had; by status it reads only the few queued, sending or pending rows."""
    counts = session.execute(select(oa_column, func.count()).where(*where).group_by(oa_column))
    return next((n for oa, n in counts if oa == oa_id), 0)
