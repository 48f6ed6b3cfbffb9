"""kaitei against what a user would build instead, on synthetic master-shaped data.

Run on demand (not in the tests):

    .venv/bin/pip install -e ".[dev,bench]"
    .venv/bin/python bench/run.py [--items 10000] [--lines 1000000]
                                  [--store sqlite|postgres] [--runs 5]
                                  [--masters ../shared/masters/ika-shinryo-koi]

Data: `--items` codes with about 6 validity intervals each over 20 years, limits on
10% of items, exclusions on 5%, eligibility lists on 2%. Baselines, in the same run:
(a) PostgreSQL table (code, valid daterange, value) with a GiST index, via psycopg;
(b) DuckDB in-process with an ASOF JOIN. Prints each figure and kaitei / baseline.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

import duckdb
import httpx
import numpy as np
import psycopg

from domain.billing import price_claim
from domain.changes import Change
from domain.claims import Claim, ClaimLine
from domain.rules import Exclusion, Limit
from service.application import FeeSchedule, RevisionDraft
from service.pricing.bulk import BulkPricer, Lines
from service.store import eventsourcing_env

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
START, YEARS = date(2005, 4, 1), 20
SPAN = YEARS * 365


def synthetic(
    items: int, seed: int = 7
) -> list[tuple[str, list[tuple[date, int]], dict]]:
    """Per code: its (start date, value) steps and the rules of its introduction."""
    rng = random.Random(seed)
    codes = [f"{100000000 + i:09d}" for i in range(items)]
    out = []
    for code in codes:
        days = sorted(rng.sample(range(1, SPAN), 5))
        steps = [(START, rng.randint(10, 2000))]
        steps += [(START + timedelta(days=d), rng.randint(10, 2000)) for d in days]
        rules: dict = {}
        roll = rng.random()
        if roll < 0.10:
            rules["limits"] = (Limit(rng.choice(("day", "month")), rng.randint(1, 3)),)
        if 0.10 <= roll < 0.15:
            partner = rng.choice(codes)
            if partner != code:
                rules["exclusions"] = (
                    Exclusion(partner, rng.choice(("day", "month"))),
                )
        if 0.15 <= roll < 0.17:
            rules["eligible_diseases"] = ("E11", "I10", "J45")
        out.append((code, steps, rules))
    return out


def load_kaitei(app: FeeSchedule, data: list) -> float:
    started = time.perf_counter()
    intro = tuple(
        Change(
            "introduce",
            code,
            steps[0][0],
            name=f"item {code}",
            unit="point",
            value=Decimal(steps[0][1]),
            **rules,
        )
        for code, steps, rules in data
    )
    app.record_revision(
        RevisionDraft("base", "base", "bench", "enacted", START, intro), "bench"
    )
    for wave in range(1, 6):
        changes = tuple(
            Change("revise", code, steps[wave][0], value=Decimal(steps[wave][1]))
            for code, steps, _ in data
        )
        app.record_revision(
            RevisionDraft(f"w{wave}", f"w{wave}", "bench", "enacted", START, changes),
            "bench",
        )
    return time.perf_counter() - started


def intervals_rows(data: list) -> list[tuple[str, date, date | None, int]]:
    rows = []
    for code, steps, _ in data:
        for i, (start, value) in enumerate(steps):
            end = steps[i + 1][0] if i + 1 < len(steps) else None
            rows.append((code, start, end, value))
    return rows


def timed(fn: Callable[[], object], calls: int) -> tuple[float, float]:
    """Median and p99 µs of one call, after as many warm-up calls, with the
    garbage collector paused (for kaitei and the baselines alike)."""
    for _ in range(calls):
        fn()
    samples = []
    gc.disable()
    try:
        for _ in range(calls):
            t = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - t)
    finally:
        gc.enable()
    samples.sort()
    return statistics.median(samples) * 1e6, samples[int(len(samples) * 0.99)] * 1e6


def repeated(fn: Callable[[], object], runs: int) -> float:
    """Median seconds of `runs` calls (this shared machine is noisy)."""
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def masters_import(folder: Path, store: str) -> None:
    """`kaitei import --effective-from published` of a folder of master files,
    as a separate process on a fresh store of the kind benchmarked."""
    files = sorted(str(p) for p in folder.iterdir() if p.name.startswith("s_"))
    schema = f"bench_{uuid4().hex[:8]}"
    url = (
        f"sqlite:///{Path(tempfile.mkdtemp(prefix='kaitei-masters-')) / 'k.sqlite3'}"
        if store == "sqlite"
        else f"{POSTGRES}?schema={schema}"
    )
    env = os.environ | {"KAITEI_DATABASE_URL": url, "KAITEI_LOAD_BUNDLED": "0"}
    t = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "service",
            "import",
            "--effective-from",
            "published",
            *files,
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"   import of {len(files)} master files: {time.perf_counter() - t:.1f} s")
    if store == "postgres":
        with psycopg.connect(POSTGRES, autocommit=True) as pg:
            pg.execute(f"DROP SCHEMA {schema} CASCADE")


def random_probe(rng: random.Random, codes: list[str]) -> tuple[str, date]:
    return rng.choice(codes), START + timedelta(days=rng.randrange(SPAN))


def throughput(
    base: str, probes: list[tuple[str, date]], clients: int, seconds: float
) -> float:
    """Requests per second from `clients` threads, each with its own connection."""
    done = [0] * clients
    stop = time.perf_counter() + seconds

    def run(n: int) -> None:
        with httpx.Client(base_url=base) as client:
            while time.perf_counter() < stop:
                code, day = probes[(n * 7919 + done[n]) % len(probes)]
                client.get(f"/items/{code}", params={"as_of": str(day)})
                done[n] += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def show(
    label: str, kaitei: float, baseline: float, unit: str, higher_is_better: bool
) -> None:
    ratio = kaitei / baseline if higher_is_better else baseline / kaitei
    print(
        f"  {label:<44} kaitei {kaitei:>12,.1f} {unit:<8} baseline {baseline:>12,.1f}"
        f" {unit:<8} kaitei advantage {ratio:,.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=5_000)
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--runs", type=int, default=5, help="bulk timings: median of")
    parser.add_argument(
        "--masters",
        type=Path,
        help="also time `kaitei import` of every master file in this folder "
        "(e.g. ../shared/masters/ika-shinryo-koi) into a fresh store",
    )
    args = parser.parse_args()
    rng = random.Random(11)
    data = synthetic(args.items)
    codes = [c for c, _, _ in data]
    rows = intervals_rows(data)
    print(f"{args.items} items, {len(rows)} intervals; kaitei store: {args.store}")

    tmp = Path(tempfile.mkdtemp(prefix="kaitei-bench-"))
    schema = f"bench_{uuid4().hex[:8]}"
    url = (
        f"sqlite:///{tmp / 'k.sqlite3'}"
        if args.store == "sqlite"
        else f"{POSTGRES}?schema={schema}"
    )
    app = FeeSchedule(eventsourcing_env(url))
    seconds = load_kaitei(app, data)
    events = app.position()
    t = time.perf_counter()
    app.rebuild()
    rebuild = time.perf_counter() - t

    # (a) PostgreSQL daterange + GiST, loaded as a user would: COPY, index, analyze
    t = time.perf_counter()
    pg = psycopg.connect(POSTGRES, autocommit=True)
    pg.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    pg.execute(f"CREATE SCHEMA {schema}_pg")
    pg.execute(
        f"CREATE TABLE {schema}_pg.rules (code text, valid daterange, value numeric)"
    )
    with pg.cursor().copy(
        f"COPY {schema}_pg.rules (code, valid, value) FROM STDIN"
    ) as copy:
        for code, start, end, value in rows:
            copy.write_row((code, f"[{start},{end or ''})", value))
    pg.execute(f"CREATE INDEX ON {schema}_pg.rules USING gist (code, valid)")
    pg.execute(f"ANALYZE {schema}_pg.rules")
    pg_load = time.perf_counter() - t
    print(
        f"\n4. record {events} events and project them ({events / seconds:,.0f} "
        "events/s), and rebuild the projection; baseline: load the same intervals "
        "into the PostgreSQL table (COPY, GiST index, ANALYZE; no validation, no "
        "history, no record time)"
    )
    show("record + project (s)", seconds, pg_load, "s", False)
    show("projection rebuild (s)", rebuild, pg_load, "s", False)
    if args.masters:
        masters_import(args.masters, args.store)

    print("\n1. point lookup as of a date (median, p99; µs)")
    book = app.rules(None)
    probes = [random_probe(rng, codes) for _ in range(args.lookups)]
    it = iter(probes * 3)
    k_med, k_p99 = timed(lambda: book.on(*next(it)), args.lookups)
    it2 = iter(probes * 3)
    a_med, _ = timed(lambda: app.item(*next(it2), None), args.lookups)
    it3 = iter(probes * 3)
    q = f"SELECT value FROM {schema}_pg.rules WHERE code = %s AND valid @> %s::date"
    cur = pg.cursor()
    p_med, p_p99 = timed(lambda: cur.execute(q, next(it3)).fetchall(), args.lookups)
    show("rule book lookup vs PG GiST query (median)", k_med, p_med, "µs", False)
    show("rule book lookup vs PG GiST query (p99)", k_p99, p_p99, "µs", False)
    show("FeeSchedule.item (catch-up check + lookup)", a_med, p_med, "µs", False)

    print("\n2. point lookup over HTTP (GET /items/{code}, keep-alive, one client)")
    app.close()
    port = 18500 + rng.randrange(400)
    server = subprocess.Popen(
        [sys.executable, "-m", "service", "serve", "--port", str(port)],
        env=os.environ | {"KAITEI_DATABASE_URL": url, "KAITEI_LOAD_BUNDLED": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{base}/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        with httpx.Client(base_url=base) as client:
            it4 = iter(probes * 3)

            def get() -> None:
                code, day = next(it4)
                client.get(f"/items/{code}", params={"as_of": str(day)})

            h_med, h_p99 = timed(get, min(args.lookups, 3000))
        print(
            f"  median {h_med / 1000:.2f} ms, p99 {h_p99 / 1000:.2f} ms "
            "(target p99 < 5 ms)"
        )
        for clients in (4, 16):
            rate = throughput(base, probes, clients, seconds=3.0)
            print(f"  {clients} concurrent keep-alive clients: {rate:,.0f} requests/s")
        rss = int(
            next(
                line.split()[1]
                for line in Path(f"/proc/{server.pid}/status").read_text().splitlines()
                if line.startswith("VmRSS")
            )
        )
        print(
            f"\n5. resident size of kaitei serve with {len(rows)} intervals: "
            f"{rss / 1024:.0f} MB"
        )
    finally:
        server.terminate()
        server.wait()

    print(
        f"\n3. repricing {args.lines:,} claim lines (10 lines a claim; "
        f"median of {args.runs} runs; {os.cpu_count()} cores for kaitei and DuckDB)"
    )
    lines = [random_probe(rng, codes) for _ in range(args.lines)]
    claims = [
        Claim(f"c{i}", tuple(ClaimLine(c, d, 1, "E11") for c, d in lines[i : i + 10]))
        for i in range(0, len(lines), 10)
    ]
    t = time.perf_counter()
    total = sum(price_claim(claim, book).total_points for claim in claims)
    single_rate = args.lines / (time.perf_counter() - t)
    t = time.perf_counter()
    pricer = BulkPricer(book)
    build = time.perf_counter() - t
    columns = Lines(
        claim=np.arange(args.lines, dtype=np.int64) // 10,
        code=np.array([c for c, _ in lines], dtype=np.str_),
        day=np.array([d.toordinal() for _, d in lines], dtype=np.int64),
        quantity=np.ones(args.lines, dtype=np.int64),
        disease=np.full(args.lines, "E11"),
    )
    bulk = pricer.price(columns)
    k_rate = args.lines / repeated(lambda: pricer.price(columns), args.runs)
    assert Decimal(int(bulk.points_cents.sum())) / 100 == total  # the same answer
    print(
        f"  single-claim path: {single_rate:,.0f} lines/s; columnar index built in "
        f"{build:.2f} s"
    )

    pg.execute(f"CREATE TABLE {schema}_pg.lines (code text, day date)")
    with pg.cursor().copy(f"COPY {schema}_pg.lines (code, day) FROM STDIN") as copy:
        for code, day in lines:
            copy.write_row((code, day))
    pg_rate = args.lines / repeated(
        lambda: pg.execute(
            f"SELECT sum(r.value) FROM {schema}_pg.lines l JOIN {schema}_pg.rules r "
            "ON r.code = l.code AND r.valid @> l.day"
        ).fetchall(),
        args.runs,
    )

    (tmp / "rules.csv").write_text(
        "".join(f"{c},{s_},{v}\n" for c, s_, _, v in rows), encoding="utf-8"
    )
    (tmp / "lines.csv").write_text(
        "".join(f"{c},{d}\n" for c, d in lines), encoding="utf-8"
    )
    duck = duckdb.connect()
    duck.execute(
        "CREATE TABLE rules AS SELECT * FROM read_csv(?, header=false, "
        "columns={'code': 'VARCHAR', 'valid_from': 'DATE', 'value': 'DOUBLE'})",
        [str(tmp / "rules.csv")],
    )
    duck.execute(
        "CREATE TABLE lines AS SELECT * FROM read_csv(?, header=false, "
        "columns={'code': 'VARCHAR', 'day': 'DATE'})",
        [str(tmp / "lines.csv")],
    )
    duck_rate = args.lines / repeated(
        lambda: duck.execute(
            "SELECT sum(r.value) FROM lines l ASOF JOIN rules r "
            "ON l.code = r.code AND l.day >= r.valid_from"
        ).fetchall(),
        args.runs,
    )
    print(
        "  kaitei columnar (every billing rule, per-line interval), "
        f"total {total} points"
    )
    show(
        "lines/s vs PostgreSQL set-based join (price only)",
        k_rate,
        pg_rate,
        "lines/s",
        True,
    )
    show("lines/s vs DuckDB ASOF JOIN (price only)", k_rate, duck_rate, "lines/s", True)

    pg.execute(f"DROP SCHEMA {schema}_pg CASCADE")
    if args.store == "postgres":
        pg.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
