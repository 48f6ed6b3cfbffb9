"""`kaitei replay` prices claim files with the compiled kernel, a batch of
whole claims at a time: its report is, byte for byte, the report of the same
claims priced one at a time through `domain.billing` (the patients' earlier
claims counting), on the bundled rules with realistic claims in which every
kind of rule fires — across batch boundaries, and with rows that only the
claim-by-claim reader can read (和暦 dates, full-width codes)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bench.mix import claims
from domain.rulebook import RuleBook
from service.replay import file_tables
from service.replay.errors import ClaimFileError
from service.replay.files import ROW_COLUMNS, read_claims
from service.replay.report import report_rows, report_writer
from service.replay.run import priced_in_turn, replay_file
from tests.replay.test_replay_files import bodies, rows_of

MIX = claims(1_500)


@pytest.fixture
def book(bundled_book: RuleBook) -> RuleBook:
    return bundled_book


def reference(source: Path, book: RuleBook, report: Path) -> None:
    """The claim-by-claim replay of the same file."""
    with report_writer(report) as writer:
        for claim, priced, matched in priced_in_turn(
            read_claims(source, 2000, lambda _: None), book
        ):
            writer.write(report_rows(priced, matched, claim.patient))


def sources(folder: Path) -> dict[str, Path]:
    rows = rows_of(MIX)
    rows[7]["date"] = "R" + str(int(rows[7]["date"][:4]) - 2018) + rows[7]["date"][4:]
    rows[7]["date"] = rows[7]["date"].replace("-", ".")  # 和暦: R6.07.01
    rows[900]["code"] = rows[900]["code"].translate(  # full-width digits
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    table = folder / "lines.csv"
    with table.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, ROW_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    as_text = folder / "text.parquet"
    pq.write_table(pa.Table.from_pylist(rows), as_text)
    plain = folder / "dates.parquet"
    dated = pa.Table.from_pylist(rows_of(MIX))
    at = dated.schema.get_field_index("date")
    days = pa.array([r["date"] for r in rows_of(MIX)]).cast(pa.date32())
    pq.write_table(dated.set_column(at, "date", days), plain)
    by_line = folder / "lines.jsonl"  # 和暦 and full-width rows too
    by_line.write_text(
        "".join(json.dumps(_given(r), ensure_ascii=False) + "\n" for r in rows),
        encoding="utf-8",
    )
    whole = folder / "claims.jsonl"
    whole.write_text("".join(json.dumps(c) + "\n" for c in bodies(MIX)), "utf-8")
    return {
        "csv": table,
        "parquet-text": as_text,
        "parquet-dates": plain,
        "jsonl-rows": by_line,
        "jsonl-claims": whole,
    }


def _given(row: dict[str, object]) -> dict[str, object]:
    """A row as a JSON line: only the fields it has."""
    return {k: v for k, v in row.items() if v is not None}


def test_the_bulk_replay_reports_what_one_claim_at_a_time_reports(
    book: RuleBook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_tables, "BATCH_ROWS", 2_000)  # claims cut across batches
    monkeypatch.setattr(file_tables, "JSON_BLOCK", 100_000)  # bytes, the same
    for name, source in sources(tmp_path).items():
        expected, got = tmp_path / f"{name}-one.csv", tmp_path / f"{name}-bulk.csv"
        reference(source, book, expected)

        tally = replay_file(source, book, got, 2000)

        assert got.read_bytes() == expected.read_bytes(), name
        assert tally.claims == len(MIX)
    report = list(csv.DictReader(got.open(encoding="utf-8-sig")))
    reasons = {r["reason"] for r in report}
    assert {"excluded", "limit_exceeded", "not_in_group", "missing_base"} <= reasons
    across = [r for r in report if r["code"] == "112708970" and r["reason"]]
    assert across  # 医療情報取得加算 ３月: the patient's earlier claims counted
    assert {r["unchecked"] for r in report} >= {""}


def test_the_parquet_report_holds_the_same_rows(book: RuleBook, tmp_path: Path) -> None:
    source = sources(tmp_path)["parquet-dates"]
    expected, got = tmp_path / "one.parquet", tmp_path / "bulk.parquet"
    reference(source, book, expected)

    replay_file(source, book, got, 2000)

    assert pq.read_table(got).to_pylist() == pq.read_table(expected).to_pylist()
    assert pq.read_schema(got) == pq.read_schema(expected)


def test_a_per_admission_limit_counts_the_same_admission_in_the_file(
    book: RuleBook, tmp_path: Path
) -> None:
    # 肺血栓塞栓症予防管理料 (05: 入院中 1) for one patient in two admissions,
    # and once without an admission: only the second of the first is rejected
    source = tmp_path / "admissions.csv"
    source.write_text(
        "claim_id,patient,admission,code,date\n"
        "june,p9,2024-06-18,113006910,2024-06-20\n"
        "july,p9,2024-06-18,113006910,2024-07-02\n"
        "again,p9,2024-07-24,113006910,2024-07-25\n"
        "unknown,p9,,113006910,2024-07-26\n",
        encoding="utf-8",
    )
    got = tmp_path / "report.csv"

    replay_file(source, book, got, 2000)

    report = list(csv.DictReader(got.open(encoding="utf-8-sig")))
    assert [r["reason"] for r in report] == ["", "limit_exceeded", "", ""]
    assert report[1]["rule_table"].startswith("05")
    assert [r["unchecked"] for r in report] == ["", "", "", "入院中"]


READ = ("counts as text and numbers", "a line a line and whole claims")


def _outcome(run: Callable[[], object]) -> str:
    try:
        run()
    except ClaimFileError as error:
        return f"refused: {error}"
    return "read"


@pytest.mark.parametrize(
    "variant",
    [
        "counts as text and numbers",  # a block pyarrow cannot type: read by line
        "a line a line and whole claims",
        "a bad date",
        "a date as a number",
        "a claim twice",
        "not JSON",
    ],
)
def test_json_lines_read_column_wise_report_and_refuse_as_read_line_by_line(
    book: RuleBook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variant: str
) -> None:
    monkeypatch.setattr(file_tables, "JSON_BLOCK", 20_000)
    rows = [_given(r) for r in rows_of(MIX[:200])]
    whole = bodies(MIX[200:300])
    if variant == "counts as text and numbers":
        rows[5]["quantity"] = str(rows[5]["quantity"])
    elif variant == "a bad date":
        rows[1200]["date"] = "2024-13-01"
    elif variant == "a date as a number":
        rows[700]["date"] = 20240603
    elif variant == "a claim twice":
        whole[3]["id"] = whole[1]["id"]
    texts = [json.dumps(x, ensure_ascii=False) for x in rows]
    if variant == "not JSON":
        texts[800] = texts[800][:-1]
    if variant != "a line a line and whole claims":
        texts += [json.dumps(c) for c in whole]
    else:
        texts = (
            [json.dumps(c) for c in whole[:50]]
            + texts
            + [json.dumps(c) for c in whole[50:]]
        )
    source = tmp_path / "claims.jsonl"
    source.write_text("\n".join(texts) + "\n", encoding="utf-8")
    expected, got = tmp_path / "one.csv", tmp_path / "bulk.csv"

    said = _outcome(lambda: reference(source, book, expected))
    done = _outcome(lambda: replay_file(source, book, got, 2000))

    assert done == said
    assert (said == "read") == (variant in READ)
    if said == "read":
        assert got.read_bytes() == expected.read_bytes()
    else:
        assert f"{source}:" in said  # the line, as the claim-by-claim reader says
