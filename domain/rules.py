"""Billing-rule value objects an item carries: limits, exclusions, units."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

YEN_PER_POINT = 10

UNITS = ("point", "yen")  # 点 (1 点 = 10 円) or 円 (meal charges, 標準負担額)
LIMIT_PERIODS = ("day", "week", "month", "claim")
EXCLUSION_SCOPES = ("day", "month")


def points_to_yen(points: Decimal) -> Decimal:
    """Yen for a number of points (1 点 = 10 円)."""
    return points * YEN_PER_POINT


@dataclass(frozen=True)
class Limit:
    """A count cap (算定回数): at most `max` per day, week, month or claim."""

    per: str
    max: int


@dataclass(frozen=True)
class Exclusion:
    """Not billable together with `code` within the same day or month."""

    code: str
    scope: str
