"""Closing a request with proof: the status becomes «Đã xong», the proof (a photo, a short note, or none) is
kept, and the resident gets «Đã xử lý xong» with the note and the photo, then the question how it was handled
(answered in handlers/handoff.py `rating`, as after a handoff). A report's «Đã được xử lý chưa?» still comes
days later (casework.follow_up_tick)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot import texts
from bot.flows import state as conversation
from bot.flows.state import Mode, State
from bot.replies import Choices, Image, To
from bot.services import casework
from bot.store import UnitOfWork
from bot.store.models import ServiceRequest

DONE = "da_xong"
PROOF_WAITS = "proof"  # a held notice naming a request whose proof photo and rating question wait
HANDOFF_KIND = "ho_tro"  # a handoff's close asks its own rating (handlers/handoff.py)


@dataclass(frozen=True)
class Proof:
    """What the staff member attached: a photo by URL (sent in chat) or uploaded (`photo` bytes, sent by
    Zalo's `attachment_id`), and a note for the resident."""

    note: str = ""
    photo_url: str = ""
    photo: bytes | None = None
    photo_type: str = ""
    attachment_id: str = ""

    @property
    def has_photo(self) -> bool:
        return bool(self.photo_url or self.attachment_id)


def close(uow: UnitOfWork, request: ServiceRequest, proof: Proof, actor_id: str, actor_name: str,
          now: datetime, hood_phone: str) -> list[To]:
    """Mark the request done with its proof; return what the resident is sent (nothing outside Zalo's 7-day
    window: the notice, the photo and the question then wait for their next message)."""
    casework.change_status(uow, request, DONE, actor_id, actor_name, now, hood_phone, tell=False)
    uow.requests.add_closing(request.id, actor_id, actor_name, now, proof.note, proof.photo_url, proof.photo,
                             proof.photo_type)
    text = texts.DONE_NOTICE.format(code=request.code)
    if proof.note.strip():
        text += "\n" + texts.DONE_NOTE.format(who=actor_name or texts.WHO_DEFAULT, note=proof.note.strip())
    told = casework.tell_resident(uow, request.user_id, text, "status", now)
    if not told:
        uow.notices.hold(request.user_id, PROOF_WAITS, request.code)
        return []
    if proof.has_photo:
        told.append(To(request.user_id, Image(proof.photo_url, texts.DONE_PHOTO_CAPTION.format(code=request.code),
                                              proof.attachment_id)))
    return told + ask_rating(uow, request)


def waiting_photos(uow: UnitOfWork, codes: list[str]) -> list[Image]:
    """The proof photos held for a resident who was outside the 7-day window (a dashboard upload is
    uploaded again when sent: its first attachment id may have expired)."""
    photos = []
    for code in codes:
        request = uow.requests.by_code(code)
        closing = uow.requests.latest_closing(request.id) if request is not None else None
        if closing is not None and (closing.photo_url or closing.photo):
            photos.append(Image(closing.photo_url or "", texts.DONE_PHOTO_CAPTION.format(code=code),
                                closing=0 if closing.photo_url else closing.id))
    return photos


def waiting_ratings(uow: UnitOfWork, codes: list[str]) -> list[To]:
    """The rating questions held with them, asked after the resident's own message is answered."""
    requests = [uow.requests.by_code(code) for code in codes]
    return [to for request in requests if request is not None and request.status == DONE
            for to in ask_rating(uow, request)][:1]  # one question at a time: the state holds one


def ask_rating(uow: UnitOfWork, request: ServiceRequest) -> list[To]:
    """Ask the resident to rate the handling, unless they are busy in a conversation (not interrupted)."""
    if request.kind == HANDOFF_KIND:
        return []
    state = State.from_dict(uow.conversations.get(request.user_id))
    if state.mode not in (Mode.MENU, Mode.CHOOSE, Mode.RATE, Mode.FOLLOW_UP):
        return []
    uow.conversations.save(request.user_id, conversation.report_rating(request.id).to_dict())
    return [To(request.user_id, Choices(texts.REPORT_RATE_QUESTION.format(code=request.code), texts.RATE_OPTIONS))]


def rate(uow: UnitOfWork, request_id: int, score: int, now: datetime) -> None:
    uow.requests.rate_closing(request_id, score, now)
