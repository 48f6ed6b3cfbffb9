"""The `kaitei` command: serve, import, item, schedule, rebuild."""

from __future__ import annotations

import csv
import json
import sys
from contextlib import nullcontext
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from domain.claims import PricedClaim, price_claim
from domain.errors import ChangeRefusedError, DomainError
from domain.timeline import Interval
from domain.wareki import parse_date
from service.api.claims import ClaimIn, PricedClaimOut
from service.api.fields import normalise_code, number
from service.api.items import ItemOut, split_ids
from service.application import FeeSchedule
from service.dependencies import os_user
from service.documents import DocumentError, bundled_documents, read_document
from service.masters import (
    MasterFileError,
    is_master_file,
    read_master,
    read_master_name,
)
from service.settings import Settings, SettingsError
from service.tables import diff_csv, schedule_csv

app = typer.Typer(
    help="kaitei: the revision history of the 診療報酬点数表.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)
SCENARIO_HELP = "Comma-separated proposal ids to treat as enacted."


def fail(reason: str) -> typer.Exit:
    """Print a one-line reason on stderr; the caller raises the returned exit."""
    print(f"kaitei: {reason}", file=sys.stderr)
    return typer.Exit(1)


def open_schedule() -> FeeSchedule:
    try:
        return FeeSchedule(Settings.from_env().eventsourcing_env())
    except SettingsError as error:
        raise fail(str(error)) from None


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


@app.command("import")
def import_files(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Revision documents (YAML/JSON) or 医科診療行為マスター files "
            "(s_ALLYYYYMMDD.zip|csv, s_YYYYMMDD.csv)."
        ),
    ],
    effective_from: Annotated[
        str | None,
        typer.Option(
            "--effective-from",
            help="Date for master rows without 変更年月日 (YYYY-MM-DD, 和暦), or "
            "'published' for each file's publication date.",
        ),
    ] = None,
) -> None:
    """Record revision documents or master files; files already recorded are skipped."""
    files = in_publication_order(files)
    schedule = open_schedule()
    try:
        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("importing", total=len(files))
            for path in files:
                progress.update(task, description=path.name)
                if is_master_file(path):
                    import_master_file(schedule, path, effective_from)
                else:
                    record_file(schedule, path)
                progress.advance(task)
    finally:
        schedule.close()


def in_publication_order(files: list[Path]) -> list[Path]:
    """Master files reordered among themselves by publication date (the full
    file before change files of its day), as they must be recorded; other
    files keep their places. `kaitei import masters/*` lists s_2022… before
    s_ALL…."""
    masters = [f for f in files if is_master_file(f)]
    try:
        ordered = iter(sorted(masters, key=_publication))
    except MasterFileError as error:
        raise fail(str(error)) from None
    return [next(ordered) if is_master_file(f) else f for f in files]


def _publication(path: Path) -> tuple[date, bool]:
    return read_master_name(path.name), not path.name.startswith("s_ALL")


def import_master_file(
    schedule: FeeSchedule, path: Path, effective_from: str | None
) -> None:
    try:
        master = read_master(path.name, path.read_bytes())
        day = (
            master.published
            if effective_from == "published"
            else as_date(effective_from)
            if effective_from
            else None
        )
        recorded = schedule.import_master(master, day, os_user())
    except OSError as error:
        raise fail(f"{path}: cannot read: {error}") from None
    except (MasterFileError, DomainError) as error:
        raise fail(f"{path}: {error}") from None
    if recorded is None:
        console.print(f"{path}: every row is already recorded, nothing new")
    elif not recorded.created:
        console.print(f"{path}: already imported, nothing new")
    else:
        console.print(
            f"{path}: {master.name} recorded, {len(recorded.events) - 1} item events "
            f"from {len(master.rows)} rows (position {recorded.position})"
        )


def record_file(schedule: FeeSchedule, path: Path) -> None:
    try:
        draft = read_document(path)
        recorded = schedule.record_revision(draft, os_user())
    except ChangeRefusedError as error:
        raise fail(f"{path}: changes.{error.index}.{error.field}: {error}") from None
    except (DocumentError, DomainError) as error:
        raise fail(f"{path}: {error}") from None
    verb = "recorded" if recorded.created else "already recorded, nothing new"
    console.print(f"{path}: {draft.id} {verb} (position {recorded.position})")


