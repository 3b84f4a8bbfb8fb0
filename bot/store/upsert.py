"""INSERT … ON CONFLICT DO NOTHING for whichever database the session talks to."""
from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session


def insert_ignoring_conflicts(bind: Session | Engine, model, keys: list[str], **values):
    """An insert statement that does nothing when a row with the same `keys` exists."""
    engine = bind.get_bind() if isinstance(bind, Session) else bind
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(model).values(**values) if values else insert(model)  # no values: rows come at execute
    return statement.on_conflict_do_nothing(index_elements=keys)
