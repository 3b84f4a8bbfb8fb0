"""Command line for announcements: `flask --app wsgi announce …`, `announcements list|cancel`.
The worker process does the sending."""
from __future__ import annotations

from datetime import datetime

import click
from flask import Flask
from flask.cli import AppGroup

from bot.cli.common import services_of, store_of
from bot.clock import local, utc
from bot.flows.text import normalize
from bot.handlers.announce import cancel
from bot.services import announcements as notices

AT_FORMAT = "%Y-%m-%d %H:%M"


def register(app: Flask) -> None:
    announcements_group = AppGroup("announcements", help="Ward announcements.")

    def store():
        store_of(app)  # schema up to date
        return services_of(app)

    @app.cli.command("announce")
    @click.option("--text", "text", required=True, help="The notice, as residents will read it.")
    @click.option("--at", "at", default=None, help='Local time "YYYY-MM-DD HH:MM" (default: now).')
    @click.option("--group", "group_names", multiple=True, help="Only members of this group (repeatable).")
    @click.option("--urgent", is_flag=True, help="Send even in quiet hours.")
    @click.option("--image", "image_url", default=None, help="URL of a photo sent after the text.")
    def announce(text, at, group_names, urgent, image_url):
        """Announce to all members (or some groups), now or at a time."""
        services = store()
        text = text.strip()
        if not text:
            raise click.ClickException("The text is empty.")
        now = services.runtime.clock()
        send_at = now
        if at:
            try:
                send_at = utc(datetime.strptime(at.strip(), AT_FORMAT))
            except ValueError:
                raise click.ClickException(f'--at must look like "2026-11-25 07:00", not {at!r}.') from None
            if send_at <= now:
                raise click.ClickException(f"{at} has already passed (local time now: {local(now):%Y-%m-%d %H:%M}).")
        with services.store.unit() as uow:
            names = []
            for name in group_names:
                found = uow.groups.find(normalize(name))
                if found is None:
                    known = ", ".join(uow.groups.sizes()) or "none yet"
                    raise click.ClickException(f"No group {name!r}. Groups: {known}.")
                names.append(found)
            zalo_groups = [] if names else list(services.settings.announce_zalo_groups)
            announcement = uow.announcements.add(text, "cli", groups=names, zalo_groups=zalo_groups, urgent=urgent,
                                                 status="scheduled", send_at=send_at, image_url=image_url)
            reach = notices.reach_text(uow, announcement, [normalize(n) for n in names])
            uow.commit()
        click.echo(f"Announcement #{announcement.id} to {reach}: "
                   f"{'sending now' if not at else 'scheduled for ' + local(send_at).strftime(AT_FORMAT)}"
                   " (the worker process sends it; leaders get the report).")

    @announcements_group.command("list")
    @click.option("--limit", default=30, show_default=True)
    def announcements_list(limit):
        """Each announcement with its delivery counts."""
        services = store()
        with services.store.unit() as uow:
            rows = [(a, notices.report_counts(uow, a)) for a in uow.announcements.listing(limit)]
        if not rows:
            click.echo('No announcements yet. Make one with: flask --app wsgi announce --text "..."')
        click.echo(f"{'#':>4}  {'status':<9}  {'when (local)':<16}  {'sent':>5} {'waiting':>7} {'opt-out':>7} "
                   f"{'failed':>6} {'left':>5}  text")
        for a, c in rows:
            when = local(a.send_at).strftime(AT_FORMAT) if a.send_at else "-"
            click.echo(f"{a.id:>4}  {a.status:<9}  {when:<16}  {c['sent']:>5} {c['waiting']:>7} {c['opted_out']:>7} "
                       f"{c['failed']:>6} {c['in_progress']:>5}  {notices.excerpt(a.text)}")

    @announcements_group.command("cancel")
    @click.argument("announcement_id", type=int)
    def announcements_cancel(announcement_id):
        """Cancel an announcement that has not started sending."""
        services = store()
        with services.store.unit() as uow:
            answer = cancel(uow, announcement_id)
            uow.commit()
            cancelled = uow.announcements.get(announcement_id)
        if cancelled is None or cancelled.status != "cancelled":
            raise click.ClickException(answer)
        click.echo(answer)

    app.cli.add_command(announcements_group)