@app.command()
def item(
    code: str,
    as_of: Annotated[str, typer.Option("--as-of", help="YYYY-MM-DD or 和暦")],
    known_at: Annotated[str | None, typer.Option("--known-at")] = None,
    scenario: Annotated[str | None, typer.Option(help=SCENARIO_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """One item as in force on a date."""
    schedule = open_schedule()
    try:
        found = schedule.item(
            normalise(code), as_date(as_of), as_instant(known_at), split_ids(scenario)
        )
    except DomainError as error:
        raise fail(str(error)) from None
    finally:
        schedule.close()
    out = ItemOut.of(found)
    if as_json:
        print(out.model_dump_json(indent=2))
        return
    console.print(items_table([found], f"{code} as of {as_of}"))


@app.command()
def schedule(
    as_of: Annotated[str, typer.Option("--as-of", help="YYYY-MM-DD or 和暦")],
    known_at: Annotated[str | None, typer.Option("--known-at")] = None,
    scenario: Annotated[str | None, typer.Option(help=SCENARIO_HELP)] = None,
    csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout.")] = False,
) -> None:
    """Every item in force on a date."""
    fee_schedule = open_schedule()
    try:
        found = fee_schedule.schedule(
            as_date(as_of), as_instant(known_at), split_ids(scenario)
        )
    except DomainError as error:
        raise fail(str(error)) from None
    finally:
        fee_schedule.close()
    if csv:
        sys.stdout.write(schedule_csv(found).lstrip("\ufeff"))
        return
    console.print(items_table(found, f"schedule as of {as_of} ({len(found)} items)"))


@app.command()
def price(
    claim_file: Annotated[
        Path, typer.Argument(help="A claim as JSON (API.md, Claims).")
    ],
    known_at: Annotated[str | None, typer.Option("--known-at")] = None,
    scenario: Annotated[str | None, typer.Option(help=SCENARIO_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Price a claim line by line under the rules in force on each line's date."""
    try:
        claim = ClaimIn.model_validate_json(claim_file.read_bytes()).to_domain()
    except OSError as error:
        raise fail(f"{claim_file}: cannot read: {error}") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise fail(f"{claim_file}: {where}: {first['msg']}") from None
    schedule = open_schedule()
    try:
        priced = schedule.price(claim, as_instant(known_at), split_ids(scenario))
    except DomainError as error:
        raise fail(str(error)) from None
    finally:
        schedule.close()
    out = PricedClaimOut.of(priced)
    if as_json:
        print(out.model_dump_json(indent=2))
        return
    table = Table(title=f"claim {out.id}")
    for column in (
        "#",
        "date",
        "code",
        "qty",
        "unit value",
        "amount",
        "status",
        "revision / reason",
    ):
        table.add_column(column)
    for x in out.lines:
        value = "" if x.unit_value is None else f"{number(x.unit_value)} {x.unit}"
        table.add_row(
            str(x.index),
            str(x.date),
            x.code,
            str(x.quantity),
            value,
            json.dumps(number(x.amount)),
            x.status,
            x.revision if x.status == "priced" else x.reason,
        )
    console.print(table)
    for x in out.lines:
        if x.status == "rejected":
            console.print(f"line {x.index}: {x.reason}: {x.detail}")
    console.print(
        f"total {number(out.total_points)} points, {number(out.total_yen)} yen"
        + (
            f" (billed {number(out.billed_points)} points, "
            f"difference {number(out.total_points - out.billed_points)})"
            if out.billed_points is not None
            else ""
        )
    )


REPORT_COLUMNS = (
    "claim_id",
    "index",
    "code",
    "date",
    "quantity",
    "disease",
    "status",
    "unit",
    "unit_value",
    "amount",
    "revision",
    "reason",
    "claim_total_points",
    "claim_billed_points",
    "claim_matched",
)


@app.command()
def replay(
    claims_file: Annotated[
        Path, typer.Argument(help="Claims, one JSON object a line (JSON Lines).")
    ],
    known_at: Annotated[str | None, typer.Option("--known-at")] = None,
    scenario: Annotated[str | None, typer.Option(help=SCENARIO_HELP)] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write every priced line to this CSV file.")
    ] = None,
) -> None:
    """Reprice any number of claims from a file, streaming, against what was billed."""
    schedule = open_schedule()
    try:
        book = schedule.rules(None, as_instant(known_at), split_ids(scenario))
    except DomainError as error:
        schedule.close()
        raise fail(str(error)) from None
    schedule.close()
    count = matched = 0
    try:
        with (
            claims_file.open("rb") as source,
            (
                report.open("w", encoding="utf-8-sig", newline="")
                if report
                else nullcontext()
            ) as out,
            Progress(console=Console(stderr=True), transient=True) as progress,
        ):
            writer = csv.writer(out) if out else None
            if writer:
                writer.writerow(REPORT_COLUMNS)
            task = progress.add_task("replaying", total=claims_file.stat().st_size)
            for number_, raw in enumerate(source, start=1):
                progress.advance(task, len(raw))
                if not raw.strip():
                    continue
                try:
                    claim = ClaimIn.model_validate_json(raw).to_domain()
                except ValidationError as error:
                    first = error.errors()[0]
                    where = ".".join(str(x) for x in first["loc"])
                    raise fail(
                        f"{claims_file}:{number_}: {where}: {first['msg']}"
                    ) from None
                priced = price_claim(claim, book)
                count += 1
                ok = claim.billed_points in (None, priced.total_points)
                matched += ok
                if writer:
                    writer.writerows(_report_rows(priced, ok))
    except OSError as error:
        raise fail(f"cannot read or write: {error}") from None
    console.print(
        f"{count} claims: {matched} matched, {count - matched} mismatched"
        + (f"; report in {report}" if report else "")
    )


def _report_rows(priced: PricedClaim, ok: bool) -> list[list[object]]:
    billed = "" if priced.billed_points is None else number(priced.billed_points)
    return [
        [
            priced.id,
            x.index,
            x.line.code,
            x.line.date.isoformat(),
            x.line.quantity,
            x.line.disease or "",
            x.status,
            x.unit or "",
            "" if x.unit_value is None else number(x.unit_value),
            number(x.amount),
            x.revision or "",
            x.reason or "",
            number(priced.total_points),
            billed,
            "yes" if ok else "no",
        ]
        for x in priced.lines
    ]


@app.command()
def history(
    code: str, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """Every change recorded to an item, oldest effective first."""
    schedule = open_schedule()
    try:
        entries = schedule.history(normalise(code))
    except DomainError as error:
        raise fail(str(error)) from None
    finally:
        schedule.close()
    if as_json:
        print(json.dumps(entries, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"history of {normalise(code)}")
    for column in ("effective", "op", "before", "after", "revision", "recorded", "by"):
        table.add_column(column)
    for e in entries:
        table.add_row(
            e["effective_from"],
            e["op"],
            _brief(e["before"]),
            _brief(e["after"]),
            e["revision"],
            e["recorded_at"][:19],
            e["recorded_by"] or "",
        )
    console.print(table)


def _brief(state: dict[str, object] | None) -> str:
    if state is None:
        return "—"
    shown = {k: v for k, v in state.items() if v not in ([], None)}
    return json.dumps(shown, ensure_ascii=False)[:80]


@app.command()
def diff(
    start: Annotated[str, typer.Argument(help="From date (YYYY-MM-DD or 和暦).")],
    end: Annotated[str, typer.Argument(help="To date.")],
    known_at: Annotated[str | None, typer.Option("--known-at")] = None,
    scenario: Annotated[str | None, typer.Option(help=SCENARIO_HELP)] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout.")] = False,
) -> None:
    """What was added, abolished and changed between two dates."""
    schedule = open_schedule()
    try:
        found = schedule.diff(
            as_date(start), as_date(end), as_instant(known_at), split_ids(scenario)
        )
    except DomainError as error:
        raise fail(str(error)) from None
    finally:
        schedule.close()
    if as_csv:
        sys.stdout.write(diff_csv(found).lstrip("\ufeff"))
        return
    console.print(items_table(found["added"], f"added ({len(found['added'])})"))
    console.print(
        items_table(found["abolished"], f"abolished ({len(found['abolished'])})")
    )
    table = Table(title=f"changed ({len(found['changed'])})")
    for column in ("code", "name", "field", "before", "after", "revision"):
        table.add_column(column)
    for c in found["changed"]:
        before, after = _shown_change(c["before"], c["after"])
        table.add_row(c["code"], c["name"], c["field"], before, after, c["revision"])
    console.print(table)


def _shown_change(before: object, after: object) -> tuple[str, str]:
    """Lists as what left and what joined; other values as they are."""
    if isinstance(before, list) and isinstance(after, list):
        left = [json.dumps(x, ensure_ascii=False) for x in before if x not in after]
        joined = [json.dumps(x, ensure_ascii=False) for x in after if x not in before]
        return " ".join(f"-{x}" for x in left), " ".join(f"+{x}" for x in joined)
    return json.dumps(before, ensure_ascii=False), json.dumps(after, ensure_ascii=False)


@app.command()
def verify() -> None:
    """Recompute the hash chain over every stored event (exit 1 if one is altered)."""
    schedule = open_schedule()
    try:
        result = schedule.verify()
    finally:
        schedule.close()
    if result["ok"]:
        console.print(f"ok: {result['events']} events, chain intact")
        return
    bad = result["first_bad"]
    raise fail(
        f"chain broken at event {bad['position']} "
        f"({bad.get('topic', 'missing')}, {bad.get('originator_id', '')} "
        f"v{bad.get('originator_version', '')}): {bad['reason']}; "
        f"{result['events']} events before it verified"
    )


@app.command()
def rebuild() -> None:
    """Drop the read model and rebuild it from the events."""
    schedule = open_schedule()
    try:
        count = schedule.rebuild()
    finally:
        schedule.close()
    console.print(f"rebuilt from {count} events")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Run the HTTP service (loads the bundled revisions into an empty store)."""
    import uvicorn

    from service.app import create_app

    settings = Settings.from_env()
    schedule = open_schedule()
    if settings.load_bundled and schedule.position() == 0:
        for path in bundled_documents():
            record_file(schedule, path)
    uvicorn.run(create_app(schedule), host=host, port=port)
    schedule.close()


def items_table(intervals: list[Interval], title: str) -> Table:
    table = Table(title=title)
    for column in ("code", "name", "value", "unit", "valid", "revision", "source"):
        table.add_column(column)
    for i in intervals:
        out = ItemOut.of(i).model_dump(mode="json")
        valid = f"{i.valid_from} – {i.valid_to or ''}"
        table.add_row(
            out["code"],
            out["name"],
            json.dumps(out["value"]),
            out["unit"],
            valid,
            out["revision"],
            out["source"],
        )
    return table


def main() -> None:
    app()
