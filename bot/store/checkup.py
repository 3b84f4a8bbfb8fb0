"""What `flask doctor` asks the database: the schema's revision against the newest migration, and whether
the personal data stored in it opens with DATA_KEY."""
from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.store import sealed
from bot.store.db import migrations_config
from bot.store.models import Event, Member, ServiceRequest

# Sealed columns most deployments have rows in: webhook events, members' names, requests' answers.
SEALED_SAMPLES = ((Event, Event.raw), (Member, Member.display_name), (ServiceRequest, ServiceRequest.answers))


def schema_revisions(engine: Engine) -> tuple[str | None, str]:
    """The revision the database is at (None: no schema yet) and the newest one this code brings;
    connection errors are left to the caller."""
    head = ScriptDirectory.from_config(migrations_config()).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current, head


def open_sealed_samples(session: Session) -> int:
    """Open the newest and the oldest sealed value of each sample column (every OA's: DATA_KEY is shared)
    and return how many were read; with none stored yet, seal and open a value instead (0). Raises
    DataKeyError when a value does not open with the keys in DATA_KEY."""
    opened = set()
    for table, column in SEALED_SAMPLES:
        for order in (table.id.desc(), table.id.asc()):
            row = session.execute(select(table.id, column).where(column.is_not(None)).order_by(order).limit(1)).first()
            if row is not None:
                opened.add((table.__tablename__, row.id))
    if not opened and sealed.unseal(sealed.seal("doctor")) != "doctor":
        raise sealed.DataKeyError("a value sealed with DATA_KEY did not open again")
    return len(opened)
