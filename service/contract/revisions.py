"""The body of `POST /revisions`: a revision and its changes, one model per op."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from domain.changes import Change
from domain.revisions import RevisionDraft
from domain.rules import Exclusion, Limit
from domain.vocabulary import Keep, KnownUnit, Per, Scope, Submitted
from service.application.results import Recorded
from service.contract.audit import event_json
from service.contract.fields import Code, DateIn, Disease, Evidence, Text, Value

RevisionId = Annotated[
    str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z._\-]{0,99}$")
]
Kubun = Annotated[str, StringConstraints(pattern=r"^[A-Z][0-9]{3}(?:-[0-9A-Za-z]+)*$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LimitIn(Strict):
    per: Per
    max: int = Field(ge=1, le=9999)
    unit: str | None = Field(
        None, max_length=20, description="算定単位名称, for a unit kaitei cannot count"
    )
    special: StrictBool = Field(
        False, description="特例条件: a person checks the exception"
    )


class ExclusionIn(Strict):
    code: Code
    scope: Scope
    keep: Keep = Field(
        "first", description="Which is billed: `this` item, the `other`, the `first`."
    )
    special: StrictBool = Field(
        False, description="特例条件: a person checks the exception"
    )


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
    unit: KnownUnit
    value: Value
    addon_to: list[Code] = []
    limits: list[LimitIn] = []
    exclusions: list[ExclusionIn] = []
    eligible_diseases: list[Disease] = []
    kubun: Kubun | None = Field(None, description="区分番号 of a レセ電 code.")


class ReviseIn(ChangeBase):
    op: Literal["revise"]
    value: Value
    unit: KnownUnit | None = None


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
    status: Submitted = "enacted"
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

    @classmethod
    def of(cls, recorded: Recorded) -> RecordedOut:
        return cls(
            id=recorded.id,
            events=[event_json(e) for e in recorded.events],
            position=recorded.position,
        )
