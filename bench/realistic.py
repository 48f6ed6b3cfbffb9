"""Pricing and replay on realistic claims in which the rules fire, with the real
bundled schedule and rules, against baselines in the same run, same input.

Run on demand (not in the tests):

    .venv/bin/pip install -e ".[dev,bench]"
    .venv/bin/python bench/realistic.py [--claims 60000] [--store URL] [--runs 3]

Claims come from bench/mix.py (outpatient and inpatient months, patients with
several months; the share of rejected lines is printed). Without --store the
bundle is loaded into a fresh SQLite store first (~30 s).

Figures (lines/s unless said), each with its ratio to its baseline:
1. in memory, every rule: kaitei one claim at a time (patients counted), the
   compiled kernel with the patients counted (one thread, as a replay runs)
   and without patients (BulkPricer.price, two threads) against DuckDB's ASOF
   JOIN, polars' join_asof and PostgreSQL's set-based join, price only;
2. end to end, file to file: the replay of claims.parquet to report.parquet
   in one process (`replay_file`) against DuckDB reading the same Parquet
   file, ASOF-joining prices and writing the same number of rows to Parquet;
   and `kaitei replay` as a command (its maximum resident size) against the
   same DuckDB query in a new Python process;
3. one claim of 2,000 lines through `POST /claims/price`, against the same
   lines as 400 claims of 5 priced in memory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import duckdb
import polars as pl
import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.mix import claims, inpatient
from domain.billing import price_claim
from domain.claims import Claim
from service.application import FeeSchedule
from service.importers.bundle import load_bundle_into
from service.pricing.bulk import BulkPricer
from service.pricing.claimed import Patients
from service.pricing.layout import Lines
from service.replay.distributed import ROWS
from service.replay.repricing import Repricer
from service.replay.run import priced_in_turn, replay_file
from service.store import eventsourcing_env
from service.web.app import create_app

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def best(fn: Callable[[], object], runs: int) -> float:
    """The fastest of `runs` (seconds)."""
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        took.append(time.perf_counter() - started)
    return min(took)


def show(label: str, mine: float, theirs: float, baseline: str) -> None:
    print(
        f"  {label}: {mine:,.0f} lines/s; {baseline} {theirs:,.0f} lines/s; "
        f"ratio {mine / theirs:.3f}x"
    )


def write_inputs(batch: list[Claim], book_rows: pa.Table, tmp: Path) -> Path:
    rows = [
        (c.id, c.patient, c.admission, x.code, x.date, x.quantity, x.disease, *rest)
        for c in batch
        for x in c.lines
        for rest in [(None, x.dose, x.group)]  # billed_points, a drug's dose and 剤
    ]
    columns = list(zip(*rows, strict=True))
    lines = pa.Table.from_arrays(
        [pa.array(col, type=f.type) for col, f in zip(columns, ROWS, strict=True)],
        schema=ROWS,
    )
    pq.write_table(lines, tmp / "claims.parquet")
    pq.write_table(book_rows, tmp / "prices.parquet")
    return tmp / "claims.parquet"


def price_rows(schedule: FeeSchedule) -> pa.Table:
    """Every interval of the book: code, valid_from, value (the baselines' prices)."""
    book = schedule.rules(None)
    out = [
        (i.state.code, i.valid_from, float(i.state.value))
        for history in book.by_code.values()
        for i in history
    ]
    code, start, value = zip(*out, strict=True)
    return pa.table(
        {
            "code": pa.array(code),
            "valid_from": pa.array(start, pa.date32()),
            "value": pa.array(value),
        }
    )


def in_memory(schedule: FeeSchedule, batch: list[Claim], prices: pa.Table, runs: int):
    book = schedule.rules(None)
    n = sum(len(c.lines) for c in batch)
    priced = list(priced_in_turn(batch, book))
    rejected = sum(x.status == "rejected" for _, p, _ in priced for x in p.lines)
    print(f"{len(batch):,} claims, {n:,} lines, {rejected / n:.1%} rejected")
    single = n / best(lambda: list(priced_in_turn(batch, book)), runs)
    pricer = BulkPricer(book)
    coded = pricer.coded(Lines.of(batch))

    def with_patients() -> None:  # the patients in 2 shards, in 2 threads
        patients = Patients(pricer)
        patients.priced(coded, [c.patient for c in batch], [c.admission for c in batch])

    kernel = n / best(with_patients, runs)
    alone = [replace(c, patient=None, admission=None) for c in batch]
    columns = Lines.of(alone)
    bulk = n / best(lambda: pricer.price(columns), runs)

    duck = duckdb.connect()
    duck.register("prices_arrow", prices)
    duck.execute("CREATE TABLE prices AS SELECT * FROM prices_arrow")
    duck.execute(
        "CREATE TABLE lines AS SELECT * FROM read_parquet(?)",
        [str(schedule_dir / "claims.parquet")],
    )
    query = (
        "SELECT sum(p.value * l.quantity) FROM lines l ASOF JOIN prices p "
        "ON l.code = p.code AND l.date >= p.valid_from"
    )
    duck_rate = n / best(lambda: duck.execute(query).fetchall(), runs)

    left = pl.read_parquet(schedule_dir / "claims.parquet").sort("code", "date")
    right = pl.from_arrow(prices).sort("code", "valid_from")
    polars_rate = n / best(
        lambda: left.join_asof(
            right,
            left_on="date",
            right_on="valid_from",
            by="code",
            check_sortedness=False,
        ).select((pl.col("value") * pl.col("quantity")).sum()),
        runs,
    )
    pg_rate = postgres_rate(prices, n, runs)
    print("1. in memory (every rule for kaitei; price only for the baselines)")
    for label, mine in (
        ("kaitei one claim at a time (patients counted)", single),
        ("kaitei kernel, patients counted, 2 threads", kernel),
        ("kaitei kernel, no patients, 2 threads", bulk),
    ):
        show(label, mine, duck_rate, "DuckDB ASOF JOIN")
        show(label, mine, polars_rate, "polars join_asof")
        show(label, mine, pg_rate, "PostgreSQL join")


def postgres_rate(prices: pa.Table, n: int, runs: int) -> float:
    with psycopg.connect(POSTGRES, autocommit=True) as pg:
        pg.execute("DROP SCHEMA IF EXISTS bench_real CASCADE")
        pg.execute("CREATE SCHEMA bench_real")
        pg.execute(
            "CREATE TABLE bench_real.prices (code text, valid daterange, value float8)"
        )
        pg.execute("CREATE TABLE bench_real.lines (code text, day date, qty int)")
        ordered = sorted(
            zip(*(prices[c].to_pylist() for c in prices.column_names), strict=True)
        )
        with pg.cursor().copy("COPY bench_real.prices FROM STDIN") as copy:
            for k, (code, start, value) in enumerate(ordered):
                nxt = ordered[k + 1] if k + 1 < len(ordered) else None
                end = nxt[1] if nxt and nxt[0] == code else None
                copy.write_row((code, f"[{start},{end or ''})", value))
        table = pq.read_table(schedule_dir / "claims.parquet")
        with pg.cursor().copy("COPY bench_real.lines FROM STDIN") as copy:
            for row in zip(
                *(table[c].to_pylist() for c in ("code", "date", "quantity")),
                strict=True,
            ):
                copy.write_row(row)
        pg.execute("CREATE INDEX ON bench_real.prices (code)")
        pg.execute("ANALYZE bench_real.prices")
        pg.execute("ANALYZE bench_real.lines")
        took = best(
            lambda: pg.execute(
                "SELECT sum(p.value * l.qty) FROM bench_real.lines l JOIN "
                "bench_real.prices p ON p.code = l.code AND p.valid @> l.day"
            ).fetchall(),
            runs,
        )
        pg.execute("DROP SCHEMA bench_real CASCADE")
    return n / took


def end_to_end(url: str, claims_file: Path, n: int, tmp: Path, runs: int) -> None:
    print("2. end to end: Parquet claims in, Parquet per-line report out")
    schedule = FeeSchedule(eventsourcing_env(url))
    book = schedule.rules(None)
    schedule.close()
    repricer = Repricer(book)
    replay_file(claims_file, repricer, tmp / "report.parquet", 2000)  # warm
    inside = best(
        lambda: replay_file(claims_file, repricer, tmp / "report.parquet", 2000), runs
    )
    started = time.perf_counter()
    replay = subprocess.Popen(
        [
            *(sys.executable, "-m", "service", "replay", str(claims_file)),
            *("--report", str(tmp / "report.parquet")),
        ],
        env=os.environ | {"KAITEI_DATABASE_URL": url},
        stdout=subprocess.PIPE,
        text=True,
    )
    rss = peak_resident(replay.pid)
    out, _ = replay.communicate()
    seconds = time.perf_counter() - started
    assert replay.returncode == 0
    print(f"  {out.strip()}")
    written = pq.ParquetFile(tmp / "report.parquet").metadata.num_rows
    query = (
        f"COPY (SELECT l.*, p.value AS unit_value, p.value * l.quantity AS amount "
        f"FROM read_parquet('{claims_file}') l ASOF JOIN "
        f"read_parquet('{tmp / 'prices.parquet'}') p "
        "ON l.code = p.code AND l.date >= p.valid_from) "
        f"TO '{tmp / 'duck.parquet'}' (FORMAT parquet)"
    )
    duck = duckdb.connect()
    duck_seconds = best(lambda: duck.execute(query), runs)
    duck_rows = pq.ParquetFile(tmp / "duck.parquet").metadata.num_rows
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", f"import duckdb; duckdb.execute({query!r})"], check=True
    )
    duck_process = time.perf_counter() - started
    print(
        f"  in one process, replay_file: {inside:.2f} s ({n / inside:,.0f} lines/s,"
        f" {written:,} rows); DuckDB COPY … ASOF JOIN: {duck_seconds:.2f} s "
        f"({n / duck_seconds:,.0f} lines/s, {duck_rows:,} rows); ratio "
        f"{duck_seconds / inside:.3f}x"
    )
    print(
        f"  as a command, kaitei replay: {seconds:.2f} s wall ({n / seconds:,.0f} "
        f"lines/s, max RSS {rss:.0f} MB); DuckDB in a new python process "
        f"{duck_process:.2f} s; ratio {duck_process / seconds:.3f}x"
    )


