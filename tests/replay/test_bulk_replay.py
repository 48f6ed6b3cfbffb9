"""`kaitei replay` prices claim files with the compiled kernel, a batch of
whole claims at a time: its report is, byte for byte, the report of the same
claims priced one at a time through `domain.billing` (the patients' earlier
claims counting), on the bundled rules with realistic claims in which every
kind of rule fires — across batch boundaries, and with rows that only the
claim-by-claim reader can read (和暦 dates, full-width codes)."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bench.mix import claims
from domain.rulebook import RuleBook
from service.replay import batches
from service.replay.files import ROW_COLUMNS, read_claims
from service.replay.report import report_rows, report_writer
from service.replay.run import priced_in_turn, replay_file
from tests.replay.test_replay_files import rows_of

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
    return {"csv": table, "parquet-text": as_text, "parquet-dates": plain}


def test_the_bulk_replay_reports_what_one_claim_at_a_time_reports(
    book: RuleBook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches, "BATCH_ROWS", 2_000)  # claims cut across batches
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
