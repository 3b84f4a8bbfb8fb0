"""Command line for announcements: `flask --app wsgi announce …`, `announcements list|cancel`.
The worker process does the sending."""
from __future__ import annotations

import csv
from datetime import datetime

import click
from flask import Flask
from flask.cli import AppGroup

from bot.cli.common import services_of, store_of
from bot.clock import local, utc
from bot.flows.moments import parse_moment
from bot.flows.text import normalize
from bot.handlers.announce import cancel
from bot.services import announcements as notices
from bot.services import signups

AT_FORMAT = "%Y-%m-%d %H:%M"


def register(app: Flask) -> None:
    announcements_group = AppGroup("announcements", help="Ward announcements.")

    def store():
        store_of(app)  # schema up to date
        return services_of(app)

    @app.cli.command("announce")
    @click.option("--text", "text", default=None, help="The notice, as residents will read it "
                  "(with --signup, the event itself when left out).")
    @click.option("--at", "at", default=None, help='Local time "YYYY-MM-DD HH:MM" (default: now).')
    @click.option("--group", "group_names", multiple=True, help="Only members of this group (repeatable).")
    @click.option("--urgent", is_flag=True, help="Send even in quiet hours.")
    @click.option("--image", "image_url", default=None, help="URL of a photo sent after the text.")
    @click.option("--signup", "signup", default=None,
                  help='Ask residents to sign up for this event, e.g. "Lớp VNeID, 8h thứ Bảy 12/12, nhà văn hóa".')
    @click.option("--event-at", "event_at", default=None,
                  help='The event\'s local start "YYYY-MM-DD HH:MM" (default: the time written in --signup).')
    @click.option("--limit", "limit", type=click.IntRange(1, 1000), default=None,
                  help="At most this many people; later ones go on a waiting list.")
    def announce(text, at, group_names, urgent, image_url, signup, event_at, limit):
        """Announce to all members (or some groups), now or at a time; optionally with a sign-up."""
        services = store()
        signup = " ".join((signup or "").split()) or None
        text = (text or "").strip() or (signup or "")
        if not text:
            raise click.ClickException("The text is empty: give --text (or --signup).")
        if limit and not signup:
            raise click.ClickException("--limit goes with --signup.")
        now = services.runtime.clock()
        send_at = now
        if at:
            send_at = _moment("--at", at, now)
        event = _event_start(signup, event_at, now, send_at) if signup else None
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
            if signup:
                announcement.signup_title, announcement.event_at, announcement.signup_limit = signup, event, limit
            reach = notices.reach_text(uow, announcement, [normalize(n) for n in names])
            uow.commit()
        click.echo(f"Announcement #{announcement.id} to {reach}: "
                   f"{'sending now' if not at else 'scheduled for ' + local(send_at).strftime(AT_FORMAT)}"
                   " (the worker process sends it; leaders get the report).")
        if signup:
            click.echo(f"Sign-up for «{signup}» at {local(event).strftime(AT_FORMAT)}"
                       f"{f', at most {limit} people' if limit else ''}: "
                       f"flask --app wsgi announcements signups {announcement.id}")

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

    @announcements_group.command("signups")
    @click.argument("announcement_id", type=int)
    @click.option("--csv", "csv_path", type=click.Path(dir_okay=False, writable=True), default=None,
                  help="Also write the list to this CSV file.")
    def announcements_signups(announcement_id, csv_path):
        """Who signed up for an announcement's event (names as registered, phones masked)."""
        services = store()
        with services.store.unit() as uow:
            announcement = uow.announcements.get(announcement_id)
            if announcement is None or not announcement.signup_title:
                raise click.ClickException(f"Announcement #{announcement_id} has no sign-up.")
            rows = signups.roster(uow, announcement)
            totals = signups.counts(uow, announcement)
        limit = f" of {announcement.signup_limit}" if announcement.signup_limit else ""
        click.echo(f"#{announcement.id} «{announcement.signup_title}», "
                   f"{local(announcement.event_at).strftime(AT_FORMAT)}: {totals['going_people']}{limit} people "
                   f"coming ({totals['going']} sign-ups), {totals['waiting']} waiting, "
                   f"{totals['declined']} not coming, {totals['cancelled']} cancelled.")
        for row in rows:
            where = f"waiting #{row.position}" if row.position else row.status
            click.echo(f"  {row.name:<30} {row.phone:<14} {row.people:>2}  {where}")
        if csv_path:
            with open(csv_path, "w", newline="", encoding="utf-8-sig") as out:
                writer = csv.writer(out)
                writer.writerow(["name", "phone", "people", "status", "waiting position", "signed up (local)"])
                for row in rows:
                    writer.writerow([row.name, row.phone, row.people, row.status, row.position or "",
                                     local(row.at).strftime(AT_FORMAT)])
            click.echo(f"Written to {csv_path}.")

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


def _moment(option: str, said: str, now: datetime) -> datetime:
    """A local "YYYY-MM-DD HH:MM" as UTC, in the future."""
    try:
        moment = utc(datetime.strptime(said.strip(), AT_FORMAT))
    except ValueError:
        raise click.ClickException(f'{option} must look like "2026-11-25 07:00", not {said!r}.') from None
    if moment <= now:
        raise click.ClickException(f"{said} has already passed (local time now: {local(now):%Y-%m-%d %H:%M}).")
    return moment


def _event_start(signup: str, event_at: str | None, now: datetime, send_at: datetime) -> datetime:
    """The event's start: --event-at, else the time written in its title («8h thứ Bảy 12/12»)."""
    if event_at:
        event = _moment("--event-at", event_at, now)
    else:
        said = parse_moment(signup, local(now))
        if said is None:
            raise click.ClickException('No day and time in --signup: add --event-at "YYYY-MM-DD HH:MM".')
        event = utc(said)
        if event <= now:
            raise click.ClickException(f"The event ({said:%Y-%m-%d %H:%M}) has already passed.")
    if event <= send_at:
        raise click.ClickException("The event starts before the announcement is sent.")
    return event
