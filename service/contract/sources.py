"""`GET /sources`: the publications the store holds and the date they run to."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, field_serializer

from domain.publications import ChangeCounts, Kind, Publication


class SourceOut(BaseModel):
    kind: Kind = Field(
        description="master_full, master_change (医科診療行為マスター) or revision "
        "(a document: 告示, 通知, 疑義解釈, …)"
    )
    name: str = Field(description="The file name or the revision id.")
    title: str
    source: str
    published: date | None = Field(
        description="Publication date (from a master file's name); null for a "
        "document, whose date is in `source`."
    )
    effective_from: date
    status: str
    recorded_at: datetime
    recorded_by: str
    full: bool = Field(
        False, description="A full master file (s_ALL…): the state on its date"
    )
    introduced: int = Field(0, description="Codes it introduced (新設)")
    changed: int = Field(0, description="Codes whose value, name or rules it changed")
    abolished: int = Field(0, description="Codes it abolished (廃止)")
    revision_name: str | None = Field(
        None,
        description="The 改定 a master file belongs to, by its master and the day "
        "its rows take effect (令和6年度診療報酬改定 for s_20240306.csv); null for an "
        "interim change or a document",
    )

    @field_serializer("recorded_at")
    def _instant(self, moment: datetime) -> str:
        return moment.isoformat()  # +00:00, as every other recorded_at

    @classmethod
    def of(
        cls, publication: Publication, counts: ChangeCounts | None = None
    ) -> SourceOut:
        out = cls.model_validate(publication, from_attributes=True)
        out.full = publication.kind == "master_full"
        if counts is not None:
            out.introduced = counts.introduced
            out.changed = counts.changed
            out.abolished = counts.abolished
        return out


class SourcesOut(BaseModel):
    data_through: date | None = Field(
        description="The newest publication date held of the 医科診療行為マスター: "
        "answers for later dates say `beyond_data_through`."
    )
    data_through_by_master: dict[str, date | None] = Field(
        {},
        description="The newest publication date held of each master (医科診療行為"
        "マスター, 医薬品マスター, 特定器材マスター): kaitei knows no price "
        "published after it",
    )
    count: int
    sources: list[SourceOut]
