"""Which procedure (or command) a free-text message asks for, tolerant of accents, case and typos."""
from __future__ import annotations

from dataclasses import dataclass

from bot.flows.facts import Place, place_asked
from bot.flows.phrases import COMMANDS, HUMAN_TRIGGERS, MENU_TRIGGERS, THANKS
from bot.flows.text import normalize, similar_phrase, similar_word

HUMAN = "ho_tro"
MENU = "menu"



# Words too common to tell procedures apart on their own.
GENERIC = set("""dang ky lam giay to cho toi can gi the nao o dau co khong muon hoi bac chau a nhu sao de ve cua va voi
nguoi nha minh con ban em anh chi ong ba thu tuc xin duoc bao nhieu may khi nao thi la roi nay kia do ho so mot hai
viec phai di den tai tu tren trong ngoai sau truoc cac nhung moi ra vao lai nua oi nhe u da nho giup phuong
dien cai bang hang mai doi chu tuoi thang ngay nam tuan gio buoi sang chieu toi dem hom qua nay cung dang xem
thong tin biet quen""".split())
# Messages made only of these words are greetings, thanks or "show me the menu".
SMALL_TALK = set("""xin chao chao alo hello hi cam on nhieu nhe a ah oi ok menu danh muc mo ve chinh trang chu to dan
pho ban chau bac em anh chi ong ba co toi minh cho hoi chut voi buoi sang chieu toi tot lanh bat dau start nhe nha
vang da duoc roi thanks thank you tks la gi the nao giup ad""".split())
# Evidence alone (no trigger found) never starts a form: it offers the closest procedures and a person (a
# wrong start walks the resident through the wrong papers). It opens guidance (nothing is asked) or calls a
# person only when it is this strong and this far ahead of the next.
SURE_EVIDENCE = 1.5
SURE_MARGIN = 2.0
UNSURE_OFFERED = 3
# A trigger found is doubted when another procedure's words (no trigger of it found) weigh this much, and
# this many times the found one's own words: both are offered.
RIVAL_EVIDENCE = 2.0
RIVAL_MARGIN = 3.0
OTHER_TRIGGER = 4  # the weight of another form's trigger found that casts doubt on a form
GUIDANCE_TRIGGER = 2  # the weight of a guidance-only procedure's trigger found that is given instead of a form


# Phrases that show a message asks for something ("how", "where", "I need") or reports something wrong
# ("bị", "hỏng"). Without one, a message no trigger covers needs two telling words: one everyday word
# ("nói", "quên", "đại") is not a request.
ASKING = tuple(p.split() for p in ("hoi", "can", "muon", "xin", "giup", "thu tuc", "giay", "dang ky", "the nao",
                                   "sao", "o dau", "khi nao", "bao nhieu", "duoc khong", "co the", "huong dan",
                                   "bao", "phan anh", "bi", "hong"))
# Evidence from a typo only for words this long: one letter more or less in a shorter Vietnamese word is
# usually another word ("trời" is not "trợ", "quê" is not "quên").
TYPO_EVIDENCE_LETTERS = 6
SHORT_TYPO = 5


@dataclass(frozen=True)
class Intent:
    # "procedure", "human", "menu", "thanks", "facts" (ids: the place), "ambiguous" (triggers of several
    # procedures), "unsure" (only weak evidence: ids are the closest procedures), "unknown"
    kind: str
    ids: tuple[str, ...] = ()


def command_of(text: str) -> str | None:
    """Return the command a whole message is ('cancel', 'back', …), or None."""
    said = normalize(text)
    for command, phrases in COMMANDS.items():
        if any(similar_phrase(said, p) for p in phrases):
            return command
    return None


def _covers(words: list[str], near: list[frozenset[str]], phrase: list[str]) -> bool:
    """The phrase's words appear in order, close together, typos allowed. `near`: for each word of the
    message, the trigger words it is similar to. A phrase of two words must stand side by side, a longer
    one may have up to two other words between; a typo in a short word (under SHORT_TYPO letters, where
    one letter makes another word: «thẻ» is not «thuê») counts only with every other word exact and no
    word between."""
    slack = 0 if len(phrase) == 2 else 2
    for start, similar in enumerate(near):
        if phrase[0] not in similar:
            continue
        position, gaps, short_typos = start + 1, 0, int(words[start] != phrase[0] and len(phrase[0]) < SHORT_TYPO)
        for wanted in phrase[1:]:
            while position < len(near) and wanted not in near[position] and gaps <= slack:
                position, gaps = position + 1, gaps + 1
            if position == len(near) or gaps > slack:
                break
            short_typos += words[position] != wanted and len(wanted) < SHORT_TYPO
            position += 1
        else:
            if short_typos == 0 or short_typos == 1 and gaps == 0:
                return True
    return False


