"""Normalise what residents type: no diacritics, lower case, common abbreviations spelled out."""
from __future__ import annotations

import re
import unicodedata

# Abbreviations residents type on phones, as whole words.
ABBREVIATIONS = {
    "dk": "dang ky", "dky": "dang ky", "ki": "ky", "dki": "dang ky", "ko": "khong", "k": "khong", "kg": "khong",
    "khg": "khong", "hok": "khong", "j": "gi", "vs": "voi", "ntn": "nhu the nao",
    "bn": "bao nhieu", "dc": "duoc", "đc": "duoc", "cccd": "can cuoc", "tks": "cam on", "ok": "ok",
    "hs": "ho so", "sdt": "so dien thoai", "bhyt": "bao hiem y te", "tnv": "tinh nguyen vien",
    "ubnd": "uy ban", "xn": "xac nhan", "ah": "a", "oke": "ok", "okie": "ok", "okay": "ok",
}


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese tone and vowel marks; đ becomes d."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def normalize(text: str) -> str:
    """Lower-case, strip diacritics and punctuation, expand abbreviations, collapse spaces."""
    words = []
    for raw in re.split(r"\s+", unicodedata.normalize("NFC", text or "").lower()):
        raw = raw.strip(".,!?;:()\"'“”«»-…*~")
        if not raw:
            continue
        plain = re.sub(r"[^a-z0-9/]+", " ", strip_diacritics(raw)).strip()
        for word in plain.split():
            words.append(ABBREVIATIONS.get(word, word))
    return " ".join(" ".join(words).split())


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance with transpositions, giving up past `limit` (returns limit + 1)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def similar_word(a: str, b: str) -> bool:
    """Words match if equal, or one typo apart: a letter missing, extra or swapped; a wrong letter only in
    long words (in short Vietnamese words one other letter is usually another word: than/that, tam/tim)."""
    if a == b:
        return True
    if min(len(a), len(b)) < 3 or max(len(a), len(b)) < 4 or a[0] != b[0] or a.isdigit() or b.isdigit():
        return False
    if len(a) == len(b) and min(len(a), len(b)) < 6:
        differ = [i for i in range(len(a)) if a[i] != b[i]]
        return len(differ) == 2 and differ[1] == differ[0] + 1 and a[differ[0]] == b[differ[1]] \
            and a[differ[1]] == b[differ[0]]
    return edit_distance(a, b, 1) <= 1


def similar_phrase(text: str, phrase: str) -> bool:
    """Whole normalised text equals the phrase, allowing one typo per four letters (at most two)."""
    if text == phrase:
        return True
    if len(phrase) < 4:
        return False
    limit = min(2, len(phrase) // 5)
    return limit > 0 and edit_distance(text, phrase, limit) <= limit
