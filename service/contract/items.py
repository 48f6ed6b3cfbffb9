"""Query parameters and the item state answered by `/items` and `/schedule`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from domain.master_fields import as_map
from domain.supplies import kind_of
from domain.timeline import Interval, refuse_backwards
from service.contract.fields import DateIn, KnownAt, SignedValue, Value
from service.contract.sheets import ENCODING_HELP, SheetEncoding


class AsOfQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: DateIn | None = Field(
        None, description="Valid time (施行日基準), YYYY-MM-DD or 和暦; default today."
    )
    known_at: KnownAt | None = Field(
        None, description="Record time, ISO 8601 with offset; default now."
    )
    scenario: str | None = Field(
        None,
        max_length=2000,
        description="Comma-separated ids of proposed revisions to treat as enacted.",
    )

    def scenario_ids(self) -> tuple[str, ...]:
        return split_ids(self.scenario)


def split_ids(text: str | None) -> tuple[str, ...]:
    """`a, b,,c` as ("a", "b", "c")."""
    return tuple(filter(None, (p.strip() for p in (text or "").split(","))))


ItemKind = Literal["procedure", "drug", "material"]


def kind_name(code: str) -> str:
    """What a code bills: procedure, drug or material."""
    return kind_of(code) or "procedure"


class ScheduleQuery(AsOfQuery):
    format: Literal["json", "csv"] = "json"
    kind: ItemKind | None = Field(
        None,
        description="Only items of this kind: procedure (診療行為 and the other "
        "1… codes), drug (医薬品 6…), material (特定器材 7…); all when left out",
    )
    encoding: SheetEncoding = Field("utf-8", description=ENCODING_HELP)

    def keeps(self, code: str) -> bool:
        return self.kind is None or kind_name(code) == self.kind


def _unset(value: object) -> bool:
    return value is None or value is False


class Provenance(BaseModel):
    """Where an imported rule is written (医科電子点数表): left out of the answer
    when unset, so a typed limit stays `{"per": …, "max": …}`."""

    table: str | None = Field(None, exclude_if=_unset)
    row: int | None = Field(
        None, description="Line of the table file.", exclude_if=_unset
    )
    since: date | None = Field(
        None, description="The row's 新設年月日.", exclude_if=_unset
    )
    edition: date | None = Field(
        None, description="The table's newest 新設.", exclude_if=_unset
    )
    special: bool = Field(
        False, description="特例条件: a person checks the exception", exclude_if=_unset
    )


class LimitOut(Provenance):
    per: str
    max: int
    unit: str | None = Field(
        None, description="算定単位名称 of the table", exclude_if=_unset
    )


class ExclusionOut(Provenance):
    code: str
    scope: str
    keep: str = Field(
        "first",
        description="Which is billed: `this` item, the `other`, the `first`.",
        exclude_if=lambda keep: keep == "first",
    )


class GroupOut(Provenance):
    group: str = Field(description="グループ番号 of the 入院基本料テーブル")
    ident: int | None = Field(
        None,
        description="加算識別 of an 入院基本料等加算 in the group; absent on an "
        "入院料, whose group it is",
        exclude_if=_unset,
    )


class ItemOut(BaseModel):
    """An item's state as of a date, with the revision and source that set it."""

    code: str
    name: str
    unit: str
    value: Value
    valid_from: date
    valid_to: date | None = Field(description="The first day not in force (exclusive)")
    last_day: date | None = Field(
        None, description="The last day in force (inclusive): valid_to − 1 day"
    )
    addon_to: list[str]
    limits: list[LimitOut]
    exclusions: list[ExclusionOut]
    groups: list[GroupOut] = []
    eligible_diseases: list[str]
    kubun: str | None = None
    kana: str | None = Field(None, description="The master's 省略カナ名称 (reading)")
    attributes: dict[str, str] = Field(
        {},
        description="The master's attribute columns that are set (令和8年度版 "
        "cols 132–137): price_adjustment_kind (物価対応料区分), "
        "price_adjustment_group (物価対応料グループ区分), organ_transplant_addon, "
        "robotic_surgery_addon, remote_prescription_addon, surgical_care_addon; "
        "a drug's unit_name (単位), narcotic, biological, generic (後発品), "
        "dosage_form (剤形), yj_code (薬価基準収載医薬品コード), "
        "transitional_until (経過措置年月日), generic_code, generic_name "
        "(一般名処方の標準的な記載), generic_addon, long_listed, selective_care; a "
        "material's unit_name, oxygen, material_kind, price_transitional_until, "
        "notice_table and notice_kubun (告示 別表・区分), remanufactured "
        "(docs/masters.md)",
    )
    revision: str
    source: str
    # last: the schedule CSV's columns follow these fields (new ones go last)
    kind: str = Field(
        "procedure",
        description="What the code bills: `procedure` (診療行為 and the other "
        "1… codes), `drug` (医薬品 6…: value in yen per its unit_name), "
        "`material` (特定保険医療材料 7…: yen per its unit_name)",
    )

    @classmethod
    def of(cls, interval: Interval) -> ItemOut:
        return cls.model_validate(item_json(interval))


