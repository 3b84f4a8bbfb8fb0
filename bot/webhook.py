"""Flask adapter for the webhook and the health check; the logic lives in bot.intake."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from bot import intake

blueprint = Blueprint("webhook", __name__)


def _services():
    return current_app.extensions["bot"]


@blueprint.post("/zalo/webhook")
def zalo_webhook():
    services = _services()
    settings = services.settings
    if (request.content_length or 0) > settings.max_body_bytes:
        return jsonify(status="rejected", reason="body larger than 1 MiB"), 413
    raw = request.stream.read(settings.max_body_bytes + 1)  # never more than the limit in memory
    answer = intake.receive(raw, request.headers, app_id=settings.app_id,
                            oa_secret_key=settings.oa_secret_key, store=services.store,
                            max_bytes=settings.max_body_bytes, on_stored=services.wake_worker)
    return jsonify(answer.body), answer.status


@blueprint.get("/healthz")
def healthz():
    services = _services()
    if not services.store.ping():
        return jsonify(status="unavailable", database="down"), 503
    try:
        token_problem = services.tokens.health()
    except Exception:  # noqa: BLE001 - the token row could not be read
        token_problem = "unknown"
    if token_problem:
        return jsonify(status="degraded", zalo_token="refresh failed: " + token_problem), 200
    return jsonify(status="ok"), 200
