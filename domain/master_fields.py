"""The attribute columns a master layout adds to an item (the 令和8年度版's cols
132–137: 物価対応料 and four 加算 flags), what their values mean, and which of
them concern a rule kaitei does not check yet.

An item keeps them as `attributes`: a tuple of `key=value` texts, only those
whose value is not all zeros (an older layout's item and a 2026 row of zeros
read alike). Meanings are those of the 支払基金's 医科診療行為マスター仕様 as the
viewer kohii/medi-xplorer transcribes it (shared/masters/README.md, last part)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from domain.rulebook import RuleBook
from domain.timeline import Interval, ItemState


@dataclass(frozen=True)
class MasterField:
    key: str  # the name in JSON and in `attributes`
    column: int  # 1-based, in the 令和8年度版 layout
    name: str  # as the 仕様 names it
    meanings: Mapping[str, str]
    # the value that marks the line billing this item as one a rule of this
    # field concerns (priced, and `unchecked` naming the field)
    unchecked_when: frozenset[str] = frozenset()


ADDON_FLAG = {"0": "算定不可", "1": "算定可（加算自体は 1）"}
YES = frozenset({"1"})
MASTER_FIELDS = (
    MasterField(
        "price_adjustment_kind",
        132,
        "物価対応料区分",
        {"1": "物価対応料自体", "2": "物価対応料に関する診療行為"},
        YES,
    ),
    MasterField("price_adjustment_group", 133, "物価対応料グループ区分", {}),
    MasterField(
        "organ_transplant_addon",
        134,
        "臓器移植実施体制確保加算",
        ADDON_FLAG,
        frozenset({"1"}),
    ),
    MasterField(
        "robotic_surgery_addon",
        135,
        "内視鏡手術用支援機器加算",
        ADDON_FLAG,
        frozenset({"1"}),
    ),
    MasterField(
        "remote_prescription_addon",
        136,
        "遠隔電子処方箋活用加算等",
        {},
        frozenset({"1", "2"}),
    ),
    MasterField("surgical_care_addon", 137, "外科医療確保特別加算", ADDON_FLAG, YES),
)
BY_KEY = {f.key: f for f in MASTER_FIELDS}


def is_default(value: str) -> bool:
    """A blank or all-zero value says nothing (`0`, `000`)."""
    return value.strip("0") == ""


def as_map(attributes: Iterable[str]) -> dict[str, str]:
    """`("price_adjustment_kind=2", …)` as {"price_adjustment_kind": "2", …}."""
    return dict(a.split("=", 1) for a in attributes)


def as_attributes(values: Mapping[str, str]) -> tuple[str, ...]:
    """The inverse of `as_map`, in the layout's column order, defaults left out."""
    order = {f.key: f.column for f in MASTER_FIELDS}
    kept = [(k, v) for k, v in values.items() if not is_default(v)]
    return tuple(
        f"{k}={v}" for k, v in sorted(kept, key=lambda kv: order.get(kv[0], 0))
    )


def merged(current: Iterable[str], given: Mapping[str, str]) -> tuple[str, ...]:
    """`current` with the fields `given` sets (a 変更 row: blank = unchanged)."""
    return as_attributes({**as_map(current), **given})


def unchecked_fields(attributes: Iterable[str]) -> tuple[str, ...]:
    """The names of the fields whose rule a line of this item needs and kaitei
    does not check (no cited source for it yet)."""
    values = as_map(attributes)
    return tuple(
        f.name for f in MASTER_FIELDS if values.get(f.key, "") in f.unchecked_when
    )


def goes_with(book: RuleBook, state: ItemState, day: date) -> tuple[Interval, ...]:
    """物価対応料: the items in force on `day` of the same 物価対応料グループ区分 on
    the other side (for a 物価対応料 itself, the 診療行為 it goes with; for a
    診療行為, its 物価対応料)."""
    values = as_map(state.attributes)
    group, kind = values.get(GROUP), values.get(KIND)
    if not group or kind not in OTHER_SIDE:
        return ()
    return tuple(
        i
        for i in book.in_force(day)
        if i.state.attributes
        and as_map(i.state.attributes).get(GROUP) == group
        and as_map(i.state.attributes).get(KIND) == OTHER_SIDE[kind]
    )


KIND, GROUP = "price_adjustment_kind", "price_adjustment_group"
OTHER_SIDE = {"1": "2", "2": "1"}


def described(attributes: Iterable[str]) -> list[tuple[str, str, str]]:
    """Each field set, as (its name, its value, what the value means)."""
    values = as_map(attributes)
    return [
        (f.name, values[f.key], f.meanings.get(values[f.key], ""))
        for f in MASTER_FIELDS
        if f.key in values
    ]
