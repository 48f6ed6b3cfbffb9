"""`kaitei serve|verify|rebuild`: run the service and look after the store."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from service.cli.common import console, fail, opened, refusals
from service.settings import Settings, store_name


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Processes serving the port; each holds the rule book in memory.",
        ),
    ] = 1,
    access_log: Annotated[
        bool, typer.Option(help="Log a line per request on stderr.")
    ] = True,
) -> None:
    """Run the HTTP service (loads the bundled revisions into an empty store)."""
    with refusals():
        settings = Settings.from_env()  # a wrong variable: one line, no traceback
    print(f"kaitei: the store is {store_name(settings.database_url)}", file=sys.stderr)
    # The web app opens the store itself, from the same settings; with several
    # workers the first to start loads the bundle, under the store's lock.
    import uvicorn

    uvicorn.run(
        "service.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
    )


def verify() -> None:
    """Recompute the hash chain over every stored event (exit 1 if one is altered)."""
    with opened(reads=False) as schedule:
        result = schedule.verify()
    bad = result.first_bad
    if bad is None:
        console.print(f"ok: {result.events} events, chain intact")
        return
    raise fail(
        f"chain broken at event {bad.position} "
        f"({bad.topic or 'missing'}, {bad.originator_id or ''} "
        f"v{bad.originator_version or ''}): {bad.reason}; "
        f"{result.events} events before it verified"
    )


def rebuild() -> None:
    """Drop the read model and rebuild it from the events."""
    with opened(reads=False) as schedule:
        count = schedule.rebuild()
    console.print(f"rebuilt from {count} events")
