"""Field types shared by the API models: codes, dates (和暦 too), values."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import (
    AwareDatetime,
    BeforeValidator,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

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
        if value.isascii():  # NFKC leaves ASCII as it is
            return value.strip()
        return unicodedata.normalize("NFKC", value).strip()
    return value


def date_or_wareki(value: object) -> object:
    """Dates come as text; a number is refused, not read as seconds since 1970."""
    if isinstance(value, str):
        return parse_date(value)
    if isinstance(value, date):
        return value
    raise ValueError("a date is text: YYYY-MM-DD or 和暦 such as R6.6.1")


ISO_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def iso_date_time(value: object) -> object:
    """A record time is ISO 8601 text with its offset; a number is refused, not
    read as seconds since 1970."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and ISO_DATE_TIME.match(value.strip()):
        return value.strip()
    raise ValueError(
        "a date-time is ISO 8601 text with its offset, e.g. 2024-06-01T00:00:00+09:00"
    )


def number(value: Decimal) -> int | float:
    """Values go out as JSON numbers: 75, 288.5 (288.00 reads 288)."""
    return int(value) if value == value.to_integral_value() else float(value)


# pydantic leaves a pattern out of the JSON schema behind a BeforeValidator:
# the documented schema states it so clients (and the fuzz test) see it.
Code = Annotated[
    str,
    BeforeValidator(normalise_code),
    StringConstraints(pattern=CODE_PATTERN, max_length=40),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": CODE_PATTERN,
            "maxLength": 40,
            "description": "区分番号, 9-digit レセ電 code or kaitei code (NFKC first)",
        }
    ),
]
Disease = Annotated[  # read as ICD-10 by the claim line (its date decides)
    str,
    BeforeValidator(normalise_code),
    StringConstraints(min_length=1, max_length=100),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": 100,
            "description": "The 主病: ICD-10 (I10, J06.9), a 7-digit 傷病名コード "
            "(8833421) or a disease name of the 傷病名マスター where it is unique",
        }
    ),
]
DateIn = Annotated[date, BeforeValidator(date_or_wareki)]
KnownAt = Annotated[AwareDatetime, BeforeValidator(iso_date_time)]
VALUE_TEXT = r"^[0-9]{1,10}(?:\.[0-9]{1,2})?$"
Value = Annotated[
    Decimal,
    Field(ge=0, max_digits=12, decimal_places=2),
    PlainSerializer(number, when_used="json"),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 9999999999.99},
                {"type": "string", "pattern": VALUE_TEXT},
            ]
        },
        mode="validation",
    ),
]
# A difference of two values (total - billed): negative when more was billed.
SignedValue = Annotated[Decimal, PlainSerializer(number, when_used="json")]
# a drug's or material's 使用量 (レセ電 IY/TO: 5 integer and 5 decimal digits)
Dose = Annotated[
    Decimal,
    Field(gt=0, max_digits=10, decimal_places=5),
    PlainSerializer(number, when_used="json"),
]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)
]
Evidence = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)
]
