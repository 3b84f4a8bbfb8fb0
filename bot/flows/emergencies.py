"""Emergencies in what a resident types (config/emergencies.yaml): fire, crime, a person in danger. Pure.

Compared word by word, with regard to diacritics only where the resident typed them: «chay» may be
«cháy», but «chạy» (to run) is never «cháy» (fire). A phrase from the `not_emergency` list (talk about
fire safety, a first-aid class, a film, something long past) means the message is not an emergency; the
words of an `other_meanings` phrase («cơm cháy», «xe đang chạy») are set aside and the rest is read."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.flows.procedures import ProcedureFileError
from bot.flows.text import ABBREVIATIONS, strip_diacritics

Word = tuple[str, str]  # (as typed, lower case with its marks; without them)
KEYS = {"kinds", "not_emergency", "other_meanings"}
KIND_KEYS = {"key", "title", "call", "advice", "phrases"}
OPTIONAL_KIND_KEYS = {"fallback"}


@dataclass(frozen=True)
class EmergencyKind:
    key: str
    title: str  # for staff: «Cháy, nổ, rò rỉ khí gas»
    call: str  # the number to call first: 114, 113, 115 (or several, «113, 114, 115»)
    advice: str  # the first thing the resident reads
    phrases: tuple[tuple[Word, ...], ...]
    fallback: bool = False  # only when no other kind is found («cứu với»: which danger is not said)


def words_of(text: str) -> list[Word]:
    """The message's words, each with and without its marks; abbreviations spelled out («k» is «không»)."""
    words: list[Word] = []
    for raw in re.split(r"[\s.,!?;:()\"'“”«»…*~/\-]+", unicodedata.normalize("NFC", text or "").lower()):
        if not raw:
            continue
        plain = re.sub(r"[^a-z0-9]", "", strip_diacritics(raw))
        if plain in ABBREVIATIONS:  # «k» is «không», «dk» is «đăng ký»
            words += [(w, w) for w in ABBREVIATIONS[plain].split()]
        elif plain:
            words.append((raw, plain))
    return words


# A one-word phrase typed without its marks counts only in a message this short («chay!!!», «cuu voi»), or
# said twice («chay o day chay o day», «cuop cuop»): otherwise «chay» is as likely «chạy» (to run).
SHORT_MESSAGE = 3


def _same(said: Word | None, wanted: Word) -> bool:
    """A word typed without marks matches on letters alone (so does a phrase word written without them);
    one typed with them must match them too."""
    if said is None:  # a word set aside (it means something else together with its neighbours)
        return False
    if said[0] == said[1] or wanted[0] == wanted[1]:
        return said[1] == wanted[1]
    return said[0] == wanted[0]


def _marked(word: Word | None) -> bool:
    return word is not None and word[0] != word[1]


def set_aside(message: list[Word], phrases: tuple[tuple[Word, ...], ...]) -> list[Word | None]:
    """The message with the words of these phrases (found word for word, side by side) set to None."""
    kept: list[Word | None] = list(message)
    for phrase in phrases:
        for start in range(len(message) - len(phrase) + 1):
            if all(_same(message[start + i], w) for i, w in enumerate(phrase)):
                kept[start:start + len(phrase)] = [None] * len(phrase)
    return kept


def found(message: list[Word | None], phrase: tuple[Word, ...], gaps: bool = True) -> float:
    """How well the phrase is found in the message: its number of words, less a half when another word
    stands between two of them (at most one may, with `gaps`, before a word typed with its marks); 0 when
    it is not there."""
    best = 0.0
    for start in range(len(message) - len(phrase) + 1):
        if not _same(message[start], phrase[0]):
            continue
        if len(phrase) == 1 and message[start][0] == message[start][1] != phrase[0][0] \
                and len(message) > SHORT_MESSAGE and message.count(message[start]) < 2:
            continue
        position, gapped = start + 1, False
        for wanted in phrase[1:]:
            if position < len(message) and _same(message[position], wanted):
                position += 1
            elif gaps and position + 1 < len(message) and _same(message[position + 1], wanted) \
                    and _marked(message[position + 1]):  # without marks, «mat roi, xe» is not «mặt xệ»
                position, gapped = position + 2, True
            else:
                break
        else:
            best = max(best, len(phrase) - 0.5 * gapped)
    return best


