"""The schedule as CSV a spreadsheet opens (UTF-8 with BOM for Excel)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from domain.timeline import Interval

CSV_HEADER = (
    "code",
    "name",
    "unit",
    "value",
    "valid_from",
    "valid_to",
    "addon_to",
    "limits",
    "exclusions",
    "eligible_diseases",
    "kubun",
    "revision",
    "source",
)


def schedule_csv(intervals: Sequence[Interval]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for i in intervals:
        s = i.state
        writer.writerow(
            (
                s.code,
                s.name,
                s.unit,
                s.value,
                i.valid_from,
                i.valid_to or "",
                " ".join(s.addon_to),
                " ".join(f"{x.max}/{x.per}" for x in s.limits),
                " ".join(f"{x.code}/{x.scope}" for x in s.exclusions),
                " ".join(s.eligible_diseases),
                s.kubun or "",
                i.revision,
                i.source,
            )
        )
    return out.getvalue()


DIFF_HEADER = (
    "change",
    "code",
    "name",
    "field",
    "before",
    "after",
    "revision",
    "source",
)


def diff_csv(found: dict[str, Any]) -> str:
    """A schedule diff as one CSV a spreadsheet opens: added, abolished, changed."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(DIFF_HEADER)
    for kind in ("added", "abolished"):
        for i in found[kind]:
            s = i.state
            value = f"{s.value} {s.unit}"
            before, after = ("", value) if kind == "added" else (value, "")
            writer.writerow(
                (kind, s.code, s.name, "", before, after, i.revision, i.source)
            )
    for c in found["changed"]:
        writer.writerow(
            (
                "changed",
                c["code"],
                c["name"],
                c["field"],
                json.dumps(c["before"], ensure_ascii=False),
                json.dumps(c["after"], ensure_ascii=False),
                c["revision"],
                c["source"],
            )
        )
    return out.getvalue()
