"""What every command shares: the one place that opens the application and turns
a refusal into one line on stderr, option parsing, and the item table."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import typer
from eventsourcing.persistence import PersistenceError
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from domain.errors import ChangeRefusedError, DomainError
from domain.timeline import Interval
from domain.wareki import parse_date
from service.application import FeeSchedule
from service.contract.claims import ClaimTooLongError
from service.contract.fields import normalise_code
from service.contract.items import ItemOut, split_ids
from service.contract.refusals import english
from service.importers.bundle import load_bundle_into, needs_bundle
from service.importers.documents import DocumentError
from service.importers.mhlw import MasterFileError
from service.replay.errors import ClaimFileError
from service.replay.uke import UkeError
from service.settings import Settings, SettingsError, store_name
from service.store import eventsourcing_env

console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
SCENARIO_HELP = "Comma-separated proposal ids to treat as enacted."
REFUSALS = (
    DomainError,
    DocumentError,
    MasterFileError,
    SettingsError,
    ClaimTooLongError,
    ClaimFileError,
    UkeError,
    OSError,
    PersistenceError,  # the store refused (a lock, a connection): one line
)


def fail(reason: str) -> typer.Exit:
    """Print a one-line reason on stderr; the caller raises the returned exit."""
    print(f"kaitei: {reason}", file=sys.stderr)
    return typer.Exit(1)


@contextmanager
def refusals(where: str = "") -> Iterator[None]:
    """Any refusal inside becomes one line on stderr and exit 1 (never a traceback),
    prefixed with `where` (a file name) when given."""
    prefix = f"{where}: " if where else ""
    try:
        yield
    except ChangeRefusedError as error:
        raise fail(f"{prefix}changes.{error.index}.{error.field}: {error}") from None
    except ValidationError as error:
        first = error.errors()[0]
        at = ".".join(str(x) for x in first["loc"])
        raise fail(f"{prefix}{at}: {english(first)}") from None
    except REFUSALS as error:
        raise fail(f"{prefix}{error}") from None


@contextmanager
def opened(reads: bool = True) -> Iterator[FeeSchedule]:
    """The application on the configured store, closed afterwards; refusals inside
    become one line on stderr. A command that `reads` the schedule never answers
    from an empty store: it loads the bundle first, as `serve` does (progress on
    stderr), or, with KAITEI_LOAD_BUNDLED=0, exits 2 naming the store."""
    with refusals():
        settings = Settings.from_env()
        schedule = FeeSchedule(eventsourcing_env(settings.database_url))
    try:
        with refusals():
            if reads:
                _filled(schedule, settings)
            yield schedule
    finally:
        schedule.close()


def _filled(schedule: FeeSchedule, settings: Settings) -> None:
    if not needs_bundle(schedule):
        return
    where = store_name(settings.database_url)
    if settings.load_bundled:
        print(f"kaitei: the store is {where}", file=sys.stderr)
        load_bundle_into(settings.database_url, schedule, _to_stderr)
        schedule.catch_up()
    elif not schedule.view.publications():
        print(
            f"kaitei: the store at {where} is empty: import files into it, or let "
            "kaitei load its bundled schedule (unset KAITEI_LOAD_BUNDLED)",
            file=sys.stderr,
        )
        raise typer.Exit(2)


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def last_day(end: date | None) -> str:
    """The last day in force (valid_to is the first day it is not)."""
    return "" if end is None else (end - timedelta(days=1)).isoformat()


def normalise(code: str) -> str:
    return str(normalise_code(code.strip()))


def as_date(text: str) -> date:
    try:
        return parse_date(text)
    except ValueError as error:
        raise fail(str(error)) from None


def as_instant(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise fail(f"--known-at {text!r} is not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise fail(f"--known-at {text!r} needs an offset, e.g. +09:00")
    return moment


def scenario_ids(text: str | None) -> tuple[str, ...]:
    return split_ids(text)


def note_if_beyond(schedule: FeeSchedule, *days: date) -> bool:
    """Whether a date is past the store's data; if so, say it on stderr."""
    if not schedule.beyond_data_through(*days):
        return False
    print(
        f"kaitei: note: {max(days)} is after {schedule.data_through()}, the newest "
        "publication held (kaitei sources): a change published later is not known",
        file=sys.stderr,
    )
    return True


def items_table(intervals: list[Interval], title: str, kubun: bool = False) -> Table:
    table = Table(title=title)
    columns = ("code", "name", "value", "unit", "valid", "revision", "source")
    for column in ("区分番号", *columns) if kubun else columns:
        table.add_column(column)
    for i in intervals:
        out = ItemOut.of(i).model_dump(mode="json")
        table.add_row(
            *([out["kubun"] or ""] if kubun else []),
            out["code"],
            out["name"],
            json.dumps(out["value"]),
            out["unit"],
            f"{i.valid_from} 〜 {last_day(i.valid_to)}",
            out["revision"],
            out["source"],
        )
    return table
