"""«xóa dữ liệu của tôi»: erase a member's personal data everywhere the neighborhood holds it, the
copies sent to staff and the places others' texts quote it included (Luật Bảo vệ dữ liệu cá nhân 2025)."""
from __future__ import annotations

from bot.services import groups
from bot.store import UnitOfWork

# Answer types that are the person's own data, blanked where staff texts quote them.
PERSONAL_TYPES = {"name", "phone", "cccd", "address", "date", "text"}


def personal_values(uow: UnitOfWork, catalog, user_id: str) -> list[str]:
    """The member's names, phone and the personal answers of their requests, as they were typed."""
    member = uow.members.get(user_id)
    values = [member.display_name, member.full_name, member.phone] if member is not None else []
    for request in uow.requests.of_user(user_id):
        procedure = catalog.procedures.get(request.kind)
        answers = uow.requests.answers_of(request.id)
        personal = {s.field for s in procedure.steps if s.type in PERSONAL_TYPES} if procedure else set(answers)
        values += [v for k, v in answers.items() if k in personal and isinstance(v, str)]
    return [v for v in values if v]


def erase_member(uow: UnitOfWork, catalog, user_id: str, zalo_tags: bool) -> str:
    """Erase everything about the member; the database file keeps no trace after the commit (SQLite's
    write-ahead log is emptied then). Return the anonymous id their requests keep for statistics."""
    values = personal_values(uow, catalog, user_id)
    groups.forget_member(uow, user_id, zalo_tags)
    anonymous = uow.erasure.erase(user_id, values)
    uow.checkpoint_after_commit = True
    return anonymous
