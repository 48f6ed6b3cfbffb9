"""Editions of the 医科電子点数表 tables: a later edition records its differences
in valid and record time; a malformed file is refused, naming line and field."""

from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from domain.billing import price_claim
from domain.claims import Claim, ClaimLine
from domain.errors import TableRowError
from service.application import FeeSchedule
from service.importers.bundle import TABLE_ARCHIVE
from service.importers.tensuhyo import import_table, read_table
from tests.cli.test_cli import kaitei

WEEK = "03-4背反テーブル4.csv"
ANP, BNP = "160116310", "160162350"


def real(name: str) -> bytes:
    with zipfile.ZipFile(TABLE_ARCHIVE) as archive:
        return archive.read(name)


def second_edition() -> bytes:
    """The real 03-4 without the ＡＮＰ–ＢＮＰ pair (both of its rows)."""
    lines = real(WEEK).split(b"\r\n")
    kept = [row for row in lines if not (ANP.encode() in row and BNP.encode() in row)]
    assert len(lines) - len(kept) == 2
    return b"\r\n".join(kept)


def statuses(schedule: FeeSchedule, day: date, known_at=None) -> list[str]:
    first, second = day, date.fromordinal(day.toordinal() + 1)
    claim = Claim("c", (ClaimLine(ANP, first), ClaimLine(BNP, second)))
    priced = price_claim(claim, schedule.rules([ANP, BNP], known_at))
    return [line.status for line in priced.lines]


def test_a_later_edition_ends_a_dropped_rule_on_the_operators_day(
    bundled_schedule: FeeSchedule,
) -> None:
    before_import = datetime.now(UTC)
    table = read_table(WEEK, second_edition())

    with pytest.raises(TableRowError, match="give the day it ends"):
        import_table(bundled_schedule, table, None, "t")
    recorded, _ = import_table(bundled_schedule, table, date(2025, 10, 1), "t")
    again, _ = import_table(bundled_schedule, table, date(2025, 10, 1), "t")

    assert recorded.created
    assert not again.created
    wednesday_sept, wednesday_oct = date(2025, 9, 10), date(2025, 10, 8)
    assert statuses(bundled_schedule, wednesday_sept) == ["priced", "rejected"]
    assert statuses(bundled_schedule, wednesday_oct) == ["priced", "priced"]
    assert statuses(bundled_schedule, wednesday_oct, before_import) == [
        "priced",
        "rejected",
    ]
    ended = [
        h
        for h in bundled_schedule.history(ANP)
        if h.op == "set_exclusions" and h.revision == table.revision_id
    ]
    assert [h.effective_from for h in ended] == [date(2025, 10, 1)]


def test_a_malformed_table_is_refused_naming_line_and_field_writing_nothing(
    bundled_url: str, tmp_path: Path
) -> None:
    lines = real(WEEK).split(b"\r\n")
    fields = lines[2].split(b",")
    fields[5] = b'"7"'  # 背反区分 is 1, 2 or 3
    lines[2] = b",".join(fields)
    bad = tmp_path / WEEK
    bad.write_bytes(b"\r\n".join(lines))
    before = kaitei(bundled_url, "sources", "--json").stdout

    refused = kaitei(bundled_url, "import", str(bad))

    assert refused.returncode == 1
    assert "line 3" in refused.stderr
    assert "背反区分" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert kaitei(bundled_url, "sources", "--json").stdout == before


@pytest.mark.parametrize(
    ("name", "at", "bad", "field"),
    [
        ("04入院基本料テーブル.csv", 1, b'"1"', "field 2 (グループ番号)"),
        ("04入院基本料テーブル.csv", 4, b'"x"', "field 5 (加算識別)"),
        ("01補助マスターテーブル.csv", 19, b'"67"', "field 20 (入院基本料識別)"),
    ],
)
def test_a_malformed_group_row_is_refused_naming_line_and_field(
    name: str, at: int, bad: bytes, field: str
) -> None:
    lines = real(name).split(b"\r\n")
    fields = lines[4].split(b",")
    fields[at] = bad
    lines[4] = b",".join(fields)

    with pytest.raises(TableRowError, match="line 5") as refused:
        read_table(name, b"\r\n".join(lines))

    assert field in str(refused.value)
    assert "nothing recorded" in str(refused.value)


def test_the_hokatsu_table_is_refused_in_words() -> None:
    with pytest.raises(TableRowError, match="包括テーブル is not imported yet"):
        read_table("02包括テーブル.csv", b'"0","A000001"\r\n')


def test_importing_the_whole_folder_skips_the_tables_not_imported_in_words(
    bundled_url: str, tmp_path: Path
) -> None:
    names = ("01補助マスターテーブル.csv", "04入院基本料テーブル.csv", WEEK)
    for name in names:
        (tmp_path / name).write_bytes(real(name) if name != WEEK else second_edition())
    hokatsu = tmp_path / "02包括テーブル.csv"
    hokatsu.write_bytes(b'"0","A000001"\r\n')

    done = kaitei(
        bundled_url,
        "import",
        "--effective-from",
        "2025-10-01",
        str(hokatsu),
        *(str(tmp_path / n) for n in names),
    )

    out = done.stdout.replace("\n", "")
    assert done.returncode == 0, done.stderr
    assert "02包括テーブル.csv: skipped: the 包括テーブル is not imported yet" in out
    assert "03-4背反テーブル4 2022-04-01" in out