def peak_resident(pid: int) -> float:
    """The process's peak resident size in MB (VmHWM), read until it exits: the
    child's own, not the parent's pages it shared between fork and exec."""
    peak = 0.0
    status = Path(f"/proc/{pid}/status")
    while True:
        try:
            text = status.read_text()
        except OSError:
            return peak
        for line in text.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) / 1024)
        if "State:\tZ" in text:
            return peak
        time.sleep(0.05)


def big_claim(schedule: FeeSchedule) -> None:
    print("3. one claim of 2,000 lines through POST /claims/price")
    book = schedule.rules(None)
    import random
    from datetime import date

    rng = random.Random(3)
    lines = []
    while len(lines) < 2000:
        lines += inpatient("big", "p", date(2024, 7, 1), rng).lines
    claim = Claim("big", tuple(lines[:2000]), patient="p")
    body = {
        "id": "big",
        "lines": [
            {"code": x.code, "date": x.date.isoformat(), "quantity": x.quantity}
            for x in claim.lines
        ],
    }
    client = TestClient(create_app(schedule))
    took = []
    for _ in range(7):
        started = time.perf_counter()
        assert client.post("/claims/price", json=body).status_code == 200
        took.append(time.perf_counter() - started)
    spread = [Claim(f"s{k}", claim.lines[k * 5 : k * 5 + 5]) for k in range(400)]
    small = best(lambda: [price_claim(c, book) for c in spread], 5)
    one = best(lambda: price_claim(claim, book), 5)
    print(
        f"  POST /claims/price: median {statistics.median(took) * 1000:.1f} ms "
        f"(pricing alone {one * 1000:.1f} ms); the same lines as 400 claims of 5, "
        f"in memory: {small * 1000:.1f} ms"
    )


schedule_dir = Path(tempfile.mkdtemp(prefix="kaitei-realistic-"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=60_000)
    parser.add_argument("--store", default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    url = args.store or f"sqlite:///{schedule_dir / 'bundle.sqlite3'}"
    schedule = FeeSchedule(eventsourcing_env(url))
    if args.store is None:
        started = time.perf_counter()
        load_bundle_into(url, schedule)
        print(f"bundle loaded in {time.perf_counter() - started:.0f} s")
    batch = claims(args.claims)
    prices = price_rows(schedule)
    claims_file = write_inputs(batch, prices, schedule_dir)
    n = sum(len(c.lines) for c in batch)
    in_memory(schedule, batch, prices, args.runs)
    big_claim(schedule)
    schedule.close()
    end_to_end(url, claims_file, n, schedule_dir, args.runs)


if __name__ == "__main__":
    main()
