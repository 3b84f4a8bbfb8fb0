"""Which procedure (or command) a free-text message asks for, tolerant of accents, case and typos."""
from __future__ import annotations

from dataclasses import dataclass

from bot.flows.text import normalize, similar_phrase, similar_word

HUMAN = "ho_tro"
MENU = "menu"

# Whole-message commands, checked before anything else inside a conversation.
COMMANDS = {
    "cancel": ("huy", "huy bo", "thoi", "dung lai", "khong lam nua", "bo di", "thoi khong lam"),
    "back": ("quay lai", "tro lai", "lui lai", "cau truoc", "quay lai cau truoc"),
    "repeat": ("nhac lai", "hoi lai", "noi lai", "nhac lai cau hoi", "lap lai cau hoi"),
    "menu": ("menu", "0", "trang chu", "danh muc", "menu chinh", "quay ve menu", "ve menu"),
    "human": ("gap nguoi", "ho tro", "gap can bo", "can bo", "gap tinh nguyen vien", "tinh nguyen vien",
              "noi chuyen voi nguoi", "gap nguoi ho tro", "can nguoi ho tro", "goi can bo"),
}
# Phrases that mean "a person, please" anywhere in a longer message.
HUMAN_TRIGGERS = ("gap nguoi", "gap can bo", "noi chuyen voi can bo", "noi chuyen voi nguoi", "gap tinh nguyen vien",
                  "can nguoi giup", "nguoi giup truc tiep", "goi can bo", "khong biet dung", "gap nguoi ho tro",
                  "can bo ho tro", "tinh nguyen vien ho tro", "can nguoi ho tro", "gap truc tiep",
                  "noi chuyen truc tiep", "noi may", "to truong", "chuyen cho can bo", "noi voi nguoi",
                  "hoi truc tiep", "noi chuyen voi tinh nguyen vien", "noi chuyen voi ai", "nhan lai cho toi",
                  "can tinh nguyen vien", "gap to truong", "khong hieu", "kho hieu", "nguoi tra loi", "nguoi that")


# Words too common to tell procedures apart on their own.
GENERIC = set("""dang ky lam giay to cho toi can gi the nao o dau co khong muon hoi bac chau a nhu sao de ve cua va voi
nguoi nha minh con ban em anh chi ong ba thu tuc xin duoc bao nhieu may khi nao thi la roi nay kia do ho so mot hai
viec phai di den tai tu tren trong ngoai sau truoc cac nhung moi ra vao lai nua oi nhe u da nho giup phuong
dien cai bang hang mai doi chu tuoi thang ngay nam tuan gio buoi sang chieu toi dem hom qua nay cung dang""".split())
# Messages made only of these words are greetings, thanks or "show me the menu".
SMALL_TALK = set("""xin chao chao alo hello hi cam on nhieu nhe a ah oi ok menu danh muc mo ve chinh trang chu to dan
pho ban chau bac em anh chi ong ba co toi minh cho hoi chut voi buoi sang chieu toi tot lanh bat dau start nhe nha
vang da duoc roi thanks thank you tks la gi the nao giup""".split())


# Phrases that show a message asks for something ("how", "where", "I need") or reports something wrong
# ("bị", "hỏng"). Without one, a message no trigger covers needs two telling words: one everyday word
# ("nói", "quên", "đại") is not a request.
ASKING = tuple(p.split() for p in ("hoi", "can", "muon", "xin", "giup", "thu tuc", "giay", "dang ky", "the nao",
                                   "sao", "o dau", "khi nao", "bao nhieu", "duoc khong", "co the", "huong dan",
                                   "bao", "phan anh", "bi", "hong"))
# Evidence from a typo only for words this long: one letter more or less in a shorter Vietnamese word is
# usually another word ("trời" is not "trợ", "quê" is not "quên").
TYPO_EVIDENCE_LETTERS = 6


@dataclass(frozen=True)
class Intent:
    kind: str  # "procedure", "human", "menu", "ambiguous", "unknown"
    ids: tuple[str, ...] = ()


def command_of(text: str) -> str | None:
    """Return the command a whole message is ('cancel', 'back', …), or None."""
    said = normalize(text)
    for command, phrases in COMMANDS.items():
        if any(similar_phrase(said, p) for p in phrases):
            return command
    return None


def _covers(near: list[frozenset[str]], phrase: list[str], slack: int = 2) -> bool:
    """The phrase's words appear in order, close together (at most `slack` other words between), typos
    allowed. `near`: for each word of the message, the trigger words it is similar to."""
    for start, similar in enumerate(near):
        if phrase[0] not in similar:
            continue
        position, gaps = start + 1, 0
        for wanted in phrase[1:]:
            while position < len(near) and wanted not in near[position] and gaps <= slack:
                position, gaps = position + 1, gaps + 1
            if position == len(near) or gaps > slack:
                break
            position += 1
        else:
            return True
    return False


def _asks(words: list[str]) -> bool:
    """The message holds one of the ASKING phrases, word for word."""
    return any(words[i:i + len(p)] == p for p in ASKING for i in range(len(words) - len(p) + 1))


def _weight(phrase: list[str]) -> int:
    """How telling a trigger is: letters of its distinctive words count fully, common words a little."""
    return sum(len(w) if w not in GENERIC else 1 for w in phrase)


def _with_glued(phrase: list[str]) -> list[list[str]]:
    """The phrase, and its forms with two neighbouring words glued ("tam tru" → "tamtru")."""
    return [phrase] + [phrase[:i] + [phrase[i] + phrase[i + 1]] + phrase[i + 2:] for i in range(len(phrase) - 1)]


