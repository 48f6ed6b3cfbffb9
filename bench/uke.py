"""A レセ電 file of the realistic mix through `kaitei replay` as a command,
against DuckDB reading the same records as CSV, in the same run.

    .venv/bin/python bench/uke.py [--claims 20000] [--store URL]

The file is drafted from bench/mix.py's claims (in-house dispensing, X-rays on
film, rules firing) and written back with kaitei's 点数, so its units agree. The
baseline reads the same records (re-saved as UTF-8: DuckDB reads no CP932)
with DuckDB's CSV reader (the SI/IY records,
their 31 day columns unpivoted to a line a day), ASOF-joins the prices by code
and date and writes a line a unit-day to CSV: price only, no rule, no rounding.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.mix import claims
from bench.realistic import peak_resident, price_rows
from service.application import FeeSchedule
from service.importers.bundle import load_bundle_into
from service.importers.shobyomei import bundled_diseases
from service.replay.uke import read_uke
from service.replay.uke_replay import replay_uke
from service.replay.uke_write import draft_uke, write_back
from service.store import eventsourcing_env


def baseline(uke: Path, prices: Path, out: Path) -> str:
    """DuckDB: the file's SI/IY records a line a day (their 算定日 fields 14–44
    unpivoted), priced by ASOF JOIN on a date of the first month."""
    names = ", ".join(f"'c{n:02d}': 'VARCHAR'" for n in range(48))
    days = ", ".join(f"c{13 + d:02d}" for d in range(31))
    return (
        "COPY (WITH recs AS (SELECT * FROM read_csv("
        f"'{uke}', header=false, null_padding=true, delim=',', quote='', "
        "auto_detect=false, strict_mode=false, "
        f"columns={{{names}}}) WHERE c00 IN ('SI', 'IY')), "
        f"days AS (UNPIVOT recs ON {days} INTO NAME field VALUE times), "
        "lines AS (SELECT c03 AS code, times, DATE '2024-06-01' + "
        "(CAST(substr(field, 2) AS INTEGER) - 13) AS date FROM days "
        "WHERE times <> '') "
        "SELECT l.code, l.date, p.value * CAST(l.times AS INTEGER) AS amount "
        f"FROM lines l ASOF JOIN read_parquet('{prices}') p "
        "ON l.code = p.code AND l.date >= p.valid_from) "
        f"TO '{out}' (FORMAT csv)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--store")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kaitei-uke-"))
    url = args.store or f"sqlite:///{tmp / 'bench.sqlite3'}"
    schedule = FeeSchedule(eventsourcing_env(url))
    if not args.store:
        load_bundle_into(url, schedule)
    book = schedule.rules(None)
    pq.write_table(price_rows(schedule), tmp / "prices.parquet")
    schedule.close()

    batch = claims(args.claims)
    diseases = bundled_diseases()
    draft = draft_uke(batch, diseases)
    uke = read_uke("RECEIPTC.UKE", draft)
    answers = list(replay_uke(uke, book, diseases))
    path = tmp / "RECEIPTC.UKE"
    path.write_bytes(write_back(draft, uke, answers))
    lines = sum(len(c.lines) for c in batch)
    records = sum(len(u.items) for r in uke.receipts for u in r.units)
    print(
        f"RECEIPTC.UKE: {len(batch):,} receipts, {records:,} SI/IY/TO records, "
        f"{lines:,} claim lines, {path.stat().st_size / 1e6:.1f} MB"
    )

    started = time.perf_counter()
    replay = subprocess.Popen(
        [sys.executable, "-m", "service", "replay", str(path), "--report",
         str(tmp / "units.csv")],
        env=os.environ | {"KAITEI_DATABASE_URL": url},
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    rss = peak_resident(replay.pid)
    out, _ = replay.communicate()
    seconds = time.perf_counter() - started
    assert replay.returncode == 0
    print(f"  {out.strip()}")

    # DuckDB reads no CP932: it gets the same records re-saved as UTF-8
    records = tmp / "records.csv"
    records.write_text(path.read_bytes().decode("cp932").rstrip("\x1a"), "utf-8")
    query = baseline(records, tmp / "prices.parquet", tmp / "duck.csv")
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", f"import duckdb; duckdb.execute({query!r})"], check=True
    )
    duck = time.perf_counter() - started
    [(duck_rows,)] = duckdb.sql(
        f"SELECT count(*) FROM read_csv('{tmp / 'duck.csv'}')"
    ).fetchall()
    print(
        f"  kaitei replay RECEIPTC.UKE --report units.csv: {seconds:.2f} s "
        f"({lines / seconds:,.0f} lines/s, max RSS {rss:.0f} MB); DuckDB in a new "
        f"process, the records as CSV, ASOF JOIN, CSV out: {duck:.2f} s "
        f"({duck_rows:,} rows); ratio {duck / seconds:.3f}x"
    )


if __name__ == "__main__":
    main()
