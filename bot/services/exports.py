"""Requests as CSV for the leader: one row per request, answers labelled as residents saw them."""
from __future__ import annotations

import csv
import json
from typing import TextIO

from bot.clock import local
from bot.flows.catalog import Catalog
from bot.store import UnitOfWork

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ("code", "procedure_id", "status", "channel", "created_at", "resident", "answers")


def spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet would run as a formula (=, +, -, @…) is kept as text."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _answers_text(catalog: Catalog, kind: str, answers: dict) -> str:
    """'Label: value' pairs in the procedure's order; fields the file no longer has keep their key."""
    procedure = catalog.procedures.get(kind)
    labels = {s.field: s.label for s in procedure.steps} if procedure else {}
    return "; ".join(f"{labels.get(key, key)}: {value}" for key, value in answers.items())


def write_requests_csv(out: TextIO, uow: UnitOfWork, catalog: Catalog) -> int:
    """Write every request of the OA as CSV; return how many rows were written."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    rows = uow.requests.all()
    for row in rows:
        member = uow.members.get(row.user_id)
        resident = f"{member.display_name} ({row.user_id})" if member and member.display_name else row.user_id
        created = local(row.created_at).strftime("%Y-%m-%d %H:%M")
        writer.writerow((row.code, row.kind, row.status, row.channel or "", created, resident,
                         _answers_text(catalog, row.kind, json.loads(row.answers or "{}"))))
    return len(rows)
