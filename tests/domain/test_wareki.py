"""Dates as 医事 staff write them."""

from __future__ import annotations

from datetime import date

import pytest

from domain.wareki import parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-06-01", date(2024, 6, 1)),
        ("R6.6.1", date(2024, 6, 1)),
        ("令和6年6月1日", date(2024, 6, 1)),
        ("H28.4.1", date(2016, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("Ｒ６．６．１", date(2024, 6, 1)),
    ],
)
def test_iso_and_wareki_dates_are_read(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["H31.5.1", "R1.4.30", "2024-02-30", "R6.13.1", "x"])
def test_impossible_dates_are_refused_naming_the_text(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not|outside"):
        parse_date(text)
