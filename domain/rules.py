"""Billing-rule value objects an item carries: limits and exclusions."""

from __future__ import annotations

from dataclasses import dataclass

from domain.vocabulary import Per, Scope


@dataclass(frozen=True)
class Limit:
    """A count cap (算定回数): at most `max` per day, week, month or claim."""

    per: Per
    max: int


@dataclass(frozen=True)
class Exclusion:
    """Not billable together with `code` within the same day or month."""

    code: str
    scope: Scope
