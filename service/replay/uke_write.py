"""Writing レセ電 files: a file written back with kaitei's 点数 (each differing
unit's 点数 on its closing record, the receipts' 合計点数 and the GO totals
recomputed; every other byte as it was), and a file drafted from claims (for
the tests and the benchmark: real codes in the layout a レセコン writes)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from domain.claims import Claim, ClaimLine
from domain.diseases import UNCODED, DiseaseMaster
from service.contract.fields import number
from service.replay.uke import FIELDS, Receipt, UkeFile
from service.replay.uke_replay import UnitAnswer
from service.textfiles import decode

EOF_MARK = "\x1a"


def write_back(content: bytes, uke: UkeFile, answers: Iterable[UnitAnswer]) -> bytes:
    """The file with kaitei's 点数 where kaitei prices a unit otherwise (and
    one 点数 a time fits its days): the unit's closing record, its receipt's
    HO 合計点数 (or first KO's) and the GO totals; byte-identical elsewhere."""
    text, encoding = decode(uke.name, content)
    eol = "\r\n" if "\r\n" in text else "\n"
    mark = text.endswith(EOF_MARK)
    lines = text.rstrip(EOF_MARK).split(eol)
    changed: dict[str, int] = {}  # receipt → change of its 合計点数
    for answer in answers:
        new = answer.kaitei_points
        if answer.status != "differs" or new is None or answer.times is None:
            continue
        cells = lines[answer.line - 1].split(",")
        cells[5] = str(number(new))
        lines[answer.line - 1] = ",".join(cells)
        delta = int(new) * answer.times - (answer.billed_total or 0)
        changed[answer.receipt] = changed.get(answer.receipt, 0) + delta
    for receipt in uke.receipts:
        if changed.get(receipt.number):
            _retotal(lines, receipt, changed[receipt.number])
    _regather(lines, changed)
    written = eol.join(lines) + (EOF_MARK if mark else "")
    return written.encode("utf-8" if encoding == "utf-8" else encoding)


def _retotal(lines: list[str], receipt: Receipt, delta: int) -> None:
    """The receipt's main payer's 合計点数 (HO's, else the first KO's)."""
    for at in range(receipt.line, len(lines)):
        cells = lines[at].split(",")
        if cells[0] in ("HO", "KO") and cells[5].isascii() and cells[5].isdigit():
            cells[5] = str(int(cells[5]) + delta)
            lines[at] = ",".join(cells)
            return


def _regather(lines: list[str], changed: dict[str, int]) -> None:
    delta = sum(changed.values())
    if not delta:
        return
    for at in range(len(lines) - 1, -1, -1):
        cells = lines[at].split(",")
        if cells[0] == "GO" and cells[2].isascii() and cells[2].isdigit():
            cells[2] = str(int(cells[2]) + delta)
            lines[at] = ",".join(cells)
            return


@dataclass(frozen=True)
class Drafted:
    """A receipt's unit as drafted: its record kind, lines and day."""

    record: str
    lines: tuple[ClaimLine, ...]


def draft_uke(
    claims: Sequence[Claim], diseases: DiseaseMaster, points: Iterable[int] = ()
) -> bytes:
    """A レセ電 file (CP932, CRLF, 0x1A) of claims of one month each: a drug
    group on a date one IY 算定単位, any other line a unit of its own; 点数 from
    `points` a unit in order (0 when it runs out: write the file back after a
    replay to fill them in)."""
    given, codes = iter(points), DiseaseCodes(diseases)
    month = claims[0].lines[0].date.replace(day=1) if claims else date(2024, 6, 1)
    out = [_record("IR", ["1", "13", "1", "1234567", "", "kaitei", _ym(month), "00"])]
    count = total = 0
    for n, claim in enumerate(claims, 1):
        units = _units(claim)
        body = [_unit(u, next(given, 0)) for u in units]
        billed = sum(int(b[1]) for b in body)
        first = claim.lines[0].date
        admission = claim.admission if claim.admission else ""
        out.append(
            _record(
                "RE",
                [str(n), "1112" if not admission else "1111", _ym(first), "患者", "1",
                 "19600101", "", _admitted(admission, first), "", "", "", "", "",
                 claim.patient or ""],
            )
        )  # fmt: skip
        out.append(_record("HO", ["  138057", "", "", "1", str(billed)]))
        out.append(_record("SY", codes.sy(claim, first)))
        out += [line for b in body for line in b[0]]
        count, total = count + 1, total + billed
    out.append(_record("GO", [str(count), str(total), "99"]))
    return ("\r\n".join(out) + "\r\n" + EOF_MARK).encode("cp932")


def _units(claim: Claim) -> list[Drafted]:
    units: list[Drafted] = []
    groups: dict[tuple[str, date], int] = {}
    for line in claim.lines:
        if line.group is not None and line.code.startswith("6"):
            key = (line.group, line.date)
            if key in groups:
                at = groups[key]
                units[at] = Drafted("IY", (*units[at].lines, line))
                continue
            groups[key] = len(units)
        record = {"6": "IY", "7": "TO"}.get(line.code[:1], "SI")
        units.append(Drafted(record, (line,)))
    return units


def _unit(unit: Drafted, points: int) -> tuple[list[str], str]:
    """The unit's records (its 診療識別 on the first only) and its billed
    total (点数 × 回数)."""
    first = unit.lines[0]
    days = [""] * 31
    days[first.date.day - 1] = str(first.quantity)
    records = []
    for n, line in enumerate(unit.lines):
        last = n == len(unit.lines) - 1
        shown = str(points) if last else ""
        identity = {"IY": "21", "TO": "80"}.get(unit.record, "80") if n == 0 else ""
        dose = "" if line.dose is None else str(number(line.dose))
        cells = [identity, "1", line.code, dose, shown, str(first.quantity)]
        # コメント①–③; a TO has its 単位コード, 単価, 予備, 商品名 before them
        cells += [""] * (10 if unit.record == "TO" else 6)
        records.append(_record(unit.record, cells + days))
    return records, str(points * first.quantity)


def _record(kind: str, cells: list[str]) -> str:
    """A record of `cells`, its trailing fields blank."""
    assert len(cells) < FIELDS[kind], (kind, len(cells))
    return ",".join([kind, *cells] + [""] * (FIELDS[kind] - 1 - len(cells)))


def _ym(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}"


def _admitted(admission: str, first: date) -> str:
    return first.strftime("%Y%m%d") if admission else ""


class DiseaseCodes:
    """A 傷病名コード for an ICD-10 code (or its start), found once each."""

    def __init__(self, diseases: DiseaseMaster) -> None:
        self.diseases = diseases
        self.found: dict[tuple[str, date], str] = {}

    def sy(self, claim: Claim, day: date) -> list[str]:
        """The SY of the claim's first disease, as its 主傷病."""
        wanted = next((x.disease for x in claim.lines if x.disease), None)
        code = self.code(wanted, day) if wanted else UNCODED
        name = "病名" if code == UNCODED else ""
        return [code, day.strftime("%Y%m%d"), "1", "", name, "01", ""]

    def code(self, icd10: str, day: date) -> str:
        key = (icd10, day)
        if key not in self.found:
            rows = self.diseases.by_code.values()
            self.found[key] = next(
                (r.code for r in rows if r.icd10.startswith(icd10) and r.in_use(day)),
                UNCODED,
            )
        return self.found[key]