@lru_cache(maxsize=None)
def _letters(phrase: tuple[Word, ...]) -> frozenset[str]:
    """A phrase's words without their marks (phrases come from the file: a few hundred, kept)."""
    return frozenset(plain for _typed, plain in phrase)


@dataclass(frozen=True)
class EmergencyMatcher:
    kinds: tuple[EmergencyKind, ...]
    not_emergency: tuple[tuple[Word, ...], ...]
    other_meanings: tuple[tuple[Word, ...], ...] = ()

    def match(self, text: str) -> EmergencyKind | None:
        """The kind of emergency the message reports now, or None: the kind with the longest phrase found."""
        words = words_of(text)
        letters = {plain for _typed, plain in words}

        def present(phrases):  # only phrases whose every word is in the message, without marks, are tried
            return [p for p in phrases if _letters(p) <= letters]

        if not words or any(found(words, p, gaps=False) for p in present(self.not_emergency)):
            return None
        message = set_aside(words, present(self.other_meanings))
        for kinds in ([k for k in self.kinds if not k.fallback], [k for k in self.kinds if k.fallback]):
            scores = [max((found(message, p) for p in present(kind.phrases)), default=0) for kind in kinds]
            if scores and max(scores):
                return kinds[scores.index(max(scores))]  # a tie: the kind first in the file
        return None

    def kind(self, key: str) -> EmergencyKind | None:
        return next((k for k in self.kinds if k.key == key), None)


def _phrases(path: Path, values: object, where: str) -> tuple[tuple[Word, ...], ...]:
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
        raise ProcedureFileError(path, None, f"{where} must be a non-empty list of phrases")
    phrases = tuple(tuple(words_of(v)) for v in values)
    if any(not p for p in phrases):
        raise ProcedureFileError(path, None, f"{where}: a phrase has no letters")
    return phrases


def load_emergencies(path: Path) -> EmergencyMatcher:
    """Read and check the emergencies file; raise ProcedureFileError naming what is wrong."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise ProcedureFileError(path, None, f"cannot read: {exc}") from exc
    if not isinstance(data, dict) or set(data) - KEYS or not isinstance(data.get("kinds"), list):
        raise ProcedureFileError(path, None, "needs `kinds` (a list) and `not_emergency`, nothing else")
    kinds = []
    for number, raw in enumerate(data["kinds"], start=1):
        if not isinstance(raw, dict) or not KIND_KEYS <= set(raw) <= KIND_KEYS | OPTIONAL_KIND_KEYS or not all(
                isinstance(raw[k], str) and raw[k].strip() for k in KIND_KEYS - {"phrases"}):
            raise ProcedureFileError(path, None, f"kind {number} needs {', '.join(sorted(KIND_KEYS))} "
                                                 f"(and may have fallback), nothing else")
        if not re.fullmatch(r"1\d\d(, 1\d\d)*", raw["call"].strip()):
            raise ProcedureFileError(path, None, f"kind {number}: call must be emergency numbers (113, 114, 115)")
        kinds.append(EmergencyKind(raw["key"].strip(), raw["title"].strip(), raw["call"].strip(),
                                   " ".join(raw["advice"].split()), _phrases(path, raw["phrases"], f"kind {number}"),
                                   raw.get("fallback") is True))
    if len({k.key for k in kinds}) != len(kinds) or not kinds:
        raise ProcedureFileError(path, None, "kinds need unique keys, and at least one kind")
    return EmergencyMatcher(tuple(kinds), _phrases(path, data.get("not_emergency"), "not_emergency"),
                            _phrases(path, data.get("other_meanings"), "other_meanings"))
