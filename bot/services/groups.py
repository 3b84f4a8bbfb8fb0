"""Member groups (tags) for chat, CLI and dashboard alike: finding members by phone number or request
code, putting them in and out of groups, lists with masked phone numbers, and the mirror of every
group in the OA's Zalo tags (queued in the outbox, so a Zalo outage delays it and loses nothing)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.flows.answers import phone_number
from bot.flows.text import normalize
from bot.privacy import masking
from bot.store import UnitOfWork

TAG_ADD, TAG_REMOVE, TAG_DELETE = "tag_add", "tag_remove", "tag_delete"
TAG_KINDS = (TAG_ADD, TAG_REMOVE, TAG_DELETE)
TAG_LANE = "tag:"  # outbox rows of one tag share a lane ("tag:<key>"), so they reach Zalo in order
STAFF_GROUP = "cán bộ"  # leaders and volunteers are put in it when they are added as staff

CODE = re.compile(r"^([A-Za-z]{2,5})\s*-?\s*(\d{1,6})$")
ZALO_ID = re.compile(r"^\d{12,20}$")


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str
    phone: str  # masked
    following: bool


@dataclass(frozen=True)
class Found:
    user_ids: list[str]
    missing: list[str]  # identifiers that matched nobody, as typed


def key(name: str) -> str:
    return normalize(name)[:64]


def resident_name(uow, user_id: str) -> str:
    """How staff see a resident named: `display_name` of their member row."""
    return display_name(uow.members.get(user_id), user_id)


def display_name(member, user_id: str) -> str:
    """The registered name, else the Zalo name, else a short anonymous label."""
    if member is not None and (member.full_name or member.display_name):
        return member.full_name or member.display_name
    return f"Cư dân …{user_id[-4:]}"


def parse_identifiers(text: str) -> list[str]:
    """'0912 345 678, DKTV-3; 0987654321 0977000111' → each phone number, request code or Zalo id."""
    found = []
    for part in re.split(r"[,;\n]+", text or ""):
        part = part.strip()
        if not part:
            continue
        if phone_number(part) or CODE.match(part) or ZALO_ID.match(part):
            found.append(part)
        else:
            found.extend(part.split())
    return found


def resolve(uow: UnitOfWork, identifiers: list[str]) -> Found:
    """Members by registered phone number, by the code of any request they made, or by Zalo id."""
    user_ids: list[str] = []
    missing: list[str] = []
    for identifier in identifiers:
        matched = _members_for(uow, identifier.strip())
        if matched:
            user_ids.extend(u for u in matched if u not in user_ids)
        else:
            missing.append(identifier.strip())
    return Found(user_ids, missing)


def _members_for(uow: UnitOfWork, identifier: str) -> list[str]:
    if number := phone_number(identifier):
        return [member.user_id for member in uow.members.by_phone(number)]
    if match := CODE.match(identifier):
        request = uow.requests.by_code(f"{match.group(1).upper()}-{int(match.group(2)):04d}")
        return [request.user_id] if request and uow.members.get(request.user_id) else []
    if ZALO_ID.match(identifier) and uow.members.get(identifier):
        return [identifier]
    return []


def add(uow: UnitOfWork, name: str, user_ids: list[str], mirror: bool) -> tuple[str, int]:
    """Put members in the group (made on first use). Return its name as first written and how many
    were added (those already in it are not counted)."""
    group_key = key(name)
    stored = uow.groups.find(group_key) or " ".join(name.split())[:64]
    added = 0
    for user_id in user_ids:
        if uow.groups.add(stored, group_key, user_id):
            added += 1
            _mirror(uow, mirror, TAG_ADD, stored, group_key, user_id)
    return stored, added


def remove(uow: UnitOfWork, group_key: str, user_ids: list[str], mirror: bool) -> int:
    stored = uow.groups.find(group_key)
    removed = 0
    for user_id in user_ids:
        if stored and uow.groups.remove(group_key, user_id):
            removed += 1
            _mirror(uow, mirror, TAG_REMOVE, stored, group_key, user_id)
    return removed


def delete(uow: UnitOfWork, group_key: str, mirror: bool) -> int:
    """Remove the group and its Zalo tag; return how many members it had."""
    stored = uow.groups.find(group_key)
    if stored is None:
        return 0
    count = uow.groups.delete(group_key)
    if mirror:
        uow.outbox.add(TAG_DELETE, {"tag_name": stored}, group_id=TAG_LANE + group_key[:60])
    return count


def forget_member(uow: UnitOfWork, user_id: str, mirror: bool) -> None:
    """Before a member's data is erased: take them out of every group, in Zalo too."""
    for _name, group_key in uow.groups.of_user(user_id):
        remove(uow, group_key, [user_id], mirror)


def on_follow(uow: UnitOfWork, user_id: str, mirror: bool) -> None:
    """A member who follows (again) gets their groups' tags back in Zalo."""
    for name, group_key in uow.groups.of_user(user_id):
        _mirror(uow, mirror, TAG_ADD, name, group_key, user_id)


def roster(uow: UnitOfWork, group_key: str) -> list[Person]:
    """The group's members with masked phone numbers, for lists (chat, CLI, dashboard)."""
    return [Person(member.user_id, display_name(member, member.user_id), masking.phone(member.phone),
                   bool(member.is_follower) and member.unfollowed_at is None)
            for member in uow.groups.members(group_key)]


def _mirror(uow: UnitOfWork, mirror: bool, kind: str, tag_name: str, group_key: str, user_id: str) -> None:
    """Queue the Zalo tag change; only followers can carry a tag (others answer -213)."""
    if not mirror:
        return
    member = uow.members.get(user_id)
    if member is None or not member.is_follower or member.unfollowed_at is not None:
        return
    uow.outbox.add(kind, {"tag_name": tag_name, "user_id": user_id}, group_id=TAG_LANE + group_key[:60])
