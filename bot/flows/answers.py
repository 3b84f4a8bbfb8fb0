"""Read and check one answer for a step type. Pure: (step, input, today) → value or the problem."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.flows.dates import has_no_year, parse_date
from bot.flows.phrases import AGREE_STARTS, NO, NOT_KNOWN, POLITE_WORDS, SKIP, YES
from bot.flows.procedures import Step
from bot.flows.text import normalize, similar_phrase, similar_word, strip_diacritics


@dataclass(frozen=True)
class Given:
    """What the resident sent for a question."""

    kind: str = "text"  # text | image | location | other
    text: str = ""
    url: str = ""
    lat: str = ""
    lng: str = ""


@dataclass(frozen=True)
class Checked:
    value: str | None = None
    problem: str | None = None  # key of texts.ANSWER_PROBLEMS

    @property
    def ok(self) -> bool:
        return self.problem is None


def check(step: Step, given: Given, today: date) -> Checked:
    """Validate an answer for `step`; return the stored value or a problem key."""
    if step.type == "photo":
        return Checked(given.url) if given.kind == "image" and given.url else Checked(problem="photo")
    said = normalize(given.text) if given.kind == "text" else ""
    if step.type != "choice" and (said in NOT_KNOWN or said in SKIP and step.type != "yesno"):
        return Checked(problem="unknown")  # «bỏ qua» where an answer is needed (optional steps skip before)
    if step.type == "location":
        if given.kind == "location" and given.lat and given.lng:
            return Checked(f"{given.lat},{given.lng}")
        return _address(given.text) if given.kind == "text" else Checked(problem="location")
    if given.kind != "text" or not given.text.strip():
        return Checked(problem="need_text")
    reader = READERS[step.type]
    return reader(step, given.text.strip(), today)


def is_skip(text: str) -> bool:
    return normalize(text) in SKIP


def _text(step: Step, text: str, today: date) -> Checked:
    return Checked(text) if 2 <= len(text) <= 1000 else Checked(problem="text")


# Words before a name («tôi tên là», «bà», «cháu»…), compared without diacritics for the phrases and with
# them for the forms of address («Bế», «Bá» are names, «bé», «bà» are not; «ông» is a surname too).
NAME_LEAD_INS = tuple(p.split() for p in ("toi ten la", "ten toi la", "ho va ten la", "ho ten la", "ten chau la",
                                          "chau ten la", "ten be la", "be ten la", "ten la", "ten"))
FORMS_OF_ADDRESS = {"bà", "cụ", "bác", "anh", "chị", "em", "cháu", "con", "bé"}
AFTER_A_NAME = {"ạ", "a", "nhé", "nha", "ơi"}
# Words no Vietnamese name holds: «không biết», «chưa đặt tên», «hôm qua» are not names.
NOT_IN_A_NAME = {"không", "khong", "chưa", "chua", "biết", "biet", "nhớ", "hôm", "rồi", "gì", "đâu", "nào"}


def _name(step: Step, text: str, today: date) -> Checked:
    words = [w.strip(".,;:!?\"'()") for w in text.split()]
    words = [w for w in words if w]
    plain = [strip_diacritics(w).lower() for w in words]
    lead = next((len(p) for p in NAME_LEAD_INS if plain[:len(p)] == p and len(words) - len(p) >= 2), 0)
    words = words[lead:]
    while len(words) > 2 and words[0].lower() in FORMS_OF_ADDRESS:
        words = words[1:]
    while len(words) > 2 and words[-1].lower() in AFTER_A_NAME:
        words = words[:-1]
    if any(w.lower() in NOT_IN_A_NAME for w in words):
        return Checked(problem="unknown")
    if not 2 <= len(words) <= 7 or not all(re.fullmatch(r"[^\W\d_]+", w) for w in words):
        return Checked(problem="name")
    return Checked(" ".join(w[:1].upper() + w[1:].lower() for w in words))


# An address holds a house number, a word for a street, alley or hamlet, or a landmark: «nhà tôi», «ở đây» are
# not addresses. Landmarks whose letters alone are common words («cho» is also «chợ») count only with marks.
STREET_WORDS = set("""so ngo ngach hem kiet duong pho to thon xom khu ap lo kiot phuong xa quan huyen tinh truong
toa tang phong bai san""".split())
LANDMARKS = tuple(p.split() for p in ("chung cu", "cong vien", "ben xe", "nga tu", "nga ba", "van hoa", "uy ban",
                                      "nha tho", "benh vien", "tram y te", "cong an"))
MARKED_LANDMARKS = {"chợ", "cổng", "đình", "chùa", "cầu", "sân"}


def _names_a_place(text: str) -> bool:
    words = normalize(text).split()
    marked = {w.strip(".,;:!?") for w in text.lower().split()}
    return (any(ch.isdigit() for ch in text) or any(w in STREET_WORDS for w in words)
            or any(words[i:i + len(p)] == p for p in LANDMARKS for i in range(len(words)))
            or bool(marked & MARKED_LANDMARKS))


def _address(text: str) -> Checked:
    cleaned = " ".join(text.split())
    if 5 <= len(cleaned) <= 300 and len(cleaned.split()) >= 2 and _names_a_place(cleaned):
        return Checked(cleaned)
    return Checked(problem="address")


def phone_number(text: str) -> str | None:
    """A Vietnamese phone number as 10 (mobile) or 11 (landline) digits from 0, or None."""
    digits = re.sub(r"[\s.\-()]", "", text)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if re.fullmatch(r"0[35789]\d{8}", digits) or re.fullmatch(r"02\d{9}", digits):
        return digits
    return None


def _phone(step: Step, text: str, today: date) -> Checked:
    number = phone_number(text)
    return Checked(number) if number else Checked(problem="phone")


def _cccd(step: Step, text: str, today: date) -> Checked:
    digits = re.sub(r"[\s.\-]", "", text)
    return Checked(digits) if re.fullmatch(r"0\d{11}", digits) else Checked(problem="cccd")


def _number(step: Step, text: str, today: date) -> Checked:
    digits = re.sub(r"[\s.,]", "", text)
    return Checked(str(int(digits))) if digits.isdigit() and len(digits) <= 9 else Checked(problem="number")


def agrees(text: str) -> bool | None:
    """A clear yes (True), a clear no (False), or neither (None): a question such as «có mất tiền không»,
    a bare «dạ», anything else. A leading «dạ» and a trailing «ạ», «nhé», «cháu» are politeness."""
    said = normalize(text)
    if said in NOT_KNOWN:
        return None
    words = said.split()
    while len(words) > 1 and words[-1] in POLITE_WORDS:
        words.pop()
    if len(words) > 1 and words[0] == "da":
        words = words[1:]
    if words[:1] in (["khong"], ["chua"]) or "khong dong y" in " ".join(words):
        return False
    if "khong" in words:
        return None
    return True if any(words[:len(start.split())] == start.split() for start in AGREE_STARTS) else None


def _yesno(step: Step, text: str, today: date) -> Checked:
    said = normalize(text)
    # The step's own words first, the longest found deciding: «không muốn để lại tên» (a yes to «gửi mà
    # không để lại tên?») holds «để lại tên» (a no)
    found = [(len(p), key) for key, phrases in step.words.items() for p in phrases if f" {p} " in f" {said} "]
    if found:
        return Checked("Có" if max(found)[1] == "yes" else "Không")
    if said in YES or (said.startswith("co ") and len(said) < 12):
        return Checked("Có")
    if said in NO or said.startswith(("khong ", "chua ")):
        return Checked("Không")
    agreed = agrees(text)
    if agreed is not None:
        return Checked("Có" if agreed else "Không")
    return Checked(problem="yesno")


def pick_option(text: str, options: tuple[str, ...] | list[str], words: dict | None = None) -> int | None:
    """Index of the option a resident chose by number, by its words or by a button, or by the other words
    `words` gives for an option («cháu trai» for «Nam»); None if unclear."""
    said = normalize(text)
    number = said[3:] if said.startswith("so ") else said
    if number.isdigit():
        return int(number) - 1 if 1 <= int(number) <= len(options) else None
    normalized = [normalize(o) for o in options]
    if said in normalized:  # an option word for word beats one a typo away («không rõ» is not «không có»)
        return normalized.index(said)
    for index, option in enumerate(normalized):
        if similar_phrase(said, option):
            return index
    # Words found in exactly one option ("trai", "nha van hoa") pick that option.
    hits = [i for i, option in enumerate(normalized)
            if said and (f" {said} " in f" {option} " or all(any(similar_word(w, o) for o in option.split())
                                                             for w in said.split()))]
    if len(hits) == 1:
        return hits[0]
    named = {i for i, option in enumerate(options) for w in (words or {}).get(option, ())
             if f" {w} " in f" {said} "}
    return named.pop() if len(named) == 1 else None


# How residents rate help in words, worst first: the first group a message holds decides («chưa tốt» is
# not «tốt»). Ratings are 1 (Chưa tốt), 2 (Tạm được), 3 (Tốt).
RATING_WORDS = ((1, ("chua tot", "khong tot", "te", "kem", "cham qua", "chan", "khong hai long", "do qua", "toi te")),
                (2, ("tam duoc", "tam tam", "binh thuong", "cung duoc", "tam on", "thuong thoi", "duoc")),
                (3, ("tot", "hai long", "tuyet", "nhiet tinh", "rat hay", "cam on", "thank")))


def rating_of(text: str, options: tuple[str, ...]) -> int | None:
    """A rating 1–3 from a number, an option or the words residents use («tốt lắm, cảm ơn cháu»); None when
    the message is no rating."""
    index = pick_option(text, options)
    if index is not None:
        return index + 1
    words = normalize(text).split()
    for rating, phrases in RATING_WORDS:
        if any(words[i:i + len(p.split())] == p.split() for p in phrases for i in range(len(words))):
            return rating
    return None


def _choice(step: Step, text: str, today: date) -> Checked:
    index = pick_option(text, step.choices, step.words)
    return Checked(step.choices[index]) if index is not None else Checked(problem="choice")


def _date(step: Step, text: str, today: date) -> Checked:
    day = parse_date(text, today, ahead=step.when == "future")
    if day is None:
        return Checked(problem="date")
    if step.year_required and has_no_year(text):
        return Checked(problem="date_year")
    if step.when == "past" and day > today:
        return Checked(problem="date_future")
    if step.when == "future" and day < today:
        return Checked(problem="date_past")
    if step.within_days and abs((day - today).days) > step.within_days:
        return Checked(problem="date_too_far")
    return Checked(day.strftime("%d/%m/%Y"))


READERS = {"text": _text, "name": _name, "address": lambda s, t, d: _address(t), "phone": _phone,
           "cccd": _cccd, "number": _number, "yesno": _yesno, "choice": _choice, "date": _date}
