"""`kaitei replay` on claim files as a payer has them — JSON Lines, CSV or
Parquet — on the bundled schedule and rules, with claims in which the rules
fire; and the same replay over Dask partitions on a two-worker cluster."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster

from bench.mix import claims
from domain.claims import Claim
from service.application import FeeSchedule
from service.replay.distributed import partition, replay_on_dask
from service.replay.files import ROW_COLUMNS
from service.replay.run import replay_file
from service.store import eventsourcing_env
from tests.cli.test_cli import kaitei

MIX = claims(300)


def rows_of(batch: list[Claim]) -> list[dict[str, object]]:
    return [
        {
            "claim_id": c.id,
            "patient": c.patient,
            "admission": c.admission,
            "code": line.code,
            "date": line.date.isoformat(),
            "quantity": line.quantity,
            "disease": line.disease,
            "billed_points": None,
            "dose": None if line.dose is None else str(line.dose),
            "group": line.group,
        }
        for c in batch
        for line in c.lines
    ]


def bodies(batch: list[Claim]) -> list[dict[str, object]]:
    """The claims as `POST /claims/price` bodies: a claim a JSON line."""
    out = []
    for c in batch:
        body: dict[str, object] = {
            "id": c.id,
            "patient": c.patient,
            "lines": [
                {
                    "code": x.code,
                    "date": x.date.isoformat(),
                    "quantity": x.quantity,
                    "disease": x.disease,
                    **({"dose": str(x.dose)} if x.dose is not None else {}),
                    **({"group": x.group} if x.group is not None else {}),
                }
                for x in c.lines
            ],
        }
        if c.admission:
            body["admission"] = c.admission
        out.append(body)
    return out


def write_formats(folder: Path) -> dict[str, Path]:
    """The same claims as a claim a line, a line a line, CSV and Parquet."""
    rows = rows_of(MIX)
    whole = folder / "claims.jsonl"
    with whole.open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(body) + "\n" for body in bodies(MIX))
    by_line = folder / "lines.jsonl"
    by_line.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    table = folder / "lines.csv"
    with table.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, ROW_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    parquet = folder / "lines.parquet"
    pq.write_table(pa.Table.from_pylist(rows), parquet, row_group_size=500)
    stamped = folder / "timestamps.parquet"  # dates as midnight timestamps
    days = pa.array([date.fromisoformat(str(r["date"])) for r in rows])
    timestamps = pa.Table.from_pylist(rows).set_column(
        4, "date", days.cast(pa.timestamp("us"))
    )
    pq.write_table(timestamps, stamped)
    return {
        "jsonl": whole,
        "jsonl-rows": by_line,
        "csv": table,
        "parquet": parquet,
        "parquet-timestamps": stamped,
    }


def report_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as source:
        return list(csv.DictReader(source))


def test_every_format_replays_to_the_same_report(
    bundled_url: str, tmp_path: Path
) -> None:
    files = write_formats(tmp_path)
    reports = {}
    for name, path in files.items():
        report = tmp_path / f"report-{name}.csv"
        done = kaitei(bundled_url, "replay", str(path), "--report", str(report))
        assert done.returncode == 0, done.stderr
        assert "300 claims" in done.stdout
        reports[name] = report_csv(report)
    as_parquet = tmp_path / "report.parquet"
    done = kaitei(bundled_url, "replay", str(files["csv"]), "--report", str(as_parquet))
    assert done.returncode == 0, done.stderr

    first = reports["jsonl"]
    assert all(report == first for report in reports.values())
    reasons = {r["reason"] for r in first}
    assert {"limit_exceeded", "excluded", "not_in_group"} <= reasons
    third = [
        r for r in first if r["code"] == "113001810" and r["reason"] == "limit_exceeded"
    ]
    assert third
    assert third[0]["rule_table"].startswith("05算定回数テーブル")
    parquet_rows = pq.read_table(as_parquet).to_pylist()
    assert [(r["claim_id"], r["index"], r["status"]) for r in parquet_rows] == [
        (r["claim_id"], int(r["index"]), r["status"]) for r in first
    ]
    assert [r["amount"] for r in parquet_rows] == [Decimal(r["amount"]) for r in first]


def test_a_bad_row_is_refused_naming_it_and_no_report_is_left(
    bundled_url: str, tmp_path: Path
) -> None:
    source = write_formats(tmp_path)["csv"]
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[2] = re.sub(r"20\d\d-\d\d-\d\d", "2024-13-01", lines[2])
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = tmp_path / "report.csv"
    report.write_text("an older report\n", encoding="utf-8")

    refused = kaitei(bundled_url, "replay", str(source), "--report", str(report))
    unknown = tmp_path / "claims.xlsx"
    unknown.write_text("", encoding="utf-8")
    wrong_type = kaitei(bundled_url, "replay", str(unknown))

    assert refused.returncode == 1
    assert f"{source}:3: date:" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert report.read_text(encoding="utf-8") == "an older report\n"
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []
    assert wrong_type.returncode == 1
    assert "unknown claim file type '.xlsx'" in wrong_type.stderr


@pytest.fixture(scope="module")
def cluster() -> Client:
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as c,
        Client(c) as client,
    ):
        yield client


def test_dask_partitions_replay_as_one_process_does(
    bundled_url: str, tmp_path: Path, cluster: Client
) -> None:
    source = write_formats(tmp_path)["jsonl"]
    schedule = FeeSchedule(eventsourcing_env(bundled_url))
    try:
        book = schedule.rules(None)
    finally:
        schedule.close()
    one = replay_file(source, book, tmp_path / "one.parquet", 2000)

    parts = partition(source, 3, tmp_path / "parts", 2000)
    tally = replay_on_dask(cluster, parts, book, tmp_path / "report", 2000)

    assert len(cluster.scheduler_info()["workers"]) == 2
    assert tally == one
    assert one.rejected > 0
    single = pq.read_table(tmp_path / "one.parquet").to_pylist()
    spread = pq.read_table(tmp_path / "report").to_pylist()
    key = lambda r: (r["claim_id"], r["index"])  # noqa: E731
    assert sorted(spread, key=key) == sorted(single, key=key)


def test_replay_on_two_worker_processes_reports_the_same_lines(
    bundled_url: str, tmp_path: Path
) -> None:
    source = write_formats(tmp_path)["csv"]
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"

    alone = kaitei(bundled_url, "replay", str(source), "--report", str(one))
    shared = kaitei(
        bundled_url, "replay", str(source), "--report", str(two), "--workers", "2"
    )

    assert alone.returncode == 0, alone.stderr
    assert shared.returncode == 0, shared.stderr
    assert shared.stdout.split(";")[:2] == alone.stdout.split(";")[:2]  # the counts

    def key(row: dict[str, str]) -> tuple[str, int]:
        return row["claim_id"], int(row["index"])

    assert sorted(report_csv(two), key=key) == sorted(report_csv(one), key=key)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
