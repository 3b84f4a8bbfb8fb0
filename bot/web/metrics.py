"""/metrics in Prometheus's text format (prometheus_client): off (404) unless METRICS_TOKEN is set, then only
with `Authorization: Bearer <METRICS_TOKEN>`. Webhook deliveries are counted by outcome in the web process
that answered them; everything else is read from the database at each scrape (bot/store/figures.py).
Labels are OA short names (main, to7), outcomes, statuses, Zalo error codes and request kinds: never a
user id, a name, a phone number or a text."""
from __future__ import annotations

import hmac
import logging
from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest, values
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from bot.clock import utcnow
from bot.store.figures import Figures, read_figures

log = logging.getLogger(__name__)
blueprint = Blueprint("metrics", __name__)
COUNTS = "bot_webhook_counts"
REPLIES_WINDOW = timedelta(hours=24)
# What the webhook did with a delivery, from intake's answer: (HTTP status, body status) → outcome; 400s by reason.
OUTCOMES = {(200, "ok"): "accepted", (200, "duplicate"): "duplicate", (200, "ignored"): "other_oa",
            (401, "rejected"): "bad_signature", (413, "rejected"): "too_large", (503, "unavailable"): "db_down"}


@blueprint.record_once
def _start_counting(state) -> None:
    # One counter per app (tests build many apps in a process). With PROMETHEUS_MULTIPROC_DIR set in the
    # web processes' environment, prometheus_client keeps it in files there, so every gunicorn worker's
    # deliveries are summed whichever worker answers the scrape.
    state.app.extensions[COUNTS] = Counter("zalobot_webhook_events", "Webhook deliveries by what the bot did "
                                           "with them", ["outcome"], registry=None)


def outcome_of(status: int, body: dict, signed: bool) -> str:
    """Name what the webhook did with one delivery, from its answer (bot/web/intake.py)."""
    if not signed and status in (200, 401):
        return "probe" if status == 200 else "unsigned"  # Zalo's save-time probe; a post without a signature
    if status == 400:
        reason = str(body.get("reason", ""))
        return "too_old" if "older than" in reason else "from_future" if "future" in reason else "malformed"
    return OUTCOMES.get((status, body.get("status")), f"http_{status}")


def count_webhook(outcome: str) -> None:
    current_app.extensions[COUNTS].labels(outcome=outcome).inc()


def _age(now, then) -> float:
    return max((now - then).total_seconds(), 0.0) if then is not None else 0.0


def _families() -> dict[str, GaugeMetricFamily]:
    gauges = (
        ("database_up", "1 when the database answered this scrape", []),
        ("events_waiting", "Webhook events not yet processed, and those given up on (failed)", ["oa", "status"]),
        ("events_oldest_waiting_seconds", "Age of the oldest event pending or being processed", ["oa"]),
        ("outbox_messages", "Replies not yet sent: queued, retrying, sending; and failed ones", ["oa", "status"]),
        ("outbox_lag_seconds", "How long the oldest reply that is due has waited to be sent", ["oa"]),
        ("replies_sent_last_24h", "Replies Zalo accepted in the last 24 hours", ["oa"]),
        ("replies_failed_last_24h", "Replies given up on in the last 24 hours, by Zalo error code", ["oa", "code"]),
        ("zalo_token_healthy", "1 while the access token is current and its last refresh worked", ["oa"]),
        ("zalo_token_expires_in_seconds", "Seconds until the access token expires", ["oa"]),
        ("announcements", "Announcements scheduled or being sent", ["oa", "status"]),
        ("handoffs_open", "Chats handed to a person and not closed, waiting or claimed", ["oa", "status"]),
        ("handoffs_oldest_open_seconds", "Age of the oldest open handoff", ["oa"]),
        ("requests", "Residents' requests by kind and status", ["oa", "kind", "status"]),
    )
    return {name: GaugeMetricFamily(f"zalobot_{name}", text, labels=labels) for name, text, labels in gauges}


def _add(found: dict[str, GaugeMetricFamily], oa: str, figures: Figures, now) -> None:
    for status, count in figures.events.items():
        found["events_waiting"].add_metric([oa, status], count)
    found["events_oldest_waiting_seconds"].add_metric([oa], _age(now, figures.oldest_event_at))
    for status, count in figures.outbox.items():
        found["outbox_messages"].add_metric([oa, status], count)
    found["outbox_lag_seconds"].add_metric([oa], _age(now, figures.oldest_due_at))
    found["replies_sent_last_24h"].add_metric([oa], figures.sent_since)
    for code, count in figures.failed_since.items():
        found["replies_failed_last_24h"].add_metric([oa, "none" if code is None else str(code)], count)
    expires = figures.token_expires_at
    found["zalo_token_healthy"].add_metric([oa], float(bool(expires and expires > now)
                                                       and not figures.token_refresh_failed))
    if expires is not None:
        found["zalo_token_expires_in_seconds"].add_metric([oa], (expires - now).total_seconds())
    for status, count in figures.announcements.items():
        found["announcements"].add_metric([oa, status], count)
    for status, count in figures.handoffs.items():
        found["handoffs_open"].add_metric([oa, status], count)
    found["handoffs_oldest_open_seconds"].add_metric([oa], _age(now, figures.oldest_handoff_at))
    for (kind, status), count in figures.requests.items():
        found["requests"].add_metric([oa, kind, status], count)


class DatabaseFigures:
    """A collector that reads every OA's figures when scraped; a database that does not answer makes
    zalobot_database_up 0 instead of failing the scrape."""

    def __init__(self, deployment):
        self.deployment = deployment

    def collect(self):
        found, now = _families(), utcnow()
        try:
            for services in self.deployment:
                with services.store.unit() as uow:
                    figures = read_figures(uow.session, services.store.oa_id, now, now - REPLIES_WINDOW)
                _add(found, services.settings.oa_key, figures, now)
        except Exception as exc:  # noqa: BLE001 - any driver error: the database is not answering
            log.warning("metrics: the database did not answer (%s)", type(exc).__name__)
            found = {"database_up": _families()["database_up"]}
            found["database_up"].add_metric([], 0)
        else:
            found["database_up"].add_metric([], 1)
        yield from found.values()


def _registry(extensions: dict) -> CollectorRegistry:
    registry = CollectorRegistry()
    if values.ValueClass is values.MutexValue:  # counted in this process only
        registry.register(extensions[COUNTS])
    else:  # PROMETHEUS_MULTIPROC_DIR: the counts of every web process, from their files
        MultiProcessCollector(registry)
    registry.register(DatabaseFigures(extensions["bot_deployment"]))
    return registry


@blueprint.get("/metrics")
def metrics():
    token = current_app.extensions["bot"].settings.metrics_token
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "").encode()
    if not hmac.compare_digest(given, f"Bearer {token}".encode()):
        return Response("Bearer token required\n", 401, {"WWW-Authenticate": 'Bearer realm="metrics"'},
                        mimetype="text/plain")
    return Response(generate_latest(_registry(current_app.extensions)), content_type=CONTENT_TYPE_LATEST)
