"""The proof on a request's page: the photo and note a leader or volunteer attaches when closing it (the photo
goes up to Zalo at once, so the worker sends it by attachment id), and what it was closed with, or that it was
closed without any."""
from __future__ import annotations

from flask import request

from bot import texts
from bot.admin import texts as t
from bot.admin.base import local_time, services
from bot.admin.images import image_source
from bot.admin.photos import data_url, photo_from_form
from bot.services.proofs import DONE, Proof
from bot.zalo.errors import ZaloError

PHOTO_FIELD, NOTE_FIELD = "proof_photo", "proof_note"


def proof_from_form() -> Proof | str:
    """The proof the status form carries (photo uploaded to Zalo), or the message saying why it cannot go."""
    note = request.form.get(NOTE_FIELD, "").strip()[:1000]
    photo = photo_from_form(PHOTO_FIELD)
    if photo is None or isinstance(photo, str):
        return Proof(note=note) if photo is None else photo
    try:
        attachment_id = services().client.upload_image(photo.data, photo.name, photo.kind)
    except ZaloError:
        return t.PROOF_UPLOAD_FAILED
    return Proof(note=note, photo=photo.data, photo_type=photo.kind, attachment_id=attachment_id)


def proof_shown(uow, row, sandbox: bool) -> dict | None:
    """What the page shows of the request's latest closing; None while it was never closed here."""
    closing = uow.requests.latest_closing(row.id)
    if closing is None:
        return {"none": True, "by": "", "note": "", "photo": None, "rating": ""} if row.status == DONE else None
    photo = data_url(closing.photo, closing.photo_type)  # uploaded on the dashboard: shown from the page itself
    if photo is None and closing.photo_url:
        photo = image_source(closing.photo_url, sandbox)
    rating = (t.PROOF_RATING.format(score=closing.rating, label=texts.RATE_OPTIONS[closing.rating - 1])
              if closing.rating else t.PROOF_NOT_RATED)
    return {"none": not closing.has_proof, "by": t.PROOF_BY.format(who=closing.by_name,
                                                                    at=local_time(closing.closed_at)),
            "note": closing.note or "", "photo": photo, "photo_link": closing.photo_url or "", "rating": rating}