def _vocabulary(triggers: dict[str, list[list[str]]]) -> dict[str, dict[str, float]]:
    """Per intent, its trigger words weighted by how few intents share them (1, 1/2, 1/3…)."""
    owners: dict[str, set[str]] = {}
    for pid, phrases in triggers.items():
        for word in {w for phrase in phrases for w in phrase if w not in GENERIC and len(w) > 1}:
            owners.setdefault(word, set()).add(pid)
    vocab: dict[str, dict[str, float]] = {pid: {} for pid in triggers}
    for word, pids in owners.items():
        for pid in pids:
            vocab[pid][word] = 1 / len(pids)
    return vocab


# Words residents typed, with the trigger words each is similar to, kept per matcher up to this many.
NEAR_KEPT = 20000


class IntentMatcher:
    def __init__(self, triggers_by_id: dict[str, tuple[str, ...]]):
        self.triggers = {pid: [normalize(t).split() for t in phrases if normalize(t)]
                         for pid, phrases in triggers_by_id.items()}
        self.triggers[HUMAN] = [p.split() for p in HUMAN_TRIGGERS]
        self.vocab = _vocabulary(self.triggers)
        self.forms = {pid: [(form, _weight(t)) for t in ts for form in _with_glued(t)]
                      for pid, ts in self.triggers.items()}
        # Similar words share their first letter (see similar_word): the trigger words by it.
        self._lexicon: dict[str, list[str]] = {}
        for word in sorted({w for forms in self.forms.values() for form, _ in forms for w in form}):
            self._lexicon.setdefault(word[0], []).append(word)
        self._near: dict[str, frozenset[str]] = {}

    def _similar(self, word: str) -> frozenset[str]:
        """The trigger words this word is similar to (itself among them if it is one). Worked out
        once per word: a message is compared with every trigger of every procedure."""
        near = self._near.get(word)
        if near is None:
            near = frozenset(w for w in self._lexicon.get(word[0], ()) if similar_word(word, w))
            if len(self._near) >= NEAR_KEPT:
                self._near.clear()
            self._near[word] = near
        return near

    def match(self, text: str) -> Intent:
        words = normalize(text).split()
        if not words or all(w in SMALL_TALK or w.isdigit() and w == "0" for w in words):
            return Intent("menu")
        cover = self._cover(words)
        evidence = self._evidence(words)
        best = max(cover.values())
        if best:
            return self._decide(self._top(cover), evidence)
        ranked = sorted(evidence, key=evidence.get, reverse=True)
        if not ranked or evidence[ranked[0]] < (1 if _asks(words) else 2):
            return self._glued_typo(words, evidence)
        if len(ranked) > 1 and evidence[ranked[1]] > evidence[ranked[0]] * 0.67:
            return Intent("ambiguous", tuple(p for p in ranked[:4] if evidence[p] > evidence[ranked[0]] * 0.67))
        return self._intent(ranked[0])

    def _cover(self, words: list[str]) -> dict[str, int]:
        """Per intent, the weight of its most telling trigger the message contains (0: none)."""
        near = [self._similar(word) for word in words]
        anywhere = frozenset().union(*near)
        return {pid: max((weight for form, weight in forms if form[0] in anywhere and _covers(near, form)),
                         default=0)
                for pid, forms in self.forms.items()}

    @staticmethod
    def _top(cover: dict[str, int]) -> list[str]:
        best = max(cover.values())
        return sorted((pid for pid, score in cover.items() if score >= best * 0.8), key=cover.get, reverse=True)

    def _glued_typo(self, words: list[str], evidence: dict[str, float]) -> Intent:
        """A message nothing else understood may hold a typo in a word too short to be told from
        other words alone ("ket hn"): glued to its neighbour it is long enough ("kethn" ~ "kethon", the
        glued form of a trigger of two words or more). Tried only here: it compares the message once per word pair."""
        for i in range(len(words) - 1):
            if min(len(words[i]), len(words[i + 1])) > 2:
                continue  # both words long enough for similar_word already
            cover = self._cover(words[:i] + [words[i] + words[i + 1]] + words[i + 2:])
            if max(cover.values()):
                return self._decide(self._top(cover), evidence)
        return Intent("unknown")

    def _evidence(self, words: list[str]) -> dict[str, float]:
        """Sum of the weights of the message's words found in each intent's vocabulary."""
        scores: dict[str, float] = {}
        for word in {w for w in words if w not in GENERIC and len(w) > 1}:
            near = self._similar(word) if len(word) >= TYPO_EVIDENCE_LETTERS else ()
            for pid, vocab in self.vocab.items():
                weight = vocab.get(word) or max((vocab[k] for k in near if k in vocab), default=0)
                if weight:
                    scores[pid] = scores.get(pid, 0) + weight
        return scores

    def _decide(self, top: list[str], evidence: dict[str, float]) -> Intent:
        """One clear candidate wins; near-equal ones are told apart by their other words, or offered."""
        if len(top) > 1:
            ranked = sorted(top, key=lambda p: evidence.get(p, 0), reverse=True)
            if evidence.get(ranked[0], 0) - evidence.get(ranked[1], 0) < 1:
                return Intent("ambiguous", tuple(top[:4]))
            top = ranked
        return self._intent(top[0])

    @staticmethod
    def _intent(pid: str) -> Intent:
        return Intent("human", (pid,)) if pid == HUMAN else Intent("procedure", (pid,))
