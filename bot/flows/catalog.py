"""Everything a conversation reads from config/: procedures, the main menu, the neighborhood's facts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from bot import texts
from bot.flows.emergencies import EmergencyMatcher, load_emergencies
from bot.flows.facts import Place
from bot.flows.intents import HUMAN, IntentMatcher
from bot.flows.procedure_files import load_procedures
from bot.flows.procedures import Procedure, ProcedureFileError
from bot.flows.promises import DAY_NAMES, WorkingTime
from bot.flows.text import normalize


@dataclass(frozen=True)
class DayPart:
    """A part of the day volunteers are rostered on (config/schedule.yaml): sáng, chiều, tối."""

    key: str
    title: str
    start: int
    end: int
    capacity: int


@dataclass(frozen=True)
class MenuItem:
    title: str
    targets: tuple[str, ...]  # procedure ids, or "ho_tro" (a person)


@dataclass(frozen=True)
class Neighborhood:
    name: str
    community_house: str
    hours: str
    phone: str
    places: tuple[Place, ...] = ()
    province: str = ""  # rules of one province («Hà Nội») are shown only to wards in it

    def place(self, key: str) -> Place | None:
        return next((p for p in self.places if p.key == key), None)


@dataclass(frozen=True)
class Catalog:
    procedures: dict[str, Procedure]
    menu: tuple[MenuItem, ...]
    neighborhood: Neighborhood
    matcher: IntentMatcher
    parts: tuple[DayPart, ...] = ()
    evening_reminder_hour: int = 19
    emergencies: EmergencyMatcher | None = None
    working_time: WorkingTime = WorkingTime()  # when promises run (config/schedule.yaml `working_time`)

    def part(self, key: str) -> DayPart | None:
        return next((p for p in self.parts if p.key == key), None)

    def title_of(self, target: str) -> str:
        return texts.HUMAN_OPTION if target == HUMAN else self.procedures[target].menu_title


def _read(path: Path) -> dict:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise ProcedureFileError(path, None, f"cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise ProcedureFileError(path, None, "must be a mapping")
    return data


def _menu(path: Path, procedures: dict[str, Procedure]) -> tuple[MenuItem, ...]:
    items = []
    for number, raw in enumerate(_read(path).get("items") or [], start=1):
        targets = tuple(raw.get("options") or [raw.get("procedure")]) if isinstance(raw, dict) else ()
        unknown = [t for t in targets if t != HUMAN and t not in procedures]
        if not isinstance(raw, dict) or not raw.get("title") or not targets or unknown:
            raise ProcedureFileError(path, None, f"menu item {number} needs a title and known procedures {unknown}")
        items.append(MenuItem(str(raw["title"]), targets))
    if not 1 <= len(items) <= 5:
        raise ProcedureFileError(path, None, "the menu needs 1 to 5 items")
    return tuple(items)


PLACE_KEYS = ("key", "name", "address", "hours", "phone")


def _places(path: Path, raw: object) -> tuple[Place, ...]:
    """The places residents ask about (optional): each with its facts and the words that name it."""
    places = []
    for number, item in enumerate(raw or [], start=1):
        words = item.get("words") if isinstance(item, dict) else None
        if not isinstance(item, dict) or not all(item.get(k) for k in PLACE_KEYS) or not isinstance(words, list) \
                or not words or not all(isinstance(w, str) and normalize(w) for w in words):
            raise ProcedureFileError(path, None, f"place {number} needs {', '.join(PLACE_KEYS)} and words (a list)")
        places.append(Place(*(str(item[k]).strip() for k in PLACE_KEYS), tuple(normalize(w) for w in words)))
    if len({p.key for p in places}) != len(places):
        raise ProcedureFileError(path, None, "places need unique keys")
    return tuple(places)


def _not_covered(path: Path) -> tuple[str, ...]:
    """Things no procedure covers (config/not_covered.yaml): a message naming one never starts a form."""
    phrases = _read(path).get("phrases")
    if not isinstance(phrases, list) or not all(isinstance(p, str) and normalize(p) for p in phrases):
        raise ProcedureFileError(path, None, "phrases must be a list of short phrases")
    return tuple(phrases)


def _schedule(path: Path) -> tuple[tuple[DayPart, ...], int, WorkingTime]:
    data = _read(path)
    parts = []
    for number, raw in enumerate(data.get("parts") or [], start=1):
        try:
            part = DayPart(str(raw["key"]), str(raw["title"]), int(raw["start"]), int(raw["end"]),
                           int(raw.get("capacity", 1)))
        except (KeyError, TypeError, ValueError):
            raise ProcedureFileError(path, None, f"part {number} needs key, title, start, end, capacity") from None
        if not 0 <= part.start < part.end <= 24 or part.capacity < 1:
            raise ProcedureFileError(path, None, f"part {number}: hours must run forward within 0–24")
        parts.append(part)
    if not parts:
        raise ProcedureFileError(path, None, "at least one part of the day is needed")
    return tuple(parts), int(data.get("evening_reminder_hour", 19)), _working_time(path, data.get("working_time"))


def _key_line(path: Path, key: str) -> int | None:
    """The line a top-level key starts on, for errors that name it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next((n for n, text in enumerate(lines, start=1) if text.startswith(f"{key}:")), None)


