"""The OA's Zalo token pair: `flask --app wsgi tokens show|set`. ZALO_ACCESS_TOKEN and ZALO_REFRESH_TOKEN
only seed an empty database; once Zalo refuses a refresh (or an old back-up was restored), `tokens set`
puts the pair of a new authorisation in place while the bot runs."""
from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask
from flask.cli import AppGroup

from bot.cli.common import services_of, store_of
from bot.clock import local
from bot.store.models import utcnow
from bot.zalo.tokens import ACCESS_LIFETIME


def register(app: Flask) -> None:
    tokens = AppGroup("tokens", help="The OA's Zalo access and refresh tokens.")

    @tokens.command("show")
    def tokens_show():
        """When the access token expires and whether the last refresh worked (never the tokens)."""
        with store_of(app).unit() as uow:
            token = uow.tokens.get()
        if token is None:
            click.echo("No tokens stored yet: the first start stores ZALO_ACCESS_TOKEN and ZALO_REFRESH_TOKEN.")
            return
        left = token.expires_at - utcnow()
        click.echo(f"Access token expires {local(token.expires_at):%Y-%m-%d %H:%M} (Vietnam time), "
                   f"{'in ' + str(left).split('.')[0] if left.total_seconds() > 0 else 'already'}.")
        if token.refresh_error:
            click.echo(f"Last refresh refused: {token.refresh_error}. Authorise the app again, then: "
                       "flask --app wsgi tokens set")
        else:
            click.echo("Last refresh: " + (f"{local(token.refreshed_at):%Y-%m-%d %H:%M}" if token.refreshed_at
                                           else "none yet") + ", no error.")

    @tokens.command("set")
    @click.option("--access-token", prompt="Access token", hide_input=True, help="Asked for when left out.")
    @click.option("--refresh-token", prompt="Refresh token", hide_input=True, help="Asked for when left out.")
    @click.option("--expires-in", type=click.IntRange(60, 30 * 24 * 3600), default=None,
                  help=f"Seconds the access token is valid (Zalo's expires_in; default {ACCESS_LIFETIME}).")
    def tokens_set(access_token, refresh_token, expires_in):
        """Store the token pair of a new authorisation (asked for without echoing them)."""
        access_token, refresh_token = access_token.strip(), refresh_token.strip()
        if not access_token or not refresh_token:
            raise click.ClickException("Both tokens are needed.")
        expires_at = utcnow() + (timedelta(seconds=expires_in) if expires_in else ACCESS_LIFETIME)
        with store_of(app).unit() as uow:
            uow.tokens.replace(access_token, refresh_token, expires_at)
            uow.commit()
        click.echo(f"Stored for OA {services_of(app).settings.oa_key}; the running bot uses them within seconds.")

    app.cli.add_command(tokens)
