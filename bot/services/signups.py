"""An announcement's sign-up: residents say they come (and with how many people), say no, or cancel;
past the limit they wait in line and move up when someone cancels; reminders the evening before and
an hour before. Plain functions over a unit of work; bot/handlers/signup.py is the chat side."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot import texts
from bot.clock import local, utc
from bot.privacy import masking
from bot.replies import Choices, Reply, Text, To
from bot.services.casework import tell_resident
from bot.services.groups import display_name
from bot.store import UnitOfWork
from bot.store.members import in_window
from bot.store.models import Announcement, Signup
from bot.store.signups import CANCELLED, DECLINED, GOING, WAITING

MOST_PEOPLE = 10  # one resident signs up at most this many people
EVENING_HOUR = 19  # the reminder the evening before goes from this hour (local)…
EVENING_END_HOUR = 21  # …until this one, so it never wakes anyone
HOUR_BEFORE = timedelta(hours=1)

# What a sign-up button sends back, unseen: «#dangky 12», «#khongthamgia 12», «#songuoi 12 3», «#huydangky 12»
SIGN_UP, DECLINE, PEOPLE, CANCEL = "#dangky", "#khongthamgia", "#songuoi", "#huydangky"
PAYLOADS = (SIGN_UP, DECLINE, PEOPLE, CANCEL)


@dataclass(frozen=True)
class SignupRow:
    """One line of the leader's list: no Zalo id, the phone masked."""

    name: str
    phone: str
    people: int
    status: str
    position: int | None  # on the waiting list
    at: datetime


def when_text(announcement: Announcement) -> str:
    """«8:00 Thứ Bảy 12/12/2026»."""
    if announcement.event_at is None:
        return ""
    moment = local(announcement.event_at)
    return f"{moment:%H:%M} {texts.WEEKDAYS[moment.weekday()]} {moment:%d/%m/%Y}"


def is_open(announcement: Announcement, now: datetime) -> bool:
    """A sign-up residents can still answer: sent, and its event not begun."""
    return bool(announcement.signup_title) and announcement.status in ("sending", "done") \
        and announcement.event_at is not None and now < announcement.event_at


def question(announcement: Announcement) -> Choices:
    """What closes the notice: «1. Đăng ký  2. Không tham gia», each button tied to this announcement."""
    limit = texts.SIGNUP_LIMIT_NOTE.format(limit=announcement.signup_limit) if announcement.signup_limit else ""
    return Choices(texts.SIGNUP_ASK.format(title=announcement.signup_title, when=when_text(announcement),
                                           limit=limit),
                   texts.SIGNUP_OPTIONS, payloads=(f"{SIGN_UP} {announcement.id}", f"{DECLINE} {announcement.id}"))


def _people_question(announcement: Announcement, text: str) -> Choices:
    return Choices(f"{text}\n{texts.SIGNUP_HOW_MANY}", texts.SIGNUP_PEOPLE_OPTIONS,
                   payloads=tuple(f"{PEOPLE} {announcement.id} {n}"
                                  for n in range(1, len(texts.SIGNUP_PEOPLE_OPTIONS) + 1)))


def _fmt(template: str, announcement: Announcement, **values) -> str:
    return template.format(title=announcement.signup_title, when=when_text(announcement), **values)


def _seats_left(uow: UnitOfWork, announcement: Announcement, besides: Signup | None = None) -> int | None:
    """Places still free (None: no limit); `besides`'s own places count as free."""
    if not announcement.signup_limit:
        return None
    taken = uow.signups.seats_taken(announcement.id)
    if besides is not None and besides.status == GOING:
        taken -= besides.people
    return max(announcement.signup_limit - taken, 0)