def item_json(interval: Interval) -> dict[str, object]:
    """An item's state on a date with its validity and provenance, as JSON data."""
    state = interval.state
    return {
        "code": state.code,
        "kind": kind_name(state.code),
        **state.to_dict(),
        "attributes": as_map(state.attributes),
        "valid_from": interval.valid_from.isoformat(),
        "valid_to": interval.valid_to.isoformat() if interval.valid_to else None,
        "last_day": (interval.valid_to - timedelta(days=1)).isoformat()
        if interval.valid_to
        else None,
        "revision": interval.revision,
        "source": interval.source,
    }


BEYOND = (
    "True when a date asked is after `data_through` (GET /sources): a change "
    "published later is not known to kaitei, so the answer may not be current."
)


class Partner(BaseModel):
    code: str
    name: str


class ItemAnswer(ItemOut):
    """`GET /items/{code}`: the item, and whether its date is past the data."""

    beyond_data_through: bool = Field(False, description=BEYOND)
    goes_with: list[Partner] = Field(
        [],
        description="物価対応料: the items in force that day of the same "
        "物価対応料グループ区分 on the other side (a 物価対応料's 診療行為, or a "
        "診療行為's 物価対応料)",
        exclude_if=lambda x: not x,
    )


class ScheduleOut(BaseModel):
    as_of: date
    beyond_data_through: bool = Field(False, description=BEYOND)
    items: list[ItemOut]


class SearchQuery(AsOfQuery):
    q: str = Field(
        min_length=1,
        max_length=200,
        description="A 9-digit code, a 区分番号 or its start (A000, B001-3), or a "
        "part of the name; full-width and half-width forms match alike.",
    )
    limit: int = Field(50, ge=1, le=1000, description="At most this many items.")
    offset: int = Field(
        0, ge=0, le=1_000_000, description="Skip this many matches (the next page)."
    )


class SearchOut(BaseModel):
    q: str
    as_of: date
    count: int = Field(description="How many items match (items holds `limit`).")
    offset: int = Field(0, description="How many matches were skipped.")
    beyond_data_through: bool = Field(False, description=BEYOND)
    items: list[ItemOut]


class WindowQuery(BaseModel):
    """A window of valid time: `from` and `to`, both inclusive."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    start: DateIn = Field(alias="from", description="YYYY-MM-DD or 和暦")
    end: DateIn = Field(alias="to", description="YYYY-MM-DD or 和暦")

    @field_validator("end")
    @classmethod
    def _not_before_start(cls, end: date, info: ValidationInfo) -> date:
        start = info.data.get("start")
        if start is not None:
            refuse_backwards(start, end)
        return end


class DiffQuery(WindowQuery):
    known_at: KnownAt | None = None
    scenario: str | None = Field(None, max_length=2000)
    format: Literal["json", "csv"] = "json"
    item_kind: ItemKind | None = Field(
        None,
        description="Only items of this kind (procedure, drug, material): "
        "`item_kind=drug` over 2025-03-31 → 2025-04-01 is the 薬価改定",
    )
    chapter: str = Field(
        "",
        max_length=1,
        pattern=r"^[A-O-]?$",
        description="Only this 章 of the 区分番号 (A … O; `-` those without one)",
    )
    kind: Literal["", "added", "abolished", "changed"] = Field(
        "", description="Only this kind of change"
    )
    q: str = Field(
        "", max_length=200, description="Only items whose code, 区分番号 or name has it"
    )
    encoding: SheetEncoding = Field("utf-8", description=ENCODING_HELP)

    def keeps(self, code: str) -> bool:
        return self.item_kind is None or kind_name(code) == self.item_kind


class RuleRowOut(BaseModel):
    """One rule added or removed (`/schedule/diff/rules`)."""

    code: str
    kubun: str
    name: str
    rule: str = Field(
        description="limits, exclusions, groups, eligible_diseases or addon_to"
    )
    change: Literal["added", "removed"]
    other: str = Field(description="The other code, the disease or the group")
    detail: str = Field(description="Scope and keep, max/per (unit), 加算識別")
    table: str
    row: int | None
    revision: str


class MovesOut(BaseModel):
    """How the changed values moved: how many fell and rose, and the median
    change in percent."""

    fell: int
    rose: int
    median_percent: SignedValue | None


class DiffOut(BaseModel):
    beyond_data_through: bool = Field(False, description=BEYOND)
    added: list[ItemOut]
    abolished: list[ItemOut]
    changed: list[dict[str, object]]
    moves: MovesOut | None = None
