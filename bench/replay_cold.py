"""`kaitei replay` as a user runs it — a new process, cold — on every input
format, against DuckDB in a new process reading the same file, ASOF-joining
the prices (price only, no rule) and writing the same kind of report.

Run on demand (not in the tests):

    .venv/bin/pip install -e ".[dev,bench]"
    .venv/bin/python bench/replay_cold.py [--claims 83000] [--store URL]

The claims are bench/mix.py's (real codes; limits, 背反, 入院基本料 groups and
add-ons without base fire), written as a claim a JSON line, a line a JSON line,
CSV and Parquet. Each row of the table: seconds wall, lines/s and peak resident
size of `kaitei replay IN --report OUT`, DuckDB's seconds for the same input
and output in a new Python process, and DuckDB's seconds / kaitei's (above 1:
kaitei is faster). Also the floor: a file of one claim. Without --store the
bundle is loaded into a fresh SQLite store first (~40 s).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.mix import claims
from bench.realistic import peak_resident, price_rows, write_inputs
from service.application import FeeSchedule
from service.importers.bundle import load_bundle_into
from service.replay.files import ROW_COLUMNS
from service.store import eventsourcing_env
from tests.replay.test_replay_files import bodies, rows_of

# DuckDB's reading of each input as lines (claim_id, code, date, quantity …)
SOURCES = {
    "claims.jsonl": "SELECT id AS claim_id, patient, u.code AS code, "
    "CAST(u.date AS DATE) AS date, u.quantity AS quantity "
    "FROM (SELECT id, patient, unnest(lines) AS u FROM read_json_auto('{f}'))",
    "lines.jsonl": "SELECT * FROM read_json_auto('{f}')",
    "lines.csv": "SELECT * FROM read_csv('{f}', header = true, types = "
    "{{'claim_id': 'VARCHAR', 'code': 'VARCHAR', 'patient': 'VARCHAR'}})",
    "claims.parquet": "SELECT * FROM read_parquet('{f}')",
}
RUNS = [
    ("claims.jsonl", "csv"),
    ("lines.jsonl", "csv"),
    ("lines.csv", "csv"),
    ("claims.parquet", "parquet"),
    ("claims.parquet", "csv"),
]


def write_files(tmp: Path, n: int, url: str) -> int:
    """The same claims in every format, and the prices DuckDB joins."""
    batch = claims(n)
    schedule = FeeSchedule(eventsourcing_env(url))
    try:
        write_inputs(batch, price_rows(schedule), tmp)  # claims.parquet, prices
    finally:
        schedule.close()
    with (tmp / "claims.jsonl").open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(b, ensure_ascii=False) + "\n" for b in bodies(batch))
    rows = rows_of(batch)
    with (tmp / "lines.jsonl").open("w", encoding="utf-8") as out:
        for row in rows:
            given = {k: v for k, v in row.items() if v is not None}
            out.write(json.dumps(given, ensure_ascii=False) + "\n")
    with (tmp / "lines.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, ROW_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    (tmp / "one.jsonl").write_text(json.dumps(bodies(batch[:1])[0]) + "\n", "utf-8")
    return len(rows)


def kaitei(source: Path, report: Path, url: str) -> tuple[float, float]:
    """Seconds wall and peak resident MB of the command, in a new process."""
    started = time.perf_counter()
    command = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "service",
            "replay",
            str(source),
            "--report",
            str(report),
        ],
        env=os.environ | {"KAITEI_DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    peak = peak_resident(command.pid)
    _, said = command.communicate()
    if command.returncode != 0:
        raise SystemExit(f"kaitei replay {source} failed: {said.decode()[-500:]}")
    return time.perf_counter() - started, peak


def duckdb(source: Path, out: Path, kind: str, prices: Path) -> float:
    """Seconds wall of the same read, ASOF JOIN and write in a new process."""
    lines = SOURCES[source.name].format(f=source)
    query = (
        "COPY (SELECT l.*, p.value AS unit_value, p.value * l.quantity AS amount "
        f"FROM ({lines}) l ASOF JOIN read_parquet('{prices}') p "
        "ON l.code = p.code AND CAST(l.date AS DATE) >= p.valid_from) "
        f"TO '{out}' (FORMAT {kind})"
    )
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", f"import duckdb; duckdb.execute({query!r})"], check=True
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=83_000)
    parser.add_argument("--store", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kaitei-cold-") as folder:
        tmp = Path(folder)
        url = args.store or f"sqlite:///{tmp / 'bundle.sqlite3'}"
        if args.store is None:
            schedule = FeeSchedule(eventsourcing_env(url))
            load_bundle_into(url, schedule)
            schedule.close()
        n = write_files(tmp, args.claims, url)
        kaitei(
            tmp / "one.jsonl", tmp / "warm.csv", url
        )  # numba's cache, the page cache
        print(f"{args.claims:,} claims, {n:,} lines")
        print("| input → report | kaitei replay | lines/s | peak | DuckDB | ratio |")
        print("|---|---|---|---|---|---|")
        for name, kind in RUNS:
            source = tmp / name
            seconds, peak = kaitei(source, tmp / f"report.{kind}", url)
            theirs = duckdb(source, tmp / f"duck.{kind}", kind, tmp / "prices.parquet")
            print(
                f"| {name} → {kind} | {seconds:.2f} s | {n / seconds:,.0f} | "
                f"{peak:.0f} MB | {theirs:.2f} s | {theirs / seconds:.2f}x |"
            )
        floor, peak = kaitei(tmp / "one.jsonl", tmp / "one.csv", url)
        print(f"| one claim (one.jsonl → csv) | {floor:.2f} s | | {peak:.0f} MB | | |")


if __name__ == "__main__":
    main()