def sign_up(uow: UnitOfWork, announcement: Announcement, user_id: str, people: int | None,
            now: datetime) -> list[Reply]:
    """«Đăng ký» (people None: keep what they said before, else 1) or «N người»."""
    if not is_open(announcement, now):
        return [Text(_fmt(texts.SIGNUP_CLOSED, announcement))]
    if people is not None and not 1 <= people <= MOST_PEOPLE:
        return [Text(texts.SIGNUP_PEOPLE_RANGE.format(most=MOST_PEOPLE))]
    if people is not None and announcement.signup_limit and people > announcement.signup_limit:
        return [Text(_fmt(texts.SIGNUP_OVER_LIMIT, announcement, limit=announcement.signup_limit))]
    row = uow.signups.get(announcement.id, user_id)
    if row is not None and row.status in (GOING, WAITING):
        return _change_people(uow, announcement, row, people, now)
    people = people or 1
    left = _seats_left(uow, announcement)
    status = GOING if left is None or people <= left else WAITING
    if row is None:
        row = uow.signups.add(announcement.id, user_id, people, status, now)
    else:  # said no or cancelled before: back at the end of the line
        row.people, row.status, row.queued_at, row.updated_at = people, status, now, now
    if status == WAITING:
        return [Text(_fmt(texts.SIGNUP_WAITING, announcement, people=people, position=uow.signups.position(row)))]
    return [_people_question(announcement, _fmt(texts.SIGNUP_GOING, announcement, people=people))]


def _change_people(uow: UnitOfWork, announcement: Announcement, row: Signup, people: int | None,
                   now: datetime) -> list[Reply]:
    if people is None or people == row.people:
        if row.status == WAITING:
            return [Text(_fmt(texts.SIGNUP_STILL_WAITING, announcement, people=row.people,
                              position=uow.signups.position(row)))]
        return [_people_question(announcement, _fmt(texts.SIGNUP_GOING, announcement, people=row.people))]
    if row.status == WAITING:
        row.people, row.updated_at = people, now
        return [Text(_fmt(texts.SIGNUP_STILL_WAITING, announcement, people=people,
                          position=uow.signups.position(row)))]
    left = _seats_left(uow, announcement, besides=row)
    if left is not None and people > left:
        return [Text(_fmt(texts.SIGNUP_TOO_MANY, announcement, left=left, people=row.people))]
    fewer = people < row.people
    row.people, row.updated_at = people, now
    moved = move_up(uow, announcement, now) if fewer else []
    return [Text(_fmt(texts.SIGNUP_PEOPLE_CHANGED, announcement, people=people)), *moved]


def cancel(uow: UnitOfWork, announcement: Announcement, user_id: str, now: datetime) -> list[Reply]:
    """«hủy đăng ký»: the place goes to the first ones waiting that it fits (each told)."""
    row = uow.signups.get(announcement.id, user_id)
    if row is None or row.status not in (GOING, WAITING):
        return [Text(_fmt(texts.SIGNUP_NOT_SIGNED, announcement))]
    if not is_open(announcement, now):
        return [Text(_fmt(texts.SIGNUP_CLOSED, announcement))]
    return [Text(_fmt(texts.SIGNUP_CANCELLED, announcement)), *_leave(uow, announcement, row, CANCELLED, now)]


def decline(uow: UnitOfWork, announcement: Announcement, user_id: str, now: datetime) -> list[Reply]:
    """«Không tham gia»: noted (a place held before is given up)."""
    if not is_open(announcement, now):
        return [Text(_fmt(texts.SIGNUP_CLOSED, announcement))]
    row = uow.signups.get(announcement.id, user_id)
    if row is None:
        uow.signups.add(announcement.id, user_id, 1, DECLINED, now)
        return [Text(_fmt(texts.SIGNUP_DECLINED, announcement))]
    return [Text(_fmt(texts.SIGNUP_DECLINED, announcement)), *_leave(uow, announcement, row, DECLINED, now)]


def _leave(uow: UnitOfWork, announcement: Announcement, row: Signup, status: str, now: datetime) -> list[To]:
    """Cancelled or not taking part: a place held is given to the waiting list (those told)."""
    was_going = row.status == GOING
    row.status, row.updated_at = status, now
    return move_up(uow, announcement, now) if was_going else []


def give_up_places(uow: UnitOfWork, user_id: str, now: datetime) -> list[To]:
    """Before a member's data is erased: the places they hold in sign-ups still open go to the waiting
    list (those moving up are told), as if they had cancelled."""
    told: list[To] = []
    for announcement in uow.signups.open_for(user_id, now):
        row = uow.signups.get(announcement.id, user_id)
        if row is not None and row.status == GOING:
            told += _leave(uow, announcement, row, CANCELLED, now)
    return told


