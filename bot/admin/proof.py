"""The proof on a request's page: the photo and note a leader or volunteer attaches when closing it (the photo
goes up to Zalo at once, so the worker sends it by attachment id), and what it was closed with, or that it was
closed without any."""
from __future__ import annotations

import base64

from flask import request

from bot import texts
from bot.admin import texts as t
from bot.admin.base import local_time, services
from bot.admin.images import image_source
from bot.services.proofs import DONE, Proof
from bot.zalo.errors import ZaloError

PHOTO_TYPES = ("image/jpeg", "image/png")
MAX_PHOTO_BYTES = 1_000_000  # Zalo's limit for an uploaded image
PHOTO_FIELD, NOTE_FIELD = "proof_photo", "proof_note"


def proof_from_form() -> Proof | str:
    """The proof the status form carries (photo uploaded to Zalo), or the message saying why it cannot go."""
    note = request.form.get(NOTE_FIELD, "").strip()[:1000]
    file = request.files.get(PHOTO_FIELD)
    data = file.read() if file is not None and file.filename else b""
    if not data:
        return Proof(note=note)
    kind = _photo_type(data)
    if kind is None:
        return t.PROOF_PHOTO_NOT_IMAGE
    if len(data) > MAX_PHOTO_BYTES:
        return t.PROOF_PHOTO_TOO_BIG
    try:
        attachment_id = services().client.upload_image(data, file.filename or "anh", kind)
    except ZaloError:
        return t.PROOF_UPLOAD_FAILED
    return Proof(note=note, photo=data, photo_type=kind, attachment_id=attachment_id)


def _photo_type(data: bytes) -> str | None:
    """JPEG or PNG by the file's first bytes (not the name or the browser's word for it)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def proof_shown(uow, row, sandbox: bool) -> dict | None:
    """What the page shows of the request's latest closing; None while it was never closed here."""
    closing = uow.requests.latest_closing(row.id)
    if closing is None:
        return {"none": True, "by": "", "note": "", "photo": None, "rating": ""} if row.status == DONE else None
    photo = None
    if closing.photo:  # uploaded on the dashboard: shown from the page itself (the CSP allows data:)
        photo = f"data:{closing.photo_type};base64," + base64.b64encode(closing.photo).decode("ascii")
    elif closing.photo_url:
        photo = image_source(closing.photo_url, sandbox)
    rating = (t.PROOF_RATING.format(score=closing.rating, label=texts.RATE_OPTIONS[closing.rating - 1])
              if closing.rating else t.PROOF_NOT_RATED)
    return {"none": not closing.has_proof, "by": t.PROOF_BY.format(who=closing.by_name,
                                                                    at=local_time(closing.closed_at)),
            "note": closing.note or "", "photo": photo, "photo_link": closing.photo_url or "", "rating": rating}
