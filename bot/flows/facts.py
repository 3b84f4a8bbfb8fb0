"""The ward's own facts residents ask for: which place (ward office, police, health station) a message is
about, and whether it asks its hours, address or phone. Pure."""
from __future__ import annotations

from dataclasses import dataclass

from bot.flows.text import normalize, similar_word

# Words that ask for a place's facts: «mấy giờ», «nghỉ trưa», «ở đâu», «số điện thoại»…
ASKING_FACTS = tuple(p.split() for p in (
    "gio", "may gio", "nghi trua", "mo cua", "dong cua", "lam viec", "gio lam", "dia chi", "o dau", "cho nao",
    "duong nao", "so dien thoai", "dien thoai", "so", "goi", "lien he", "hotline", "nam o", "the nao"))
# A message this short that names a place asks about it («trạm y tế», «công an phường?»).
SHORT = 4
TYPO_LETTERS = 6  # a typo is allowed only in words this long (as in intent matching)


@dataclass(frozen=True)
class Place:
    key: str  # ward_office, police, health_station, or a ward's own
    name: str
    address: str
    hours: str
    phone: str
    words: tuple[str, ...]  # how residents name it, normalised


def _same(said: str, wanted: str) -> bool:
    """Equal, or a typo away in a word long enough to tell apart («phuong» for «phường»; short words must be exact)."""
    return said == wanted or len(wanted) >= TYPO_LETTERS and similar_word(said, wanted)


def _has(words: list[str], phrase: list[str]) -> bool:
    """The phrase's words stand together in the message, each one equal or a small typo away."""
    return any(all(_same(words[i + j], p) for j, p in enumerate(phrase))
               for i in range(len(words) - len(phrase) + 1))


def place_asked(places: tuple[Place, ...], text: str) -> Place | None:
    """The place the message asks the facts of (the one named by the longest words), or None."""
    words = normalize(text).split()
    if not words:
        return None
    named = [(len(phrase.split()), place) for place in places for phrase in place.words
             if _has(words, phrase.split())]
    if not named:
        return None
    if len(words) > SHORT and not any(_has(words, p) for p in ASKING_FACTS):
        return None
    return max(named, key=lambda pair: pair[0])[1]
