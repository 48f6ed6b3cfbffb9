"""A claim line's disease as clerks write it, read as the ICD-10 code the
eligible-disease rules are written in: `J06.9` = `J069`; a 7-digit 傷病名コード
(what a レセ電 SY record carries) through the 傷病名マスター as of the line's date;
a disease name where the master holds it once."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

ICD10 = re.compile(r"^[A-Z][0-9A-Z]{0,6}$")  # I10, E250, or a prefix (T78)
DISEASE_CODE = re.compile(r"^[0-9]{7}$")  # 傷病名コード
UNCODED = "0000999"  # 未コード化傷病名: a name the master has no code for


class DiseaseError(ValueError):
    """A disease kaitei cannot read as ICD-10, in words, with an example."""


@dataclass(frozen=True)
class DiseaseName:
    """One row of the 傷病名マスター."""

    code: str  # 傷病名コード, 7 digits
    name: str  # 傷病名基本名称
    kana: str
    icd10: str  # without a dot; "" when the master gives none
    listed: date  # 収載年月日
    last_day: date | None  # 廃止年月日 (inclusive); None when in use

    def in_use(self, day: date) -> bool:
        return self.listed <= day and (self.last_day is None or day <= self.last_day)


@dataclass(frozen=True)
class DiseaseMaster:
    """The 傷病名マスター by code and by name."""

    edition: str
    by_code: dict[str, DiseaseName]
    by_name: dict[str, tuple[DiseaseName, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, edition: str, rows: Iterable[DiseaseName]) -> DiseaseMaster:
        by_code: dict[str, DiseaseName] = {}
        by_name: dict[str, list[DiseaseName]] = {}
        for row in rows:
            by_code[row.code] = row
            by_name.setdefault(plain(row.name), []).append(row)
        return cls(edition, by_code, {k: tuple(v) for k, v in by_name.items()})

    def icd10(self, text: str, day: date) -> str:
        """The ICD-10 code a line's disease stands for on `day`."""
        given = plain(text)
        dotless = given.replace(".", "")
        if ICD10.match(dotless):
            return dotless
        if DISEASE_CODE.match(given):
            return self._of_code(given, day)
        return self._of_name(text, given, day)

    def _of_code(self, code: str, day: date) -> str:
        row = self.by_code.get(code)
        if row is None or code == UNCODED:
            raise DiseaseError(
                f"傷病名コード {code} is not in the 傷病名マスター ({self.edition}): "
                "give its ICD-10 code (I10, J06.9) instead"
            )
        if not row.in_use(day):
            raise DiseaseError(
                f"傷病名コード {code} ({row.name}) is not in use on {day} in the "
                f"傷病名マスター ({self.edition}: listed {row.listed}"
                + (f", last day {row.last_day})" if row.last_day else ")")
            )
        return _mapped(row)

    def _of_name(self, text: str, given: str, day: date) -> str:
        rows = [r for r in self.by_name.get(given, ()) if r.in_use(day)]
        codes = {r.icd10 for r in rows}
        if len(codes) == 1 and rows[0].icd10:
            return rows[0].icd10
        if not rows:
            raise DiseaseError(
                f"{text!r} is neither an ICD-10 code (I10, J06.9), a 7-digit "
                f"傷病名コード (8833421) nor a disease name of the 傷病名マスター "
                f"({self.edition})"
            )
        raise DiseaseError(
            f"{text!r} names {len(rows)} diseases of the 傷病名マスター: give its "
            f"傷病名コード ({', '.join(r.code for r in rows[:5])}) or ICD-10 code"
        )


def _mapped(row: DiseaseName) -> str:
    if not row.icd10:
        raise DiseaseError(
            f"傷病名コード {row.code} ({row.name}) has no ICD-10 code in the "
            "傷病名マスター: give the ICD-10 code of the 主病"
        )
    return row.icd10


def plain(text: str) -> str:
    """NFKC, trimmed and upper-case: full-width and half-width alike."""
    return unicodedata.normalize("NFKC", text).strip().upper()
