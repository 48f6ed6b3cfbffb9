"""`kaitei price|replay`: claims priced under the rules in force on each line's date."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from domain.claims import Claim
from service.cli.common import (
    as_instant,
    console,
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
        if x.kind and x.yen is not None:  # a drug's or material's yen and unit
            value += f" × {number(x.dose or Decimal(1))} = {number(x.yen)} yen"
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
                f"line {x.index}: unchecked: {', '.join(x.unchecked)} (a limit "
                "counted in this claim only, or a rule kaitei does not check yet: "
                "a person checks it)"
            )
        if x.special_condition:
            console.print(
                f"line {x.index}: 特例条件: a person must check the exception"
            )
        if x.kind and x.amount and x.unit_yen is not None:
            console.print(
                f"line {x.index}: {x.kind} unit{f' {x.group}' if x.group else ''}: "
                f"{number(x.unit_yen)} yen → {x.unit_points} 点 × {x.quantity} "
                f"({x.rounding})"
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


def replay(
    claims_file: Annotated[
        Path,
        typer.Argument(
            help="Claims: JSON Lines (a claim or a claim's line a line), CSV or "
            "Parquet (a line a row: claim_id, patient, admission, code, date, "
            "quantity, disease, billed_points, dose, group), or a レセ電 file "
            "(RECEIPTC.UKE, 医科), reported per 算定単位."
        ),
    ],
    known_at: KnownAt = None,
    scenario: Scenario = None,
    report: Annotated[
        Path | None,
        typer.Option(help="Write every priced line to this .csv or .parquet file."),
    ] = None,
    write_uke: Annotated[
        Path | None,
        typer.Option(
            help="A .UKE only: write it back here with kaitei's 点数 (合計点数 and "
            "GO recomputed; every other byte as it was)."
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Worker processes (a local Dask cluster); above 1 the report is "
            "grouped by partitions of whole patients.",
        ),
    ] = 1,
) -> None:
    """Reprice any number of claims from a file, streaming, against what was
    billed. A patient's claims count the ones before them in the file (list
    each patient's claims in date order) for the limits that span claims."""
    # the readers, the compiled pricer and Dask load only when a replay runs:
    # `kaitei --help` and `kaitei item` stay fast
    from service.cli.replaying import run_replay

    run_replay(claims_file, known_at, scenario, report, write_uke, workers)
