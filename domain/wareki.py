"""Dates as users write them: ISO `2024-06-01`, Excel's `2024/06/03` and
`2024/6/3`, `20240603`, `2024年6月3日`, or 和暦 `R6.6.1`, `令和6年6月1日`."""

from __future__ import annotations

import re
import unicodedata
from contextlib import suppress
from datetime import date

# Each era's first day; an era runs until the next one starts.
ERAS: dict[str, date] = {
    "M": date(1868, 10, 23),
    "T": date(1912, 7, 30),
    "S": date(1926, 12, 25),
    "H": date(1989, 1, 8),
    "R": date(2019, 5, 1),
}
ERA_NAMES = {"明治": "M", "大正": "T", "昭和": "S", "平成": "H", "令和": "R"}

WAREKI = re.compile(
    r"^(?P<era>[MTSHR]|明治|大正|昭和|平成|令和)\s*(?P<year>\d{1,2}|元)"
    r"(?:[.\-/]|年)(?P<month>\d{1,2})(?:[.\-/]|月)(?P<day>\d{1,2})日?$",
    re.IGNORECASE,
)


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z", re.ASCII)
# 西暦 with slashes (Excel on Japanese Windows), dots, dashes or 年月日, with or
# without leading zeros
SEIREKI = re.compile(
    r"^(?P<year>\d{4})(?:[./\-]|年)(?P<month>\d{1,2})(?:[./\-]|月)(?P<day>\d{1,2})日?$"
)


def parse_date(text: str) -> date:
    """A date from ISO or 和暦 text; ValueError naming the text otherwise."""
    if ISO_DAY.match(text):  # the common case, without normalising
        with suppress(ValueError):
            return date.fromisoformat(text)
    normal = unicodedata.normalize("NFKC", text).strip()
    match = WAREKI.match(normal)
    if match is not None:
        return _from_era(text, match)
    western = SEIREKI.match(normal)
    try:
        if western is not None:
            return date(
                int(western["year"]), int(western["month"]), int(western["day"])
            )
        return date.fromisoformat(normal)
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date: use 2024-06-03, 2024/6/3, 20240603 or "
            "和暦 such as R6.6.3"
        ) from None


def _from_era(text: str, match: re.Match[str]) -> date:
    era = ERA_NAMES.get(match["era"], match["era"].upper())
    year = 1 if match["year"] == "元" else int(match["year"])
    starts = sorted(ERAS.values())
    start = ERAS[era]
    following = [s for s in starts if s > start]
    try:
        result = date(start.year + year - 1, int(match["month"]), int(match["day"]))
    except ValueError:
        raise ValueError(f"{text!r} is not a valid date") from None
    if result < start or (following and result >= following[0]):
        raise ValueError(f"{text!r} is outside the {match['era']} era")
    return result