def _asks(words: list[str]) -> bool:
    """The message holds one of the ASKING phrases, word for word."""
    return any(words[i:i + len(p)] == p for p in ASKING for i in range(len(words) - len(p) + 1))


def _weight(phrase: list[str]) -> int:
    """How telling a trigger is: letters of its distinctive words count fully, common words a little."""
    return sum(len(w) if w not in GENERIC else 1 for w in phrase)


def _with_glued(phrase: list[str]) -> list[list[str]]:
    """The phrase, and its forms with two neighbouring words glued ("tam tru" → "tamtru"), where the glued
    word is long enough to be told apart with a typo (a short one, "saoy", is a typo away from "sao")."""
    return [phrase] + [phrase[:i] + [phrase[i] + phrase[i + 1]] + phrase[i + 2:] for i in range(len(phrase) - 1)
                       if len(phrase[i] + phrase[i + 1]) >= TYPO_EVIDENCE_LETTERS]


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
    def __init__(self, triggers_by_id: dict[str, tuple[str, ...]], places: tuple[Place, ...] = (),
                 forms: frozenset[str] = frozenset(), not_covered: tuple[str, ...] = ()):
        self.places = places
        self.not_covered = [normalize(p).split() for p in not_covered if normalize(p)]
        self.forms_ids = forms  # procedures that ask questions (the rest are guidance only)
        self.triggers = {pid: [normalize(t).split() for t in phrases if normalize(t)]
                         for pid, phrases in triggers_by_id.items()}
        self.triggers[HUMAN] = [p.split() for p in HUMAN_TRIGGERS]
        self.triggers[MENU] = [p.split() for p in MENU_TRIGGERS]
        self.vocab = _vocabulary(self.triggers)
        self.forms = {pid: [(form, _weight(t)) for t in ts for form in _with_glued(t)]
                      for pid, ts in self.triggers.items()}
        # The forms by their first word: a message is compared only with forms whose first word it holds.
        self._forms_by_first: dict[str, list[tuple[str, list[str], int, frozenset[str]]]] = {}
        for pid, forms_of in self.forms.items():
            for form, weight in forms_of:
                self._forms_by_first.setdefault(form[0], []).append((pid, form, weight, frozenset(form)))
        # Each vocabulary word with the intents it speaks for (see _vocabulary).
        self._owners: dict[str, dict[str, float]] = {}
        for pid, vocab in self.vocab.items():
            for word, weight in vocab.items():
                self._owners.setdefault(word, {})[pid] = weight
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
            said = " ".join(words)
            return Intent("thanks") if any(t in said for t in THANKS) else Intent("menu")
        covering = self._covering(words)
        evidence = self._evidence(words)
        if max(weight for weight, _ in covering.values()):
            intent = self._doubt(self._decide(self._top(covering), evidence), covering, evidence, set(words))
            if intent.kind == "procedure" and intent.ids[0] in self.forms_ids \
                    and any(words[i:i + len(p)] == p for p in self.not_covered for i in range(len(words))):
                return Intent("unsure", intent.ids)  # it names something no procedure here covers
            return intent
        if place := place_asked(self.places, text):
            return Intent("facts", (place.key,))
        ranked = sorted(evidence, key=evidence.get, reverse=True)
        if not ranked or evidence[ranked[0]] < (1 if _asks(words) else 2):
            return self._glued_typo(words, evidence)
        top, second = evidence[ranked[0]], evidence[ranked[1]] if len(ranked) > 1 else 0
        if top >= SURE_EVIDENCE and top >= second * SURE_MARGIN and ranked[0] not in self.forms_ids:
            return self._intent(ranked[0])
        offered = tuple(p for p in ranked if p not in (HUMAN, MENU))[:UNSURE_OFFERED]
        return Intent("unsure", offered) if offered else self._intent(ranked[0])

    def _covering(self, words: list[str]) -> dict[str, tuple[int, list[str]]]:
        """Per intent, its most telling trigger the message contains: (weight, words), or (0, [])."""
        near = [self._similar(word) for word in words]
        exact = set(words)
        best: dict[str, tuple[int, list[str]]] = {pid: (0, []) for pid in self.forms}
        anywhere = frozenset().union(*near)
        for first in anywhere:
            for pid, form, weight, every in self._forms_by_first.get(first, ()):
                if weight <= best[pid][0] or not every <= anywhere:  # a word of it is nowhere in the message
                    continue
                if len(form) == 1 and len(form[0]) < TYPO_EVIDENCE_LETTERS:  # one short word: no neighbour
                    if form[0] in exact:  # to confirm a typo («ngã» is not «ngập»)
                        best[pid] = (weight, form)
                elif _covers(words, near, form):
                    best[pid] = (weight, form)
        return best

    @staticmethod
    def _top(covering: dict[str, tuple[int, list[str]]]) -> list[str]:
        """The intents whose trigger is near the best; one whose trigger's words all stand in another's
        longer trigger gives way («đăng ký khai sinh» to «đăng ký lại khai sinh»)."""
        best = max(weight for weight, _ in covering.values())
        near = {pid: set(form) for pid, (weight, form) in covering.items() if weight >= best * 0.8}
        kept = [pid for pid, form in near.items() if not any(form < other for other in near.values())]
        return sorted(kept, key=lambda pid: covering[pid][0], reverse=True)

    def _glued_typo(self, words: list[str], evidence: dict[str, float]) -> Intent:
        """A message nothing else understood may hold a typo in a word too short to be told from
        other words alone ("ket hn"): glued to its neighbour it is long enough ("kethn" ~ "kethon", the
        glued form of a trigger of two words or more). Tried only here: it compares the message once per word pair."""
        for i in range(len(words) - 1):
            if min(len(words[i]), len(words[i + 1])) > 2:
                continue  # both words long enough for similar_word already
            covering = self._covering(words[:i] + [words[i] + words[i + 1]] + words[i + 2:])
            if max(weight for weight, _ in covering.values()):
                return self._decide(self._top(covering), evidence)
        return Intent("unknown")

    def _evidence(self, words: list[str]) -> dict[str, float]:
        """Sum of the weights of the message's words found in each intent's vocabulary."""
        scores: dict[str, float] = {}
        for word in {w for w in words if w not in GENERIC and len(w) > 1}:
            near = self._similar(word) if len(word) >= TYPO_EVIDENCE_LETTERS else ()
            exact = self._owners.get(word, {})
            weights = dict(exact)
            for other in near:  # a typo: per intent, the best weight among the words it may be
                for pid, weight in self._owners.get(other, {}).items():
                    if pid not in exact:
                        weights[pid] = max(weight, weights.get(pid, 0))
            for pid, weight in weights.items():
                scores[pid] = scores.get(pid, 0) + weight
        return scores

    def _decide(self, top: list[str], evidence: dict[str, float]) -> Intent:
        """One clear candidate wins; near-equal ones are told apart by their other words, or offered. So is
        one whose trigger names a paper while the other words ask another procedure's thing about it
        («giấy khai sinh ghi sai tên»: a correction, not a birth registration)."""
        if MENU in top:  # asked for the menu, which lists the others too: never offered as a choice
            return Intent("menu")
        if len(top) > 1:
            ranked = sorted(top, key=lambda p: evidence.get(p, 0), reverse=True)
            if evidence.get(ranked[0], 0) - evidence.get(ranked[1], 0) < 1 - 1e-9:  # sums of 1/n: no rounding
                return Intent("ambiguous", tuple(top[:4]))
            top = ranked
        rival = max((p for p in evidence if p not in (top[0], HUMAN, MENU)), key=evidence.get, default=None)
        if rival and evidence[rival] >= RIVAL_EVIDENCE and evidence[rival] >= RIVAL_MARGIN * evidence.get(top[0], 0):
            return Intent("ambiguous", (top[0], rival))
        return self._intent(top[0])

    def _doubt(self, intent: Intent, covering: dict, evidence: dict[str, float], said: set[str]) -> Intent:
        """A form whose trigger was found is not started when another procedure's trigger was found too: a
        guidance-only one («sao y giấy khai sinh», «cải chính năm sinh trong giấy khai sinh») is given
        instead, since it names what to do with those papers and asks nothing; another form is offered with
        it when the message's other words side with that one."""
        if intent.kind not in ("procedure", "ambiguous") or not set(intent.ids) & self.forms_ids:
            return intent
        guidance = [pid for pid, (weight, form) in covering.items() if pid not in self.forms_ids | {HUMAN, MENU}
                    and weight >= GUIDANCE_TRIGGER and set(form) <= said]  # its words typed as they are
        if guidance:  # it names what to do with the form's papers: guidance, which asks nothing
            best = max(guidance, key=lambda pid: covering[pid][0])
            forms = [pid for pid in intent.ids if pid in self.forms_ids]
            if covering[best][0] * 2 >= max(covering[pid][0] for pid in forms):
                return Intent("procedure", (best,))
            return Intent("ambiguous", (best, *forms[:3]))  # a lighter trigger: offered first, not started
        if intent.kind == "ambiguous":
            return intent
        chosen = intent.ids[0]
        rivals = [pid for pid, (weight, _) in covering.items() if pid in self.forms_ids and pid != chosen
                  and weight >= OTHER_TRIGGER and evidence.get(pid, 0) > evidence.get(chosen, 0)]
        if not rivals:
            return intent
        return Intent("ambiguous", (chosen, max(rivals, key=lambda pid: (covering[pid][0], evidence.get(pid, 0)))))

    @staticmethod
    def _intent(pid: str) -> Intent:
        if pid == HUMAN:
            return Intent("human", (pid,))
        return Intent("menu") if pid == MENU else Intent("procedure", (pid,))
