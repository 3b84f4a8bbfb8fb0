"""A resident reports an emergency: the number to call at once, every leader and volunteer told whatever
the hour, an urgent request logged; then the location, if the resident sends one.

Personal data: the resident's words and location go to the staff without asking consent first, because a
life may be at stake (Luật Bảo vệ dữ liệu cá nhân 2025 allows processing to protect life and health)."""
from __future__ import annotations

from datetime import timedelta

from bot import texts
from bot.flows.maps import location_map_url
from bot.handlers.context import Context
from bot.replies import Reply, Text, To
from bot.services import groups

CODE = "KC"
KIND = "khan_cap"
# An emergency is still going on this long after it was reported: more words and a location join it.
ONGOING = timedelta(minutes=30)
WORDS_SHOWN = 500  # characters of the resident's message that reach the staff


def resident_message(ctx: Context) -> list[Reply] | None:
    """Answer an emergency in a resident's text (None when there is none); a location sent while one is
    going on joins it."""
    if ctx.is_staff or ctx.catalog.emergencies is None:
        return None
    if ctx.event.name == "user_send_location":
        return _location(ctx)
    if ctx.event.name != "user_send_text" or not (ctx.event.text or "").strip():
        return None
    kind = ctx.catalog.emergencies.match(ctx.event.text)
    if kind is None:
        return None
    now, words = ctx.runtime.clock(), ctx.event.text.strip()[:WORDS_SHOWN]
    going_on = ctx.uow.requests.latest_open(ctx.user_id, KIND, now - ONGOING)
    staff = _everyone(ctx)
    if going_on is not None:
        more = texts.EMERGENCY_MORE.format(code=going_on.code, name=_name(ctx), words=words)
        return [Text(texts.EMERGENCY_AGAIN.format(advice=kind.advice, code=going_on.code)),
                *[To(s, Text(more)) for s in staff]]
    request = ctx.uow.requests.create(CODE, KIND, ctx.user_id, {"loai": kind.key, "tin_nhan": words}, None,
                                      urgent=True, at=now)
    notice = texts.EMERGENCY_NOTICE.format(code=request.code, kind=kind.title, name=_name(ctx), phone=_phone(ctx),
                                           words=words, where=texts.EMERGENCY_NO_LOCATION, call=kind.call)
    return [Text(texts.EMERGENCY_REPLY.format(advice=kind.advice, local=_local_phones(ctx), code=request.code)),
            *[To(s, Text(notice)) for s in staff], Text(texts.EMERGENCY_ASK_LOCATION)]


def _location(ctx: Context) -> list[Reply] | None:
    """A location while an emergency is going on: to the staff as a map link, kept with the request."""
    going_on = ctx.uow.requests.latest_open(ctx.user_id, KIND, ctx.runtime.clock() - ONGOING)
    point = ctx.event.attachments[0].payload.get("coordinates") if ctx.event.attachments else None
    if going_on is None or not isinstance(point, dict):
        return None
    lat, lng = str(point.get("latitude", "")), str(point.get("longitude", ""))
    ctx.uow.requests.set_answers(going_on, {**ctx.uow.requests.answers_of(going_on.id), "vi_tri": f"{lat},{lng}"})
    link = location_map_url(point) or f"{lat},{lng}"
    notice = texts.EMERGENCY_LOCATION_STAFF.format(code=going_on.code, name=_name(ctx), map=link)
    return [Text(texts.EMERGENCY_LOCATION_THANKS.format(code=going_on.code)),
            *[To(s, Text(notice)) for s in _everyone(ctx)]]


def _everyone(ctx: Context) -> list[str]:
    """The leaders and every volunteer, on duty or not."""
    return [s.zalo_id for role in ("leader", "volunteer") for s in ctx.uow.staff.with_role(role)]


def _name(ctx: Context) -> str:
    member = ctx.uow.members.get(ctx.user_id)
    registered = member.full_name if member is not None else None
    return registered or groups.display_name(member, ctx.user_id)


def _phone(ctx: Context) -> str:
    member = ctx.uow.members.get(ctx.user_id)
    return f" (số {member.phone})" if member is not None and member.phone else ""


def _local_phones(ctx: Context) -> str:
    hood = ctx.catalog.neighborhood
    places = [hood.place(key) for key in ("police", "health_station")]
    lines = [texts.EMERGENCY_LOCAL.format(name=p.name, phone=p.phone) for p in places if p is not None]
    return "\n".join(lines + [texts.EMERGENCY_LOCAL.format(name=hood.name, phone=hood.phone)])

