"""How kaitei's value types are written into stored events (JSON)."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain.changes import Change, change_from_dict, change_to_dict
from domain.claims import ClaimLine
from domain.rules import Exclusion, Grouping, Limit, rule_dict, rule_from_dict
from domain.timeline import ItemState


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class RuleAsDict(Transcoding):
    """A rule (Limit, Exclusion, Grouping) as its JSON data: its core fields
    and the others only when set, so a typed rule encodes as before."""

    def __init__(self, kind: type[Limit] | type[Exclusion] | type[Grouping]) -> None:
        self.type = kind
        self.name = kind.__name__.lower()
        self.kind = kind

    def encode(self, obj: Limit | Exclusion | Grouping) -> dict[str, Any]:
        return rule_dict(obj)

    def decode(self, data: dict[str, Any]) -> Limit | Exclusion | Grouping:
        return rule_from_dict(self.kind, data)


class ChangeAsDict(Transcoding):
    type = Change
    name = "change"

    def encode(self, obj: Change) -> dict[str, object]:
        return change_to_dict(obj)

    def decode(self, data: dict[str, object]) -> Change:
        return change_from_dict(data)


class ItemStateAsDict(Transcoding):
    type = ItemState
    name = "item_state"

    def encode(self, obj: ItemState) -> dict[str, object]:
        return {"code": obj.code, **obj.to_dict()}

    def decode(self, data: dict[str, Any]) -> ItemState:
        return ItemState.from_dict(data["code"], data)


class ClaimLineAsDict(Transcoding):
    type = ClaimLine
    name = "claim_line"

    def encode(self, obj: ClaimLine) -> dict[str, Any]:
        return {
            "code": obj.code,
            "date": obj.date.isoformat(),
            "quantity": obj.quantity,
            "disease": obj.disease,
        }

    def decode(self, data: dict[str, Any]) -> ClaimLine:
        return ClaimLine(
            data["code"],
            date.fromisoformat(data["date"]),
            data["quantity"],
            data["disease"],
        )


def register(transcoder: JSONTranscoder) -> None:
    for transcoding in (
        DateAsISO(),
        RuleAsDict(Limit),
        RuleAsDict(Exclusion),
        RuleAsDict(Grouping),
        ChangeAsDict(),
        ItemStateAsDict(),
        ClaimLineAsDict(),
    ):
        transcoder.register(transcoding)
