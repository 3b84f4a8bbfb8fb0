"""Appointments: book a free part of a day, tell its volunteers, remind, cancel or move, mark done."""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta

from bot import texts
from bot.clock import local
from bot.flows import render, slots
from bot.flows.catalog import Catalog
from bot.flows.phrases import APPOINTMENT_CANCEL, APPOINTMENT_MOVE
from bot.flows.state import Mode, State
from bot.flows.text import normalize
from bot.handlers import appointment_facts as about
from bot.handlers.context import Context
from bot.replies import Reply, Text, To
from bot.store.models import Appointment


def free_parts(uow, catalog: Catalog, day_text: str) -> tuple[str, ...]:
    """Keys of the parts of that day (dd/mm/yyyy) with fewer bookings than their capacity."""
    day = slots.day_of(day_text)
    if day is None:
        return ()
    uow.appointments.lock_day(day)  # held until this event's transaction ends: no two take the last place
    booked = uow.appointments.booked_per_part(day)
    return tuple(p.key for p in catalog.parts if booked.get(p.key, 0) < p.capacity)


def book(ctx: Context, request_row, answers: dict) -> list[Reply]:
    """Book the chosen slot; confirm it to the resident; tell that part's volunteers (or the leaders)."""
    procedure = ctx.catalog.procedures[request_row.kind]
    chosen = slots.chosen(ctx.catalog, procedure, answers)
    if chosen is None:
        return []
    day, part = chosen
    volunteers = about.rostered(ctx.uow, day, part.key)
    place = "tai_nha" if request_row.channel == "tai_nha" else "nha_van_hoa"
    row = ctx.uow.appointments.book(request_row.id, request_row.user_id, day, part.key, place,
                                    volunteers[0] if volunteers else None, ctx.runtime.clock())
    helper = ctx.uow.staff.get(volunteers[0]) if volunteers else None
    notice = texts.APPOINTMENT_NOTICE.format(code=request_row.code, when=about.when(ctx.catalog, row),
                                             place=texts.APPOINTMENT_PLACES[place],
                                             who=helper.name if helper else texts.APPOINTMENT_NOBODY,
                                             details=about.details(procedure, answers))
    return [Text(texts.APPOINTMENT_BOOKED.format(**about.facts(ctx.uow, ctx.catalog, row))),
            *[To(staff_id, Text(notice)) for staff_id in volunteers or about.leaders(ctx.uow)]]


def resident_command(ctx: Context) -> list[Reply] | None:
    """«hủy lịch» cancels the resident's next booking; «đổi lịch» cancels it and asks the day and part again."""
    said = normalize(ctx.event.text or "") if ctx.event.name == "user_send_text" else ""
    if said not in APPOINTMENT_CANCEL and said not in APPOINTMENT_MOVE:
        return None
    now = local(ctx.runtime.clock())
    upcoming = [a for a in ctx.uow.appointments.upcoming_for_user(ctx.user_id, now.date())
                if about.ends(ctx.catalog, a) > now]
    if not upcoming:
        return None if ctx.state().in_procedure else [Text(texts.NO_APPOINTMENT)]
    appointment, moving = upcoming[0], said in APPOINTMENT_MOVE
    facts = about.facts(ctx.uow, ctx.catalog, appointment)
    ctx.uow.appointments.set_status(appointment, "cancelled")
    ctx.uow.requests.set_status(appointment.request_id, "da_huy")
    staff_text = (texts.APPOINTMENT_MOVED_STAFF if moving else texts.APPOINTMENT_CANCELLED_STAFF).format(
        code=facts["code"], when=facts["when"], place=texts.APPOINTMENT_PLACES[appointment.place])
    told = [appointment.volunteer_id] if appointment.volunteer_id else about.leaders(ctx.uow)
    notices = [To(staff_id, Text(staff_text)) for staff_id in told]
    if not moving:
        return [Text(texts.APPOINTMENT_CANCELLED.format(**facts)), *notices]
    return [*_start_move(ctx, appointment, facts), *notices]


