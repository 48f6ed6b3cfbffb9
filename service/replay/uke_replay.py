"""A レセ電 file replayed under the rules of each line's date, reported per
点数・回数算定単位: what the file billed (点数 × 回数) beside what kaitei prices
the unit's records at on each of its days, and why they differ.

Each readable receipt becomes a claim (`receipt_claim`): every unit's records
on each day its 算定日 columns mark, as many times as the column says; a
unit's drugs (IY) on one day are one 剤 (their 使用量 the dose), a material
(TO) its 使用量; the receipt's 主傷病 (else its first 傷病名) is each line's
disease, read as ICD-10 through the 傷病名マスター as of the 診療年月. A
receipt with a problem is reported unreadable, and the rest replayed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from domain.billing import PricedClaim, PricedLine
from domain.claims import Claim, ClaimLine
from domain.diseases import DiseaseError, DiseaseMaster
from domain.rulebook import RuleBook
from service.contract.fields import number
from service.contract.sheets import sheet_bytes
from service.replay.run import priced_in_turn
from service.replay.uke import Receipt, UkeFile

UKE_SUFFIX = ".uke"
COLUMNS = (
    "receipt",
    "line",
    "shikibetsu",
    "codes",
    "billed_points",
    "times",
    "billed_total",
    "kaitei_total",
    "kaitei_points",
    "status",
    "reason",
    "rule_table",
    "rule_row",
    "first_date",
    "last_date",
    "receipt_billed",
    "receipt_kaitei",
)


def is_uke(path: Path) -> bool:
    return path.suffix.lower() == UKE_SUFFIX


@dataclass(frozen=True)
class UnitAnswer:
    """One row of the report."""

    receipt: str
    line: int
    shikibetsu: str
    codes: str
    billed_points: int | None
    times: int | None
    billed_total: int | None
    kaitei_total: Decimal | None
    status: str  # agrees | differs | unreadable
    reason: str | None
    rule_table: str | None = None
    rule_row: int | None = None
    first_date: date | None = None
    last_date: date | None = None
    receipt_billed: int | None = None
    receipt_kaitei: Decimal | None = None

    @property
    def kaitei_points(self) -> Decimal | None:
        """kaitei's 点数 for one time, when its days agree (total ÷ 回数)."""
        if self.kaitei_total is None or not self.times:
            return None
        each = self.kaitei_total / self.times
        return each if each == each.to_integral_value() else None

    def row(self) -> list[object]:
        return [getattr(self, name) for name in COLUMNS]


@dataclass(frozen=True)
class UkeTally:
    receipts: int
    units: int
    differing: int
    unreadable: int


def receipt_claim(receipt: Receipt, diseases: DiseaseMaster) -> tuple[Claim, list[int]]:
    """The receipt as a claim, and each line's unit (its index)."""
    assert receipt.month is not None
    disease = main_disease(receipt, diseases, receipt.month)
    lines: list[ClaimLine] = []
    owners: list[int] = []
    for n, unit in enumerate(receipt.units):
        for day, count in enumerate(unit.days, 1):
            if not count:
                continue
            on = receipt.month.replace(day=day)
            for item in unit.items:
                dose = item.amount if item.record != "SI" else None
                group = f"u{n}" if item.record == "IY" else None
                lines.append(ClaimLine(item.code, on, count, disease, dose, group))
                owners.append(n)
    billed = receipt.billed
    admission = receipt.admission.isoformat() if receipt.admission else None
    claim = Claim(
        receipt.number,
        tuple(lines),
        None if billed is None else Decimal(billed),
        receipt.patient,
        admission,
    )
    return claim, owners


def main_disease(receipt: Receipt, diseases: DiseaseMaster, day: date) -> str | None:
    """The 主傷病 as ICD-10, else the first 傷病名 that reads as one."""
    ordered = sorted(receipt.diseases, key=lambda d: not d[1])
    for code, _ in ordered:
        try:
            return diseases.icd10(code, day)
        except DiseaseError:
            continue
    return None


def replay_uke(
    uke: UkeFile, book: RuleBook, diseases: DiseaseMaster
) -> Iterator[UnitAnswer]:
    """Every unit of the file answered, in file order; an unreadable receipt
    as one row naming its first problem."""
    readable = [r for r in uke.receipts if not r.problems and r.month is not None]
    made = {r.number: receipt_claim(r, diseases) for r in readable}
    claims = [made[r.number][0] for r in readable]
    priced = {c.id: p for c, p, _ in priced_in_turn(claims, book)}
    for receipt in uke.receipts:
        if receipt.number not in made or receipt.problems:
            problem = receipt.problems[0] if receipt.problems else None
            yield UnitAnswer(
                receipt.number,
                problem.line if problem else receipt.line,
                "",
                "",
                None,
                None,
                None,
                None,
                "unreadable",
                str(problem) if problem else "no 診療年月",
                receipt_billed=receipt.billed,
            )
            continue
        _, owners = made[receipt.number]
        yield from _units(receipt, priced[receipt.number], owners)


def _units(
    receipt: Receipt, priced: PricedClaim, owners: list[int]
) -> Iterator[UnitAnswer]:
    by_unit: dict[int, list[int]] = {}
    for index, owner in enumerate(owners):
        by_unit.setdefault(owner, []).append(index)
    for n, unit in enumerate(receipt.units):
        answers = [priced.lines[i] for i in by_unit.get(n, [])]
        total = sum((a.amount for a in answers), Decimal(0))
        refused = next((a for a in answers if a.status == "rejected"), None)
        agrees = total == unit.billed  # a rejected line says why in `reason`
        rule = (refused.rule or {}) if refused else {}
        days = [a.line.date for a in answers]
        yield UnitAnswer(
            receipt.number,
            unit.line,
            unit.shikibetsu,
            " ".join(i.code for i in unit.items),
            unit.points,
            unit.times,
            unit.billed,
            total,
            "agrees" if agrees else "differs",
            _why(refused),
            rule.get("table"),  # type: ignore[arg-type]
            rule.get("row"),  # type: ignore[arg-type]
            min(days, default=None),
            max(days, default=None),
            receipt.billed,
            priced.total_points,
        )


def _why(refused: PricedLine | None) -> str | None:
    if refused is None:
        return None
    return f"{refused.reason}: {refused.detail}" if refused.detail else refused.reason


def write_report(path: Path, answers: list[UnitAnswer]) -> None:
    """CSV (UTF-8 with BOM, for Excel) or Parquet, by the extension; written
    beside and renamed when complete."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        if path.suffix.lower() == ".parquet":
            rows = [dict(zip(COLUMNS, a.row(), strict=True)) for a in answers]
            table = pa.Table.from_pylist(rows) if rows else pa.table({})
            pq.write_table(table, partial)
        else:
            partial.write_bytes(report_csv(answers))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def report_csv(answers: list[UnitAnswer], encoding: str = "utf-8") -> bytes:
    """The unit report as Excel opens it: UTF-8 with a BOM (or cp932), CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(cells(a) for a in answers)
    return sheet_bytes(out.getvalue(), encoding)


def cells(answer: UnitAnswer) -> list[object]:
    """A row's values as JSON and CSV write them (numbers, ISO dates)."""
    return [_cell(v) for v in answer.row()]


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def tally(answers: list[UnitAnswer]) -> UkeTally:
    return UkeTally(
        len({a.receipt for a in answers}),
        sum(1 for a in answers if a.status != "unreadable"),
        sum(1 for a in answers if a.status == "differs"),
        sum(1 for a in answers if a.status == "unreadable"),
    )
