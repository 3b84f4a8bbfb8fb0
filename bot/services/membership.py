"""Member registration («đăng ký thành viên», a procedure in config/procedures): a leader confirms
(«duyệt DKTV-0001») or rejects («từ chối DKTV-0001») it; confirming links the member to their
household in the household map when the address matches one, keeps the registered name and phone
number on the member (sealed), and puts them in their household's area group («khu A»)."""
from __future__ import annotations

import json
from datetime import datetime

from bot import texts
from bot.flows.text import normalize
from bot.replies import To
from bot.services import casework, groups
from bot.store import UnitOfWork

REGISTRATION = "dang_ky_thanh_vien"


def decide(uow: UnitOfWork, code: str, approve: bool, actor_id: str, actor_name: str, now: datetime,
           hood_phone: str, zalo_tags: bool = True) -> tuple[str, list[To]]:
    """The leader's answer and the messages for the resident."""
    request = uow.requests.by_code(code)
    if request is None or request.kind != REGISTRATION:
        return texts.MEMBER_UNKNOWN.format(code=code), []
    if request.status in ("da_xong", "da_huy"):
        return texts.MEMBER_ALREADY.format(code=code, status=texts.STATUS_LABELS[request.status]), []
    if not approve:
        return texts.MEMBER_REJECTED.format(code=code), casework.change_status(
            uow, request, "da_huy", actor_id, actor_name, now, hood_phone)
    answers = json.loads(request.answers or "{}")
    household = uow.households.find(normalize(answers.get("address", "")))
    member = uow.members.get_or_create(request.user_id)
    member.household_id = household.id if household else None
    member.household_role = (answers.get("household_role") or "")[:64] or None
    member.member_since = now
    uow.members.set_identity(request.user_id, answers.get("full_name"), answers.get("phone"))
    if household and household.area.strip():
        groups.add(uow, household.area, [request.user_id], zalo_tags)
    linked = texts.MEMBER_LINKED.format(head=household.head_name) if household else texts.MEMBER_NOT_LINKED
    return texts.MEMBER_APPROVED.format(code=code, linked=linked), casework.change_status(
        uow, request, "da_xong", actor_id, actor_name, now, hood_phone)
