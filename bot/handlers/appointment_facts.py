"""What an appointment is, in words: its code, day and part, place; and who is rostered for it."""
from __future__ import annotations

import json
from datetime import date, datetime, time

from bot import texts
from bot.flows import slots
from bot.flows.catalog import Catalog
from bot.store.models import Appointment

CONTACT_TYPES = ("name", "phone", "address", "location")  # what a volunteer needs to find the resident


def rostered(uow, day: date, part: str) -> list[str]:
    """Volunteers on the roster for that part of that weekday, in the order they were added."""
    volunteers = {s.zalo_id for s in uow.staff.with_role("volunteer")}
    shifts = sorted(uow.staff.shifts(), key=lambda s: s.id)
    return list(dict.fromkeys(s.staff_zalo_id for s in shifts if s.part == part and s.weekday in (-1, day.weekday())
                              and s.staff_zalo_id in volunteers))


def leaders(uow) -> list[str]:
    return [s.zalo_id for s in uow.staff.with_role("leader")]


def request_of(uow, catalog: Catalog, appointment: Appointment):
    """The booking's reference code, procedure and answers."""
    request = uow.appointments.request_of(appointment)
    if request is None:
        return "?", None, {}
    return request.code, catalog.procedures.get(request.kind), json.loads(request.answers or "{}")


def facts(uow, catalog: Catalog, appointment: Appointment) -> dict:
    """Code, day and part, and place of a booking, as the resident reads them."""
    code, procedure, answers = request_of(uow, catalog, appointment)
    place = texts.APPOINTMENT_AT_HOUSE.format(house=catalog.neighborhood.community_house)
    if appointment.place == "tai_nha":
        address = next((answers[s.field] for s in (procedure.steps if procedure else ())
                        if s.type in ("address", "location") and answers.get(s.field)), "")
        place = texts.APPOINTMENT_AT_HOME.format(address=address) if address else texts.APPOINTMENT_AT_HOME_NO_ADDRESS
    return {"code": code, "when": when(catalog, appointment), "place": place}


def contact(uow, catalog: Catalog, appointment: Appointment) -> tuple[str, str]:
    """The code, and the resident's name, phone and address as they answered them."""
    code, procedure, answers = request_of(uow, catalog, appointment)
    steps = procedure.steps if procedure else ()
    return code, ", ".join(answers[s.field] for s in steps if s.type in CONTACT_TYPES and answers.get(s.field))


def details(procedure, answers: dict) -> str:
    """Every answer with its label but the day and part (the notice starts with them), for the volunteer."""
    booked = {f for s in procedure.steps if s.type == "slot" for f in (s.field, s.date_field)}
    return "\n".join(f"{s.label}: {answers.get(s.field) or texts.SKIPPED}" for s in procedure.steps
                     if s.field not in booked)


def when(catalog: Catalog, appointment: Appointment) -> str:
    return texts.APPOINTMENT_WHEN.format(weekday=texts.WEEKDAYS[appointment.day.weekday()],
                                         day=day_text(appointment.day), part=part_title(catalog, appointment.part))


def part_title(catalog: Catalog, key: str) -> str:
    part = catalog.part(key)
    return part.title if part else key


def ends(catalog: Catalog, appointment: Appointment) -> datetime:
    """Local time the booked part of the day ends (the day's end for a part no longer configured)."""
    part = catalog.part(appointment.part)
    return datetime.combine(appointment.day, time.max if part is None or part.end >= 24 else time(part.end))


def day_text(day: date) -> str:
    return day.strftime(slots.DAY_FORMAT)
