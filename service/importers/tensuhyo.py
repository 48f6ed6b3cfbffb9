"""Reading and importing the 医科電子点数表 tables (支払基金): CP932, quoted, no
header. A 背反 table (03-1..03-4), the 算定回数 table (05) and the 入院基本料
table (04) become rules on their items, and the 補助マスターテーブル (01) gives
each 入院料 its 04 group; what a row means is `domain.tensuhyo`."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import date

from domain.errors import TableRowError
from domain.tensuhyo import (
    SCOPE_OF,
    Table,
    TableRow,
    addon_row,
    exclusion_row,
    limit_row,
    table_revision,
    ward_row,
)
from service.application import FeeSchedule, Recorded

TABLE_NAME = re.compile(r"^(?P<kind>01|02|03-[1-4]|04|05)[^/\\]*\.csv$")
FIELDS = {"01": 27, "02": 7, "03": 10, "04": 8, "05": 14}
NOT_YET = {"02": "the 包括テーブル is not imported yet"}
SINCE_AT = {"01": 25, "03": 8, "04": 6, "05": 12}  # 新設年月日, 0-based


def is_table_file(name: str) -> bool:
    return TABLE_NAME.match(name) is not None


def not_imported(name: str) -> str | None:
    """Why a table of this name is not imported (02), or None."""
    match = TABLE_NAME.match(name)
    return NOT_YET.get(match["kind"]) if match else None


def read_table(name: str, content: bytes) -> Table:
    """One table file, every row checked; refuses naming file, line and field."""
    match = TABLE_NAME.match(name)
    if match is None:
        raise TableRowError(f"{name}: not a 医科電子点数表 file name (01…05…csv)")
    kind = match["kind"]
    if kind in NOT_YET:
        raise TableRowError(f"{name}: {NOT_YET[kind]}")
    try:
        text = content.decode("cp932")
    except UnicodeDecodeError as error:
        raise TableRowError(f"{name}: not CP932 text (byte {error.start})") from None
    stem = name.removesuffix(".csv")
    rows, problems, newest = [], [], date.min
    width = FIELDS[kind[:2]]
    for line, fields in enumerate(csv.reader(io.StringIO(text, newline="")), 1):
        if not fields:
            continue
        try:
            row = _row(stem, kind, line, fields, width)
        except ValueError as error:
            problems.append(f"line {line}: {error}")
            continue
        if row is None:
            continue  # a 補助マスターテーブル row of a code that is no 入院料
        rows.append(row)
        newest = max(newest, row.rule.since or newest)
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise TableRowError(
            f"{name}: nothing recorded: {'; '.join(problems[:5])}{more}"
        )
    if not rows:
        raise TableRowError(f"{name}: no rows")
    digest = hashlib.sha256(content).hexdigest()
    return Table(stem, kind, newest, digest, tuple(rows))


def _row(
    stem: str, kind: str, line: int, fields: list[str], width: int
) -> TableRow | None:
    if len(fields) != width:
        raise ValueError(f"{len(fields)} fields, expected {width}")
    codes = {"03": (1, 3), "04": (2,)}.get(kind[:2], (1,))
    for at in codes:
        if not re.fullmatch(r"1\d{8}", fields[at]):
            raise ValueError(f"field {at + 1} (診療行為コード) {fields[at]!r}")
    since_at = SINCE_AT[kind[:2]]
    since = _day(fields[since_at], since_at)
    if kind == "01":
        if not re.fullmatch(r"\d{3}", fields[19]):
            raise ValueError(
                f"field 20 (入院基本料識別) {fields[19]!r} is not 3 digits"
            )
        return None if fields[19] == "000" else ward_row(stem, line, fields, since)
    if kind == "04":
        if not re.fullmatch(r"\d{3}", fields[1]):
            raise ValueError(f"field 2 (グループ番号) {fields[1]!r} is not 3 digits")
        if not fields[4].isdigit() or int(fields[4]) < 1:
            raise ValueError(f"field 5 (加算識別) {fields[4]!r} is not a number")
        return addon_row(stem, line, fields, since)
    if kind in SCOPE_OF:
        if fields[5] not in ("1", "2", "3"):
            raise ValueError(f"field 6 (背反区分) {fields[5]!r} is not 1, 2 or 3")
        if fields[6] not in ("0", "1"):
            raise ValueError(f"field 7 (特例条件) {fields[6]!r} is not 0 or 1")
        return exclusion_row(stem, kind, line, fields, since)
    if not fields[5].isdigit() or int(fields[5]) < 1:
        raise ValueError(f"field 6 (算定回数) {fields[5]!r} is not a count")
    if fields[6] not in ("0", "1"):
        raise ValueError(f"field 7 (特例条件) {fields[6]!r} is not 0 or 1")
    return limit_row(stem, line, fields, since)


def _day(text: str, at: int) -> date:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise ValueError(
            f"field {at + 1} (新設年月日) {text!r} is not a date"
        ) from None


def import_table(
    schedule: FeeSchedule, table: Table, ended_from: date | None, recorded_by: str
) -> tuple[Recorded, list[str]]:
    """Record one edition of a table as one revision (again: nothing), and the
    codes it skipped (not recorded, or never in force)."""
    schedule.catch_up()
    if schedule.view.revisions([table.revision_id]):
        return Recorded(
            table.revision_id, created=False, position=schedule.position()
        ), []
    draft, skipped = table_revision(table, schedule.rules(None), ended_from)
    return schedule.record_revision(draft, recorded_by), skipped
