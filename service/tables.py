"""The schedule as CSV a spreadsheet opens (UTF-8 with BOM for Excel)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

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
