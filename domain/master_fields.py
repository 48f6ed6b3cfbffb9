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
# The 医薬品マスター (y_) and 特定器材マスター (t_) columns kept as attributes,
# 1-based as the 支払基金's マスターファイル仕様 numbers them (docs/masters.md
# says where each was read). A date column's "0"/"00000000" means none.
DRUG_FIELDS = (
    MasterField("unit_name", 10, "単位（漢字名称）", {}),
    MasterField(
        "narcotic",
        14,
        "麻薬・毒薬・覚醒剤原料・向精神薬",
        {"1": "麻薬", "2": "毒薬", "3": "覚醒剤原料", "5": "向精神薬"},
    ),
    MasterField("biological", 16, "生物学的製剤", {"1": "生物学的製剤"}),
    MasterField("generic", 17, "後発品", {"1": "後発品"}),
    MasterField(
        "dosage_form",
        28,
        "剤形",
        {"1": "内用薬", "3": "その他", "4": "注射薬", "6": "外用薬", "8": "歯科用薬剤"},
    ),
    MasterField("yj_code", 32, "薬価基準収載医薬品コード", {}),
    MasterField("transitional_until", 34, "経過措置年月日", {}),
    MasterField("generic_code", 37, "一般名コード", {}),
    MasterField("generic_name", 38, "一般名処方の標準的な記載", {}),
    MasterField(
        "generic_addon",
        39,
        "一般名処方加算対象区分",
        {"1": "加算１", "2": "加算１、２"},
    ),
    MasterField("long_listed", 41, "長期収載品関連", {}),
    MasterField("selective_care", 42, "選定療養区分", {}),
)
MATERIAL_FIELDS = (
    MasterField("unit_name", 10, "単位（漢字名称）", {}),
    MasterField("age_addon", 14, "年齢加算区分", {}),
    # 酸素: priced from its own 価格 and 補正率 (告示), not checked by kaitei
    MasterField(
        "oxygen", 21, "酸素等区分", {}, frozenset({"1", "2", "3", "4", "5", "9"})
    ),
    MasterField("material_kind", 22, "特定器材種別", {}),
    MasterField("price_cap", 23, "上限価格", {}),
    MasterField("points_cap", 24, "上限点数", {}),
    MasterField("successor", 27, "廃止・新設関連", {}),
    MasterField("price_transitional_until", 29, "経過措置年月日（価格）", {}),
    MasterField("notice_table", 31, "告示番号（別表番号）", {}),
    MasterField("notice_kubun", 32, "告示番号（区分番号）", {}),
    MasterField("remanufactured", 38, "再製造単回使用医療機器", {}),
)
FIELDS_OF = {"s": MASTER_FIELDS, "y": DRUG_FIELDS, "t": MATERIAL_FIELDS}
# every field once by key, in the order attributes are written and described
_ONCE: dict[str, MasterField] = {}
for _fields in FIELDS_OF.values():
    for _field in _fields:
        _ONCE.setdefault(_field.key, _field)
ALL_FIELDS = tuple(_ONCE.values())
BY_KEY = {f.key: f for f in ALL_FIELDS}


def is_default(value: str) -> bool:
    """A blank or all-zero value says nothing (`0`, `000`)."""
    return value.strip("0") == ""


def as_map(attributes: Iterable[str]) -> dict[str, str]:
    """`("price_adjustment_kind=2", …)` as {"price_adjustment_kind": "2", …}."""
    return dict(a.split("=", 1) for a in attributes)


def as_attributes(values: Mapping[str, str]) -> tuple[str, ...]:
    """The inverse of `as_map`, in the layout's column order, defaults left out."""
    order = {f.key: n for n, f in enumerate(ALL_FIELDS)}
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
        f.name for f in ALL_FIELDS if values.get(f.key, "") in f.unchecked_when
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
        for f in ALL_FIELDS
        if f.key in values
    ]
