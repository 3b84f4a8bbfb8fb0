"""A right and a wrong answer for every step type, as a resident would type or send them."""
from datetime import date, timedelta
from pathlib import Path

import yaml

from bot.flows.procedures import Procedure, Step

WRONG = {"text": "a", "name": "12345", "date": "32/13/2024", "phone": "12345", "cccd": "12345",
         "number": "abc", "choice": "99", "yesno": "để tôi nghĩ", "address": "a", "slot": "99"}
SCHEDULE = Path(__file__).resolve().parent.parent / "config" / "schedule.yaml"


def right_text(step: Step, today: date) -> str:
    """A valid typed answer for a step (photo and location steps are answered with attachments)."""
    if step.type == "date":
        day = today + timedelta(days=min(step.within_days or 10, 3)) if step.when == "future" \
            else date(today.year - 80, 8, 15)  # a birth date of someone entitled by age, a deadline long past
        return day.strftime("%d/%m/%Y")
    if step.type == "choice":  # the first option that goes straight on (not one that offers to stop)
        return str(next(n for n, c in enumerate(step.choices, 1) if c not in step.offer_stop))
    if step.type == "yesno":
        return "không" if "yes" in step.offer_stop else "có"
    return {"text": "Đèn đường trước nhà số 12 bị hỏng", "name": "Nguyễn Văn An", "phone": "0912345678",
            "cccd": "001234567890", "number": "3", "choice": "1", "yesno": "có",
            "address": "Số 12 ngõ 5 phố Hoa Lư", "location": "Đầu ngõ 5 phố Hoa Lư", "slot": "1"}[step.type]


def stored_value(step: Step, today: date) -> str:
    """What the bot keeps for right_text (choices keep the option's words)."""
    if step.from_date:  # worked out from right_text's past day, 80 years ago: past any deadline, any age reached
        return "Có" if step.at_least_years is not None and step.at_least_years <= 80 else "Không"
    if step.type == "choice":
        return next(c for c in step.choices if c not in step.offer_stop)
    if step.type == "yesno":
        return "Không" if "yes" in step.offer_stop else "Có"
    if step.type == "slot":  # the first part of the day (all are free on an empty day ten days ahead)
        return yaml.safe_load(SCHEDULE.read_text(encoding="utf-8"))["parts"][0]["title"]
    return right_text(step, today)


def walked(procedure: Procedure, today: date) -> tuple[list[Step], list[Step]]:
    """The questions a resident giving right_text to each is asked, and the steps worked out from the
    answers, in order (only_if leaves some out)."""
    answers, asked, worked_out = {}, [], []
    for step in procedure.steps:
        if step.applies(answers):
            (asked if step.asked else worked_out).append(step)
            if step.type in ("choice", "yesno"):  # the answers only_if looks at
                answers[step.field] = stored_value(step, today)
    return asked, worked_out


def asked_in_a_walk(procedure: Procedure, today: date) -> list[Step]:
    return walked(procedure, today)[0]
