"""The `kaitei` command (typer only): commands grouped by theme, registered here."""

from __future__ import annotations

import typer

from service.cli import admin, claims, lookups, records

app = typer.Typer(
    help="kaitei: the revision history of the 診療報酬点数表.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("import")(records.import_files)
for command in (
    lookups.item,
    lookups.search,
    lookups.sources,
    lookups.schedule,
    claims.price,
    claims.replay,
    lookups.history,
    lookups.diff,
    admin.verify,
    admin.rebuild,
    admin.serve,
):
    app.command()(command)


def main() -> None:
    app()
