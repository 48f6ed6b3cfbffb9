"""Field types shared by the API models: codes, dates (和暦 too), values."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field, PlainSerializer, StringConstraints

from domain.wareki import parse_date

# A 区分番号 (A001, B001-3-3, A001-gairai), a 9-digit レセ電 code, or a kaitei code
# for a charge outside the 点数表 with no official code (標準負担額):
# lowercase words joined by dots, e.g. `futan.shokuji.ippan`.
CODE_PATTERN = (
    r"^(?:[A-Z][0-9]{3}(?:-[0-9A-Za-z]+)*|[0-9]{9}|[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+)$"
)
DISEASE_PATTERN = r"^[A-Z][0-9A-Z]{0,6}$"  # an ICD-10 code or prefix (T78, T782)


def normalise_code(value: object) -> object:
    """NFKC (Ａ００１ = A001) and trimmed; other types left for pydantic to refuse."""
    if isinstance(value, str):
        return unicodedata.normalize("NFKC", value).strip()
    return value


def date_or_wareki(value: object) -> object:
    if isinstance(value, str):
        return parse_date(value)
    return value


def number(value: Decimal) -> int | float:
    """Values go out as JSON numbers: 75, 288.5 (288.00 reads 288)."""
    return int(value) if value == value.to_integral_value() else float(value)


Code = Annotated[
    str,
    BeforeValidator(normalise_code),
    StringConstraints(pattern=CODE_PATTERN, max_length=40),
]
Disease = Annotated[
    str,
    BeforeValidator(normalise_code),
    StringConstraints(pattern=DISEASE_PATTERN),
]
DateIn = Annotated[date, BeforeValidator(date_or_wareki)]
Value = Annotated[
    Decimal,
    Field(ge=0, max_digits=12, decimal_places=2),
    PlainSerializer(number, when_used="json"),
]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)
]
Evidence = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)
]
