"""Command line for the household map: `flask --app wsgi households import FILE.csv | export [-o FILE]`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from bot.cli.common import store_of
from bot.services import households


def register(app: Flask) -> None:
    group = AppGroup("households", help="The household map (import and export as CSV).")

    @group.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_command(path: Path):
        """Add households from a CSV (columns: Chủ hộ, Địa chỉ, Khu, Số tầng, Số người, Điện thoại)."""
        with store_of(app).unit() as uow:
            try:
                report = households.import_csv(uow, path.read_bytes())
            except households.FileProblem as exc:
                raise click.ClickException(f"{path.name}: {exc}. Nothing was imported.") from None
            uow.audit.record("cli", "command line", "import_households", f"{path.name}: {report.accepted} rows")
            uow.commit()
        click.echo(f"{report.accepted} households imported, {len(report.rejected)} rows rejected.")
        for line, reason in report.rejected:
            click.echo(f"  line {line}: {reason}")

    @group.command("export")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="File to write (default: standard output).")
    def export_command(output: Path | None):
        """Write the household map as CSV (UTF-8 with BOM), in the import's columns."""
        with store_of(app).unit() as uow:
            data = households.export_csv(uow)
            uow.audit.record("cli", "command line", "export_households", output.name if output else "stdout")
            uow.commit()
        if output is None:
            click.echo(data.decode("utf-8"), nl=False)
        else:
            output.write_bytes(data)
            click.echo(f"Wrote {output}.")

    app.cli.add_command(group)