def _working_time(path: Path, raw: object) -> WorkingTime:
    """`working_time` (optional: Monday–Saturday 7h–21h): days (T2 … CN), start, end, holidays (dates)."""
    if raw is None:
        return WorkingTime()

    def fail(message):
        raise ProcedureFileError(path, _key_line(path, "working_time"), f"working_time: {message}")

    if not isinstance(raw, dict) or set(raw) - {"days", "start", "end", "holidays"}:
        fail("must be a mapping of days, start, end and holidays")
    days = raw.get("days", list(DAY_NAMES[:6]))
    if not isinstance(days, list) or not days or not all(d in DAY_NAMES for d in days):
        fail(f"days must be a list of {', '.join(DAY_NAMES)}")
    start, end = raw.get("start", 7), raw.get("end", 21)
    if type(start) is not int or type(end) is not int or not 0 <= start < end <= 24:
        fail("start and end must be whole hours with 0 <= start < end <= 24")
    holidays = raw.get("holidays") or []
    if not isinstance(holidays, list) or not all(type(h) is date for h in holidays):
        fail("holidays must be a list of dates (YYYY-MM-DD)")
    return WorkingTime(frozenset(DAY_NAMES.index(d) for d in days), start, end, frozenset(holidays))


def load_catalog(config_dir: Path, overrides: Path | None = None) -> Catalog:
    """Load and check config/; raise ProcedureFileError naming the file and line on any problem.

    `overrides` is one OA's own folder (EXTRA_OAS): any of its neighborhood.yaml, menu.yaml,
    schedule.yaml, emergencies.yaml, not_covered.yaml and procedures/*.yaml replaces the shared file of the
    same name."""
    def own(name: str) -> Path | None:
        path = overrides / name if overrides is not None else None
        return path if path is not None and path.exists() else None

    def pick(name: str) -> Path:
        return own(name) or config_dir / name

    procedures = load_procedures(config_dir / "procedures", own("procedures"))
    hood_path = pick("neighborhood.yaml")
    hood = _read(hood_path)
    missing = [k for k in ("name", "community_house", "hours", "phone") if not hood.get(k)]
    if missing:
        raise ProcedureFileError(hood_path, None, f"missing: {', '.join(missing)}")
    neighborhood = Neighborhood(**{k: str(hood[k]) for k in ("name", "community_house", "hours", "phone")},
                                places=_places(hood_path, hood.get("places")),
                                province=str(hood.get("province") or ""))
    matcher = IntentMatcher({pid: p.triggers for pid, p in procedures.items()}, neighborhood.places,
                            frozenset(pid for pid, p in procedures.items() if p.steps),
                            _not_covered(pick("not_covered.yaml")))
    parts, evening, working_time = _schedule(pick("schedule.yaml"))
    return Catalog(procedures, _menu(pick("menu.yaml"), procedures), neighborhood, matcher, parts, evening,
                   load_emergencies(pick("emergencies.yaml")), working_time)
