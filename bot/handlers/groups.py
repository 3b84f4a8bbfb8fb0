"""Leaders manage member groups from chat: «nhóm», «nhóm khu A», «thêm vào nhóm khu A: 0912345678»,
«bỏ khỏi nhóm khu A: DKTV-0003», «xóa nhóm khu A». Lists show phone numbers masked, and each look
at a group's members is written to the audit log."""
from __future__ import annotations

import re

from bot import texts
from bot.flows.phrases import GROUPS_LIST
from bot.flows.text import normalize
from bot.handlers.context import Context
from bot.replies import Reply, Text
from bot.services import groups

ADD = (("them", "vao", "nhom"), ("them", "nhom"), ("cho", "vao", "nhom"))
REMOVE = (("bo", "khoi", "nhom"), ("bo", "ra", "khoi", "nhom"), ("xoa", "khoi", "nhom"), ("rut", "khoi", "nhom"))
DELETE = (("xoa", "nhom"), ("xoa", "het", "nhom"))
SHOW = (("xem", "nhom"), ("nhom",))
SHOWN_AT_MOST = 30
STARTS_IDENTIFIER = re.compile(r"^(\+?\d|[A-Za-z]{2,5}-?\d)")


def handle(ctx: Context) -> list[Reply] | None:
    """A leader's group command; None when the message is not one."""
    raw = ctx.event.text or ""
    if normalize(raw) in GROUPS_LIST:
        return [Text(_list_text(ctx))]
    for prefixes, run in ((ADD, _add), (REMOVE, _remove), (DELETE, _delete), (SHOW, _show)):
        parsed = _split(raw, prefixes)
        if parsed is not None:
            return run(ctx, *parsed)
    return None


def _split(raw: str, prefixes: tuple[tuple[str, ...], ...]) -> tuple[str, str] | None:
    """'Thêm vào nhóm Khu A: 0912…' → ('Khu A', '0912…'): the group's name as written, and the people."""
    head, colon, tail = raw.partition(":")
    tokens = [token for token in head.split() if normalize(token)]
    words = [normalize(token) for token in tokens]
    for prefix in prefixes:
        if tuple(words[:len(prefix)]) == prefix:
            rest = tokens[len(prefix):]
            if not colon:  # «thêm vào nhóm khu A 0912345678»: the people start at the first number or code
                cut = next((i for i, token in enumerate(rest) if STARTS_IDENTIFIER.match(token)), len(rest))
                rest, tail = rest[:cut], " ".join(rest[cut:])
            return " ".join(rest).strip(" «»\"'"), tail.strip()
    return None


def _list_text(ctx: Context) -> str:
    sizes = ctx.uow.groups.sizes()
    if not sizes:
        return texts.GROUPS_NONE
    lines = [texts.GROUPS_TITLE]
    lines += [texts.GROUPS_LINE.format(n=n, name=name, count=count) for n, (name, count) in enumerate(sizes.items(), 1)]
    return "\n".join([*lines, texts.GROUPS_HOW])


def _known(ctx: Context, name: str) -> str | None:
    return ctx.uow.groups.find(groups.key(name)) if groups.key(name) else None


def _unknown(ctx: Context, name: str) -> list[Reply]:
    names = ", ".join(ctx.uow.groups.sizes()) or texts.NONE
    return [Text(texts.GROUP_UNKNOWN.format(name=name, names=names))]


def _show(ctx: Context, name: str, _tail: str) -> list[Reply]:
    if not name:
        return [Text(_list_text(ctx))]
    stored = _known(ctx, name)
    if stored is None:
        return _unknown(ctx, name)
    people = groups.roster(ctx.uow, groups.key(name))
    lines = [texts.GROUP_MEMBERS_TITLE.format(name=stored, count=len(people))]
    for n, person in enumerate(people[:SHOWN_AT_MOST], 1):
        lines.append(texts.GROUP_MEMBER_LINE.format(n=n, name=person.name, phone=f" · {person.phone}" if person.phone else "",
                                                    left="" if person.following else texts.GROUP_MEMBER_LEFT))
    if len(people) > SHOWN_AT_MOST:
        lines.append(texts.GROUP_MEMBERS_MORE.format(more=len(people) - SHOWN_AT_MOST))
    _audit(ctx, "view_group", stored)
    return [Text("\n".join(lines))]


def _add(ctx: Context, name: str, tail: str) -> list[Reply]:
    if not name:
        return [Text(texts.GROUP_NEED_NAME)]
    return _change(ctx, name, tail, adding=True)


def _remove(ctx: Context, name: str, tail: str) -> list[Reply]:
    if _known(ctx, name) is None:
        return _unknown(ctx, name) if name else [Text(texts.GROUP_NEED_NAME)]
    return _change(ctx, name, tail, adding=False)


def _change(ctx: Context, name: str, tail: str, adding: bool) -> list[Reply]:
    """Add or remove the people named in `tail`; say how many, and who matched nobody."""
    identifiers = groups.parse_identifiers(tail)
    if not identifiers:
        return [Text(texts.GROUP_NEED_PEOPLE.format(name=_known(ctx, name) or name))]
    found = groups.resolve(ctx.uow, identifiers)
    group_key, mirror = groups.key(name), ctx.runtime.zalo_tags
    if adding:
        stored, changed = groups.add(ctx.uow, name, found.user_ids, mirror)
    else:
        stored, changed = _known(ctx, name), groups.remove(ctx.uow, group_key, found.user_ids, mirror)
    template = texts.GROUP_ADDED if adding else texts.GROUP_REMOVED
    answer = [template.format(n=changed, name=stored, count=len(ctx.uow.groups.user_ids(group_key)))]
    if found.missing:
        answer.append(texts.GROUP_NOT_FOUND.format(missing=", ".join(found.missing)))
    return [Text("\n".join(answer))]


def _delete(ctx: Context, name: str, _tail: str) -> list[Reply]:
    stored = _known(ctx, name)
    if stored is None:
        return _unknown(ctx, name) if name else [Text(texts.GROUP_NEED_NAME)]
    count = groups.delete(ctx.uow, groups.key(name), ctx.runtime.zalo_tags)
    return [Text(texts.GROUP_DELETED.format(name=stored, count=count))]


def _audit(ctx: Context, action: str, target: str) -> None:
    staff = ctx.uow.staff.get(ctx.user_id)
    ctx.uow.audit.record(ctx.user_id, staff.name if staff else "", action, target)
