"""The body of `POST /revisions`: a revision and its changes, one model per op."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain.changes import Change
from domain.rules import Exclusion, Limit
from service.api.fields import Code, DateIn, Disease, Evidence, Text, Value
from service.application import RevisionDraft

RevisionId = Annotated[
    str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z._\-]{0,99}$")
]
# point (点) and yen (円) are priced on claims; the master's other 点数識別 kinds
# (%加算, %減算, 減点, マイナス点数) are recorded as they are.
Unit = Literal[
    "point", "yen", "percent_add", "percent_sub", "point_reduction", "point_minus"
]
Kubun = Annotated[str, StringConstraints(pattern=r"^[A-Z][0-9]{3}(?:-[0-9A-Za-z]+)*$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LimitIn(Strict):
    per: Literal["day", "week", "month", "claim"]
    max: int = Field(ge=1, le=9999)


class ExclusionIn(Strict):
    code: Code
    scope: Literal["day", "month"]


class ChangeBase(Strict):
    code: Code
    effective_from: DateIn | None = Field(
        None, description="Its own date (経過措置); default: the revision's."
    )
    evidence: Evidence | None = Field(
        None, description="Where this change is written: document, table, row."
    )

    def to_domain(self) -> Change:
        data = self.model_dump(exclude_none=True)
        data.pop("diseases", None)
        for key, kind in (("limits", Limit), ("exclusions", Exclusion)):
            if key in data:
                data[key] = tuple(kind(**x) for x in data[key])
        for key in ("addon_to", "eligible_diseases"):
            if key in data:
                data[key] = tuple(data[key])
        return Change(**data)


class IntroduceIn(ChangeBase):
    op: Literal["introduce"]
    name: Text
    unit: Unit
    value: Value
    addon_to: list[Code] = []
    limits: list[LimitIn] = []
    exclusions: list[ExclusionIn] = []
    eligible_diseases: list[Disease] = []
    kubun: Kubun | None = Field(None, description="区分番号 of a レセ電 code.")


class ReviseIn(ChangeBase):
    op: Literal["revise"]
    value: Value
    unit: Unit | None = None


class AbolishIn(ChangeBase):
    op: Literal["abolish"]


class RenameIn(ChangeBase):
    op: Literal["rename"]
    name: Text


class SetLimitsIn(ChangeBase):
    op: Literal["set_limits"]
    limits: list[LimitIn]


class SetExclusionsIn(ChangeBase):
    op: Literal["set_exclusions"]
    exclusions: list[ExclusionIn]


class SetEligibilityIn(ChangeBase):
    op: Literal["set_eligibility"]
    diseases: list[Disease]

    def to_domain(self) -> Change:
        return Change(
            "set_eligibility",
            self.code,
            self.effective_from,
            eligible_diseases=tuple(self.diseases),
            evidence=self.evidence,
        )


class SetAddonToIn(ChangeBase):
    op: Literal["set_addon_to"]
    addon_to: list[Code]


class InterpretIn(ChangeBase):
    op: Literal["interpret"]
    text: Evidence = Field(description="What the 疑義解釈/通知 says, as written.")
    until: DateIn | None = Field(None, description="Last day of its 経過措置.")


class ReclassifyIn(ChangeBase):
    op: Literal["reclassify"]
    kubun: Kubun


ChangeIn = Annotated[
    IntroduceIn
    | ReviseIn
    | AbolishIn
    | RenameIn
    | SetLimitsIn
    | SetExclusionsIn
    | SetEligibilityIn
    | SetAddonToIn
    | ReclassifyIn
    | InterpretIn,
    Field(discriminator="op"),
]


class RevisionIn(Strict):
    """One 改定/告示/通知/疑義解釈/事務連絡, recorded atomically."""

    id: RevisionId
    title: Text
    effective_from: DateIn
    status: Literal["enacted", "proposed"] = "enacted"
    source: Text
    changes: list[ChangeIn] = Field(min_length=1, max_length=20000)

    def to_draft(self) -> RevisionDraft:
        return RevisionDraft(
            self.id,
            self.title,
            self.source,
            self.status,
            self.effective_from,
            tuple(c.to_domain() for c in self.changes),
        )


class CorrectionIn(Strict):
    """What a recorded revision should have said, and why (erratum, 疑義解釈, 抹消)."""

    reason: Text
    source: Text
    changes: list[ChangeIn] = Field(max_length=20000)


class EnactIn(Strict):
    effective_from: DateIn | None = None


class RecordedOut(BaseModel):
    id: str
    events: list[dict[str, object]]
    position: int