def todays_schedule(ctx: Context) -> list[Reply]:
    """«lịch hôm nay»: a volunteer's own appointments today; a leader's, everyone's."""
    today = local(ctx.runtime.clock()).date()
    rows = ctx.uow.appointments.for_day(today, None if ctx.role == "leader" else ctx.user_id)
    if not rows:
        return [Text(texts.TODAY_NONE.format(day=about.day_text(today)))]
    order = [p.key for p in ctx.catalog.parts]
    rows.sort(key=lambda a: (order.index(a.part) if a.part in order else len(order), a.id))
    lines = [texts.TODAY_TITLE.format(day=about.day_text(today))]
    for number, row in enumerate(rows, start=1):
        code, who = about.contact(ctx.uow, ctx.catalog, row)
        lines.append(texts.TODAY_LINE.format(number=number, code=code, part=about.part_title(ctx.catalog, row.part),
                                             place=texts.APPOINTMENT_PLACES[row.place], who=who,
                                             done=texts.TODAY_DONE if row.status == "done" else ""))
    return [Text("\n".join(lines))]


def mark_done(ctx: Context, code: str) -> list[Reply]:
    """«xong DL-0003»: the visit took place; the appointment and its request are done."""
    appointment = ctx.uow.appointments.by_code(code)
    if appointment is None:
        return [Text(texts.APPOINTMENT_UNKNOWN.format(code=code))]
    if appointment.status == "done":
        return [Text(texts.APPOINTMENT_ALREADY_DONE.format(code=code))]
    if appointment.status != "booked":
        return [Text(texts.APPOINTMENT_WAS_CANCELLED.format(code=code))]
    appointment.volunteer_id = appointment.volunteer_id or ctx.user_id  # whoever went, if nobody was rostered
    ctx.uow.appointments.set_status(appointment, "done")
    ctx.uow.requests.set_status(appointment.request_id, "da_xong")
    return [Text(texts.APPOINTMENT_DONE.format(code=code))]


def tick(uow, catalog: Catalog, now_utc: datetime) -> list[To]:
    """Reminders due now: the evening before and an hour before the part starts, each sent at most once."""
    now = local(now_utc)
    out: list[To] = []
    for row in uow.appointments.awaiting_reminders(now.date(), now.date() + timedelta(days=1)):
        part = catalog.part(row.part)
        if part is None:
            continue
        start = datetime.combine(row.day, time(part.start))
        hour_before = start - timedelta(hours=1)
        evening = datetime.combine(row.day - timedelta(days=1), time(catalog.evening_reminder_hour))
        booked_at = local(row.created_at)
        if now >= hour_before and row.reminded_hour_at is None:
            uow.appointments.mark_reminded(row, now_utc, evening=True, hour=True)  # a late evening one is moot
            template = texts.REMIND_HOUR if now < start and booked_at < hour_before else None
        elif evening <= now < hour_before and row.reminded_evening_at is None:
            uow.appointments.mark_reminded(row, now_utc, evening=True)
            template = texts.REMIND_EVENING if booked_at < evening else None
        else:
            continue
        if template:  # not when booked after that moment: the confirmation said it all
            out.append(To(row.user_id, Text(template.format(**about.facts(uow, catalog, row)))))
    return out


def _start_move(ctx: Context, appointment: Appointment, facts: dict) -> list[Reply]:
    """Resume the booking's conversation with every answer kept but the day and the part of the day."""
    request = ctx.uow.appointments.request_of(appointment)
    procedure = ctx.catalog.procedures[request.kind]
    index = procedure.step_index(slots.slot_step(procedure).date_field)
    ctx.save(State(mode=Mode.ASK, procedure=procedure.id, index=index, editing=True,
                   answers=slots.without_slots(procedure, json.loads(request.answers)),
                   consent_at=request.consent_at.isoformat() if request.consent_at else None,
                   updated_at=ctx.runtime.clock().isoformat()))
    return [Text(texts.APPOINTMENT_MOVING.format(**facts)), render.question(procedure.steps[index])]
