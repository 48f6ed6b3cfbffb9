"""The schedule as CSV a spreadsheet opens (UTF-8 with BOM for Excel)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from domain.timeline import Interval
from service.contract.items import ItemOut, item_json
from service.contract.sheets import sheet_bytes

CSV_HEADER = tuple(ItemOut.model_fields)


def schedule_csv(intervals: Sequence[Interval], encoding: str = "utf-8") -> bytes:
    """The schedule as a clerk downloads it (UTF-8 with a BOM, or cp932)."""
    out, writer = _sheet(CSV_HEADER)
    for interval in intervals:
        row = item_json(interval)
        writer.writerow(_cell(row[name]) for name in CSV_HEADER)
    return sheet_bytes(out.getvalue(), encoding)


def _cell(value: object) -> object:
    """A cell a person reads: rules as `2/month`, `113001810/day`, `001/3`;
    lists by spaces; attributes as `price_adjustment_kind=2 …`."""
    if isinstance(value, list):
        return " ".join(_cell(x) for x in value)  # type: ignore[misc]
    if isinstance(value, dict):
        if "group" in value:  # 入院基本料: group, and 加算識別 for a 加算
            return "/".join(str(value[k]) for k in ("group", "ident") if k in value)
        if "max" in value or "code" in value:
            first, second = ("max", "per") if "max" in value else ("code", "scope")
            return f"{value[first]}/{value[second]}"
        return " ".join(f"{k}={v}" for k, v in value.items())  # attributes
    return "" if value is None else value


def _sheet(header: Sequence[str]) -> tuple[io.StringIO, Any]:
    """A CSV a spreadsheet opens (CRLF) with its header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    return out, writer
