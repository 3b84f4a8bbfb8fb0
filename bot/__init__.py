"""The e-neighborhood Zalo OA bot."""
from __future__ import annotations

import logging

from flask import Flask

from config import Settings, load_settings


def create_app(settings: Settings | None = None) -> Flask:
    """Build the Flask app: webhook, health check, staff dashboard, sandbox page (sandbox mode), CLI."""
    from bot import admin, cli
    from bot.deployment import build_deployment
    from bot.privacy.log_privacy import hide_database_details_in_logs
    from bot.web import metrics, webhook
    from bot.web.no_session import SessionsForPagesOnly

    settings = settings or load_settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    hide_database_details_in_logs()
    if settings.log_level != "DEBUG":  # their routine lines (each migration, each job run) drown the bot's own
        for name in ("alembic", "apscheduler"):
            logging.getLogger(name).setLevel(logging.WARNING)
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=None,
                      SESSION_COOKIE_SECURE=settings.cookie_secure, SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax")
    app.session_interface = SessionsForPagesOnly()
    if settings.trusted_proxies > 0:  # request.remote_addr becomes the client's, as the last proxy saw it
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)
    deployment = build_deployment(settings)
    app.extensions["bot_deployment"] = deployment
    app.extensions["bot"] = deployment.main  # the main OA (the only one unless EXTRA_OAS is set)
    app.register_blueprint(webhook.blueprint)
    app.register_blueprint(metrics.blueprint)  # /metrics, only with METRICS_TOKEN
    app.register_blueprint(admin.blueprint)
    if settings.sandbox:
        from bot.sandbox.page import blueprint as sandbox_blueprint
        app.register_blueprint(sandbox_blueprint)
    cli.register(app)
    return app
