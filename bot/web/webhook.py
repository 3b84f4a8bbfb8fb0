"""Flask adapter for the webhook and the health check; the logic lives in bot.intake."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, jsonify, request

from bot.ops import backups
from bot.web import intake, metrics

blueprint = Blueprint("webhook", __name__)


def _services():
    return current_app.extensions["bot"]


def _receiver_for(oa_id: str | None) -> intake.Receiver | None:
    """The keys and store of the OA an event is for (several OAs: EXTRA_OAS)."""
    deployment = current_app.extensions["bot_deployment"]
    services = deployment.for_oa(oa_id)
    if services is None and deployment.add_new_oas():  # listed in OAS_FILE since the start
        services = deployment.for_oa(oa_id)
    if services is None:
        return None
    settings = services.settings
    return intake.Receiver(settings.app_id, settings.oa_secret_key, services.store, services.wake_worker)


@blueprint.post("/zalo/webhook")
def zalo_webhook():
    settings = _services().settings
    if (request.content_length or 0) > settings.max_body_bytes:
        metrics.count_webhook("too_large")
        return jsonify(status="rejected", reason="body larger than 1 MiB"), 413
    raw = request.stream.read(settings.max_body_bytes + 1)  # never more than the limit in memory
    answer = intake.receive(raw, request.headers, receiver_for=_receiver_for, max_bytes=settings.max_body_bytes,
                            max_age=timedelta(hours=settings.event_max_age_hours))
    metrics.count_webhook(metrics.outcome_of(answer.status, answer.body, "X-ZEvent-Signature" in request.headers))
    return jsonify(answer.body), answer.status


@blueprint.get("/healthz")
def healthz():
    deployment = current_app.extensions["bot_deployment"]
    if not deployment.main.store.ping():
        return jsonify(status="unavailable", database="down"), 503
    problems = {}
    for services in deployment:
        try:
            problem = services.tokens.health()
        except Exception:  # noqa: BLE001 - the token row could not be read
            problem = "unknown"
        if problem:
            problems[services.settings.oa_id] = "refresh failed: " + problem
    leaderless = deployment.without_leader()
    main = deployment.main.settings
    backup = backups.health(main.backup_dir, deployment.main.runtime.clock()) if main.backup_nightly else None
    if not problems and not leaderless and not backup:
        return jsonify(status="ok"), 200
    found = {"no_leader": leaderless} if leaderless else {}
    if backup:
        found["backup"] = backup
    if problems and not deployment.several:
        found["zalo_token"] = next(iter(problems.values()))
    elif problems:
        found["zalo_tokens"] = problems
    return jsonify(status="degraded", **found), 200