def move_up(uow: UnitOfWork, announcement: Announcement, now: datetime) -> list[To]:
    """Give free places to the waiting list in its order, as long as the first in line fits; tell each
    one who moves up (now inside Zalo's 7-day window, else with their next message)."""
    told: list[To] = []
    left = _seats_left(uow, announcement)
    for row in uow.signups.waiting_line(announcement.id):
        if left is not None and row.people > left:
            break
        row.status, row.updated_at = GOING, now
        left = None if left is None else left - row.people
        told += tell_resident(uow, row.user_id, _fmt(texts.SIGNUP_MOVED_UP, announcement, people=row.people),
                              "signup", now)
    return told


# --- the leader's view --------------------------------------------------------------------------------

def counts(uow: UnitOfWork, announcement: Announcement) -> dict[str, int]:
    """going / going_people / waiting / waiting_people / declined / cancelled / seats_left (-1: no limit)."""
    by_status = uow.signups.counts(announcement.id)
    going, going_people = by_status.get(GOING, (0, 0))
    waiting, waiting_people = by_status.get(WAITING, (0, 0))
    left = max(announcement.signup_limit - going_people, 0) if announcement.signup_limit else -1
    return {"going": going, "going_people": going_people, "waiting": waiting, "waiting_people": waiting_people,
            "declined": by_status.get(DECLINED, (0, 0))[0], "cancelled": by_status.get(CANCELLED, (0, 0))[0],
            "seats_left": left}


def roster(uow: UnitOfWork, announcement: Announcement) -> list[SignupRow]:
    """Everyone who answered, going first, then the waiting list in order: the name as registered (else
    the Zalo name), the phone masked."""
    rows, position = [], 0
    for row in uow.signups.listing(announcement.id):
        member = uow.members.get(row.user_id)
        if row.status == WAITING:
            position += 1
        rows.append(SignupRow(name=display_name(member, row.user_id),
                              phone=masking.phone(member.phone if member else None), people=row.people,
                              status=row.status, position=position if row.status == WAITING else None,
                              at=row.created_at))
    return rows


def statistics_text(uow: UnitOfWork, now: datetime) -> str:
    """«thống kê»'s lines on sign-ups whose event is still ahead ("" when there are none)."""
    upcoming = uow.signups.with_event_between(now, now + timedelta(days=366))
    if not upcoming:
        return ""
    lines = [texts.SIGNUP_STATS_TITLE]
    for announcement in upcoming:
        totals = counts(uow, announcement)
        limit = f"/{announcement.signup_limit}" if announcement.signup_limit else ""
        lines.append(texts.SIGNUP_STATS_LINE.format(
            id=announcement.id, title=announcement.signup_title, when=when_text(announcement),
            people=totals["going_people"], limit=limit, waiting=totals["waiting"], declined=totals["declined"]))
    return "\n" + "\n".join(lines)


# --- reminders ----------------------------------------------------------------------------------------

def evening_before(announcement: Announcement) -> datetime:
    """19:00 local the day before the event, in UTC."""
    day = local(announcement.event_at).date() - timedelta(days=1)
    return utc(datetime.combine(day, time(EVENING_HOUR)))


def reminders(uow: UnitOfWork, now: datetime) -> list[To]:
    """The reminders due at `now`, each announcement's once: the evening before (19h–21h local) and an
    hour before, to those going who signed up before the reminder's time and are inside Zalo's 7-day
    window (a reminder kept for later would come too late)."""
    out: list[To] = []
    for announcement in uow.signups.with_event_between(now, now + timedelta(days=2)):
        evening = evening_before(announcement)
        if announcement.reminded_evening_at is None and evening <= now < evening + timedelta(
                hours=EVENING_END_HOUR - EVENING_HOUR) and now < announcement.event_at - HOUR_BEFORE:
            announcement.reminded_evening_at = now
            out += _remind(uow, announcement, texts.SIGNUP_REMIND_EVENING, evening, now)
        hour = announcement.event_at - HOUR_BEFORE
        if announcement.reminded_hour_at is None and hour <= now < announcement.event_at:
            announcement.reminded_hour_at = now
            out += _remind(uow, announcement, texts.SIGNUP_REMIND_HOUR, hour, now)
    return out


def _remind(uow: UnitOfWork, announcement: Announcement, template: str, signed_before: datetime,
            now: datetime) -> list[To]:
    out = []
    for row in uow.signups.going(announcement.id):
        if in_window(uow.members.get(row.user_id), now) and row.queued_at <= signed_before:
            out.append(To(row.user_id, Text(_fmt(template, announcement, people=row.people))))
    return out
