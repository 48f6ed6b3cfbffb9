"""`kaitei price|replay`: claims priced under the rules in force on each line's date."""

from __future__ import annotations

import csv
import json
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from domain.billing import PricedClaim, price_claim, remember
from domain.claims import Claim
from domain.patients import History
from service.cli.common import (
    as_instant,
    console,
    fail,
    note_if_beyond,
    opened,
    refusals,
    scenario_ids,
)
from service.cli.lookups import AsJson, KnownAt, Scenario
from service.contract.claims import ClaimIn, ClaimTooLongError, PricedClaimOut
from service.contract.fields import number
from service.settings import Settings

PRICED_COLUMNS = ("#", "date", "code", "qty", "unit value", "amount", "status")


def read_claim(raw: bytes, max_lines: int) -> Claim:
    """One claim from its JSON, refused when invalid or over the line cap."""
    claim = ClaimIn.model_validate_json(raw)
    refusal = claim.refusal(max_lines)
    if refusal is not None:
        raise ClaimTooLongError(f"lines: {refusal}")
    return claim.to_domain()


def price(
    claim_file: Annotated[
        Path, typer.Argument(help="A claim as JSON (API.md, Claims).")
    ],
    known_at: KnownAt = None,
    scenario: Scenario = None,
    as_json: AsJson = False,
) -> None:
    """Price a claim line by line under the rules in force on each line's date."""
    moment = as_instant(known_at)
    with refusals(str(claim_file)):
        claim = read_claim(claim_file.read_bytes(), Settings.from_env().max_claim_lines)
    with opened() as schedule:
        priced = schedule.price(claim, moment, scenario_ids(scenario))
        beyond = note_if_beyond(schedule, *(line.date for line in claim.lines))
    out = PricedClaimOut.of(priced, beyond)
    if as_json:
        print(out.model_dump_json(indent=2))
        return
    table = Table(title=f"claim {out.id}")
    for column in (*PRICED_COLUMNS, "revision / reason"):
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
        if x.unchecked:
            console.print(
                f"line {x.index}: unchecked: {', '.join(x.unchecked)} (counted in this "
                "claim only: the patient's other claims are not known)"
            )
        if x.special_condition:
            console.print(
                f"line {x.index}: 特例条件: a person must check the exception"
            )
    billed = ""
    if out.billed_points is not None:
        difference = number(out.total_points - out.billed_points)
        billed = (
            f" (billed {number(out.billed_points)} points, difference {difference})"
        )
    console.print(
        f"total {number(out.total_points)} points, {number(out.total_yen)} yen{billed}"
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
    "patient",
    "unchecked",
    "special_condition",
    "rule_table",
    "rule_row",
)


def replay(
    claims_file: Annotated[
        Path, typer.Argument(help="Claims, one JSON object a line (JSON Lines).")
    ],
    known_at: KnownAt = None,
    scenario: Scenario = None,
    report: Annotated[
        Path | None, typer.Option(help="Write every priced line to this CSV file.")
    ] = None,
) -> None:
    """Reprice any number of claims from a file, streaming, against what was
    billed. A patient's claims count the ones before them in the file (list
    each patient's claims in date order) for the limits that span claims."""
    moment = as_instant(known_at)
    with opened() as schedule:
        book = schedule.rules(None, moment, scenario_ids(scenario))
    settings = Settings.from_env()
    count = matched = 0
    histories: dict[str, History] = {}
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
                with refusals(f"{claims_file}:{number_}"):
                    claim = read_claim(raw, settings.max_claim_lines)
                history = None
                if claim.patient is not None:
                    history = histories.setdefault(claim.patient, History())
                priced = price_claim(claim, book, history)
                if history is not None:
                    remember(priced, claim, history, book)
                count += 1
                ok = claim.billed_points in (None, priced.total_points)
                matched += ok
                if writer:
                    writer.writerows(_report_rows(priced, ok, claim.patient))
    except OSError as error:
        raise fail(f"cannot read or write: {error}") from None
    console.print(
        f"{count} claims: {matched} matched, {count - matched} mismatched"
        + (f"; report in {report}" if report else "")
    )


def _report_rows(
    priced: PricedClaim, ok: bool, patient: str | None
) -> list[list[object]]:
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
            patient or "",
            " ".join(x.unchecked),
            "yes" if x.special_condition else "",
            (x.rule or {}).get("table", ""),
            (x.rule or {}).get("row", ""),
        ]
        for x in priced.lines
    ]
