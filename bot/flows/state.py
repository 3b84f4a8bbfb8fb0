"""One resident's conversation as kept between messages: a typed state with its mode, owned by the engine.

Every mode is listed here. The procedure modes are answered by the engine's table (flows/engine.py,
MODES); the side conversations by the handler named beside them, tried in the order of
handlers/routing.py. The store keeps `to_dict()`; a state saved by an older version still reads."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from enum import Enum


class Mode(str, Enum):
    # Outside a procedure (flows/engine.py)
    MENU = "menu"  # the main menu is on screen: a number picks from it
    CHOOSE = "choose"  # a short list of procedures is on screen (`options`)
    GUIDED = "guided"  # a guidance-only procedure was shown: a person, the menu or «Xem thêm»
    CALLBACK = "callback"  # a voice message or a call: a volunteer's call back was offered (`saved`)
    RESUME = "resume"  # back after a pause: go on with `saved`, or start again
    # Inside a procedure (flows/engine.py)
    CONSENT = "consent"
    ASK = "ask"
    OFFER_HUMAN = "offer_human"
    GO_ON = "go_on"
    CHANNEL = "channel"
    SUMMARY = "summary"
    EDIT = "edit"
    # Side conversations, each answered by one handler before the engine
    RATE = "rate"  # «how was the help?» after a handoff, or a request closed (handlers/handoff.py: rating)
    FOLLOW_UP = "follow_up"  # «Đã được xử lý chưa?» about a finished report (handlers/routing.py)
    # A report like an open one: follow that one or file it anyway (flows/engine.py); `answers` are kept
    DUPLICATE = "duplicate"
    ERASE_CONFIRM = "erase_confirm"  # «xóa dữ liệu của tôi» awaiting its confirmation (handlers/my_data.py)
    ANNOUNCE = "announce"  # a leader composing an announcement (handlers/announce.py)
    PROOF = "proof"  # staff closing a request in chat: its photo and note (handlers/proof_chat.py)


IN_PROCEDURE = frozenset({Mode.CONSENT, Mode.ASK, Mode.OFFER_HUMAN, Mode.GO_ON, Mode.CHANNEL, Mode.SUMMARY,
                          Mode.EDIT})


@dataclass
class State:
    mode: Mode = Mode.MENU
    procedure: str | None = None  # the procedure in hand (or that a side step belongs to)
    index: int = 0  # the step being asked
    asking: str | None = None  # that step's field: answers stay on their question when a file changes
    answers: dict = field(default_factory=dict)
    errors: int = 0  # wrong answers in a row to the current question
    editing: bool = False  # changing one answer from the summary («Sửa»)
    consent_at: str | None = None  # ISO time the resident agreed to the questions
    channel: str | None = None  # online, nha_van_hoa, tai_nha
    updated_at: str | None = None  # ISO time of the last message, for the idle timeout
    options: list = field(default_factory=list)  # CHOOSE: the procedure ids on screen
    saved: dict | None = None  # RESUME, CALLBACK: the state to come back to, as stored
    voice_url: str = ""  # CALLBACK: the voice message to pass on
    handoff: int | None = None  # RATE: which handoff is rated
    asked_again: bool = False  # RATE: a message that was no rating was answered once already
    request: int | None = None  # FOLLOW_UP, RATE (a request closed), PROOF: which request
    announcement: int | None = None  # ANNOUNCE: the draft's id
    step: str = ""  # ANNOUNCE: "preview" or "when"
    duplicate: dict | None = None  # DUPLICATE: the open report offered {"request": id, "code", "reporters"}

    def reset(self) -> State:
        """Back to the menu, keeping nothing."""
        return State()

    def copy(self) -> State:
        return replace(self, answers=dict(self.answers), options=list(self.options),
                       saved=dict(self.saved) if self.saved is not None else None)

    def update(self, **changes) -> None:
        for name, value in changes.items():
            setattr(self, name, Mode(value) if name == "mode" else value)

    @property
    def in_procedure(self) -> bool:
        return self.mode in IN_PROCEDURE

    def to_dict(self) -> dict:
        """What the store keeps: every field that differs from its default."""
        defaults = State()
        return {k: (v.value if isinstance(v, Mode) else v) for k, v in asdict(self).items()
                if v != getattr(defaults, k) or k == "mode"}

    @classmethod
    def from_dict(cls, data: dict | None) -> State:
        """Read what the store kept (unknown keys, from older versions, are left out)."""
        if not data:
            return cls()
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if data.get("mode") == Mode.ANNOUNCE and "id" in data:  # stored so before 2026-12-03
            values["announcement"] = data["id"]
        try:
            values["mode"] = Mode(data.get("mode") or Mode.MENU)
        except ValueError:
            values["mode"] = Mode.MENU
        values["editing"] = bool(values.get("editing"))
        return cls(**values)


def menu() -> State:
    return State()


def rating(handoff_id: int) -> State:
    return State(mode=Mode.RATE, handoff=handoff_id)


def report_rating(request_id: int) -> State:
    return State(mode=Mode.RATE, request=request_id)


def proof(request_id: int, note: str = "", photo_url: str = "") -> State:
    """PROOF keeps what was collected in `answers` (note, photo_url)."""
    return State(mode=Mode.PROOF, request=request_id, answers={"note": note, "photo_url": photo_url})


def follow_up(request_id: int) -> State:
    return State(mode=Mode.FOLLOW_UP, request=request_id)


def duplicate_offer(state: State, procedure_id: str, answers: dict, channel: str, request_id: int, code: str,
                    reporters: int) -> State:
    """Hold a finished report's answers while the resident chooses: follow the open one, or file it anyway."""
    return State(mode=Mode.DUPLICATE, procedure=procedure_id, answers=dict(answers), channel=channel,
                 consent_at=state.consent_at,
                 duplicate={"request": request_id, "code": code, "reporters": reporters})


def erase_confirmation() -> State:
    return State(mode=Mode.ERASE_CONFIRM)


def announcement_draft(announcement_id: int, step: str) -> State:
    return State(mode=Mode.ANNOUNCE, announcement=announcement_id, step=step)
