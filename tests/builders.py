"""Small builders for revisions used across the tests (values from the seeds)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from domain.changes import Change
from service.application import RevisionDraft

# 再診料 73 点 since 2020-04-01: s_ALL20220218.zip (112007410, 変更年月日 20200401);
# 75 点 from 2024-06-01: 002_8ea418abf8c24ad7.txt 表2.
BASELINE = {
    "id": "mst-2020",
    "title": "再診料 (医科診療行為マスター)",
    "effective_from": "2020-04-01",
    "source": "s_ALL20220218.zip",
    "changes": [
        {
            "op": "introduce",
            "code": "A001",
            "name": "再診料",
            "unit": "point",
            "value": 73,
        }
    ],
}
R6 = {
    "id": "r6-2024",
    "title": "令和6年度診療報酬改定",
    "effective_from": "2024-06-01",
    "source": "令和6年厚生労働省告示第57号",
    "changes": [{"op": "revise", "code": "A001", "value": 75}],
}


def introduce(code: str, value: int, name: str = "item", **more: Any) -> Change:
    return Change(
        "introduce", code, name=name, unit="point", value=Decimal(value), **more
    )


def revise(code: str, value: int, effective_from: date | None = None) -> Change:
    return Change("revise", code, effective_from, value=Decimal(value))


def draft(
    revision_id: str, effective_from: date, *changes: Change, status: str = "enacted"
) -> RevisionDraft:
    return RevisionDraft(
        revision_id,
        revision_id,
        f"source of {revision_id}",
        status,
        effective_from,
        changes,
    )
