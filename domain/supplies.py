"""Drugs (医薬品, 6…) and materials (特定保険医療材料, 7…) on a claim: their price
is in yen per the item's unit (錠, mL, 個…), and the 告示 turns it into points.

- 薬剤料 (告示 第2章 第5部 投薬 F200, 第6部 注射 G100, and the same rule for the
  薬剤 of 処置・手術・検査): per 所定単位 (内服薬 1剤1日分, 屯服薬 1回分, 外用薬
  1調剤, 注射 1回分) the 薬価 × 使用量 of its drugs are summed; 15 円以下は 1 点,
  15 円を超える場合は 10 円又はその端数を増すごとに 1 点 (= 五捨五超入 of yen/10);
  then times the number of units (日数・回数).
- 特定保険医療材料料: 材料価格 × 使用量 ÷ 10, 1 点未満の端数は四捨五入, times
  the number of units.

A line names its 剤 with `group` (lines of one group on one date form one
所定単位; a drug line without a group is a unit of its own) and its 使用量 with
`dose` (1 when left out); its `quantity` is the number of units."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from domain.priced import PricedLine

DRUG, MATERIAL = "drug", "material"
FIFTEEN_YEN = Decimal(15)
DRUG_ROUNDING = (
    "薬剤料: 15円以下は1点、15円を超える場合は10円又はその端数を増すごとに1点"
)
MATERIAL_ROUNDING = "材料料: 材料価格÷10、1点未満の端数は四捨五入"


def kind_of(code: str) -> str | None:
    """What a レセ電 code bills by its first digit: 6 a drug, 7 a material;
    None for a 診療行為 (1) and anything else."""
    return {"6": DRUG, "7": MATERIAL}.get(code[:1])


def drug_points(yen: Decimal) -> int:
    """The points of one 所定単位 of drugs costing `yen`."""
    if yen <= FIFTEEN_YEN:
        return 1
    return int(((yen - FIFTEEN_YEN) / 10).to_integral_value(ROUND_CEILING)) + 1


def material_points(yen: Decimal) -> int:
    """The points of materials costing `yen` (四捨五入 of yen/10)."""
    return int((yen / 10).to_integral_value(ROUND_HALF_UP))


@dataclass(frozen=True)
class Unit:
    """One 所定単位 as priced: the yen it sums, its points and how many units."""

    yen: Decimal
    points: int
    times: int
    rounding: str

    @property
    def amount(self) -> int:
        return self.points * self.times


def drug_unit(yens: list[Decimal], times: int) -> Unit:
    total = sum(yens, Decimal(0))
    return Unit(total, drug_points(total), times, DRUG_ROUNDING)


def material_unit(yen: Decimal, times: int) -> Unit:
    return Unit(yen, material_points(yen), times, MATERIAL_ROUNDING)


def priced_supplies(answers: list[PricedLine]) -> list[PricedLine]:
    """The claim's answers with each priced drug and material line's amount in
    points by the 告示's rounding: a drug 所定単位's points on its last line
    (the others 0), a material's on its own line."""
    out = list(answers)
    units: dict[tuple[str, date], list[int]] = {}
    for n, answer in enumerate(answers):
        kind = kind_of(answer.line.code)
        if kind is None:
            continue
        if answer.status != "priced" or answer.unit_value is None:
            out[n] = replace(answer, kind=kind)
            continue
        line = answer.line
        yen = answer.unit_value * (line.dose if line.dose is not None else 1)
        if kind == MATERIAL:
            unit = material_unit(yen, line.quantity)
            out[n] = _priced(answer, kind, yen, unit, unit.amount)
        else:
            key = (line.group or f"#{n}", line.date)
            units.setdefault(key, []).append(n)
            out[n] = replace(answer, kind=kind, yen=yen)
    for members in units.values():
        yens = [out[n].yen or Decimal(0) for n in members]
        unit = drug_unit(yens, answers[members[-1]].line.quantity)
        for n in members:
            amount = unit.amount if n == members[-1] else 0
            out[n] = _priced(out[n], DRUG, out[n].yen, unit, amount)
    return out


def _priced(
    answer: PricedLine, kind: str, yen: Decimal | None, unit: Unit, amount: int
) -> PricedLine:
    return replace(
        answer,
        kind=kind,
        yen=yen,
        unit_yen=unit.yen,
        unit_points=unit.points,
        rounding=unit.rounding,
        amount=Decimal(amount),
    )
