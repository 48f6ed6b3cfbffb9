"""How kaitei's value types are written into stored events (JSON)."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

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


class LimitAsDict(Transcoding):
    type = Limit
    name = "limit"

    def encode(self, obj: Limit) -> dict[str, Any]:
        return rule_dict(obj)  # a typed rule encodes as before: per and max

    def decode(self, data: dict[str, Any]) -> Limit:
        return cast(Limit, rule_from_dict(Limit, data))


class ExclusionAsDict(Transcoding):
    type = Exclusion
    name = "exclusion"

    def encode(self, obj: Exclusion) -> dict[str, Any]:
        return rule_dict(obj)

    def decode(self, data: dict[str, Any]) -> Exclusion:
        return cast(Exclusion, rule_from_dict(Exclusion, data))


class GroupingAsDict(Transcoding):
    type = Grouping
    name = "grouping"

    def encode(self, obj: Grouping) -> dict[str, Any]:
        return rule_dict(obj)

    def decode(self, data: dict[str, Any]) -> Grouping:
        return cast(Grouping, rule_from_dict(Grouping, data))


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
        LimitAsDict(),
        ExclusionAsDict(),
        GroupingAsDict(),
        ChangeAsDict(),
        ItemStateAsDict(),
        ClaimLineAsDict(),
    ):
        transcoder.register(transcoding)
