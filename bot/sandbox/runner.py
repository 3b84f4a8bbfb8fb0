"""Start the built-in Zalo stand-in for sandbox mode, on the port the client is configured for."""
from __future__ import annotations

from urllib.parse import urlparse

from bot.sandbox.standin import StandInState, serve_standin


def start_sandbox_standin(services, webhook_url: str):
    """Serve the stand-in where ZALO_API_BASE points, holding the token pair the database holds."""
    settings = services.settings
    token = services.tokens.load()
    state = StandInState(app_id=settings.app_id, app_secret=settings.app_secret,
                         access_token=token.access_token, refresh_token=token.refresh_token,
                         webhook_url=webhook_url, oa_secret_key=settings.oa_secret_key, oa_id=settings.oa_id)
    port = urlparse(settings.api_base).port or settings.standin_port
    return serve_standin(state, host="127.0.0.1", port=port)
