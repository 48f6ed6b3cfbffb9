"""One change a revision makes to one item (introduce, revise, abolish, ...)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from domain.rules import Exclusion, Limit


@dataclass(frozen=True)
class Change:
    """What one change says; fields an op does not use stay None."""

    op: str
    code: str
    effective_from: date | None = None
    name: str | None = None
    unit: str | None = None
    value: Decimal | None = None
    addon_to: tuple[str, ...] | None = None
    limits: tuple[Limit, ...] | None = None
    exclusions: tuple[Exclusion, ...] | None = None
    eligible_diseases: tuple[str, ...] | None = None
    kubun: str | None = None  # 区分番号 of a レセ電 code, e.g. A000
    evidence: str | None = None  # the source row (a master file line), verbatim
    text: str | None = None  # an interpretation (疑義解釈), as written
    until: date | None = None  # last day an interpretation's 経過措置 applies

    def effective_date(self, default: date) -> date:
        """The change's own date (a 経過措置) or its revision's."""
        return self.effective_from or default

    def given(self) -> dict[str, object]:
        """The fields this change sets, by name (None fields left out)."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) is not None
        }


def change_to_dict(change: Change) -> dict[str, object]:
    """A change as JSON-ready data (dates ISO, decimals as strings)."""
    out: dict[str, object] = {}
    for key, value in change.given().items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        elif key in ("limits", "exclusions"):
            value = [vars(v).copy() for v in value]  # type: ignore[attr-defined]
        elif isinstance(value, tuple):
            value = list(value)
        out[key] = value
    return out


def change_from_dict(data: dict[str, object]) -> Change:
    """The inverse of `change_to_dict`."""
    d = dict(data)
    for key in ("effective_from", "until"):
        if d.get(key) is not None:
            d[key] = date.fromisoformat(str(d[key]))
    if d.get("value") is not None:
        d["value"] = Decimal(str(d["value"]))
    if d.get("limits") is not None:
        d["limits"] = tuple(Limit(**x) for x in d["limits"])  # type: ignore[attr-defined]
    if d.get("exclusions") is not None:
        d["exclusions"] = tuple(
            Exclusion(**x)
            for x in d["exclusions"]  # type: ignore[attr-defined]
        )
    for key in ("addon_to", "eligible_diseases"):
        if d.get(key) is not None:
            d[key] = tuple(d[key])  # type: ignore[arg-type]
    return Change(**d)  # type: ignore[arg-type]
