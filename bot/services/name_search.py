"""What the dashboard's name search can find: the names residents typed in their requests (steps of
type "name"), besides their Zalo and registered names, indexed as keyed hashes (bot/store/name_index.py)."""
from __future__ import annotations

from bot.store import UnitOfWork


def index_answers(uow: UnitOfWork, procedure, user_id: str, request_id: int, answers: dict) -> None:
    """Index the names typed in a request's answers (the resident's, a child's, a parent's…)."""
    for step in procedure.steps:
        value = answers.get(step.field)
        if step.type == "name" and isinstance(value, str):
            uow.names.add(user_id, value, request_id=request_id)


def backfill(uow: UnitOfWork, catalog) -> int:
    """Index what was stored before the index existed (once, at start, when it is empty); return how
    many people and requests were read."""
    if not uow.names.is_empty():
        return 0
    members = uow.members.all_named()
    for member in members:
        uow.names.add(member.user_id, member.display_name)
        uow.names.add(member.user_id, member.full_name)
    requests = uow.requests.all()
    for request in requests:
        procedure = catalog.procedures.get(request.kind)
        if procedure is not None:
            index_answers(uow, procedure, request.user_id, request.id, uow.requests.answers_of(request.id))
    return len(members) + len(requests)
