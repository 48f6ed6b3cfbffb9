"""Lookups and pricing with and without the 医科電子点数表 rules loaded.

Run on demand:  .venv/bin/python bench/rules_loaded.py [--claims 2000] [--calls 3000]

Builds two SQLite stores in the same run: A = every master file and the seed
rules (the bundle without the tables), B = the whole bundle (A plus the 背反
and 算定回数 tables, ~45,000 rows). On each it times `FeeSchedule.item` for
real codes on real dates (median, p99) and prices the same realistic
outpatient claims (再診料 with 外来管理加算, 特定疾患療養管理料 up to three times
a month, 処方箋料 with 一般名処方加算, now and then 初診料 or 生活習慣病管理料１,
ＡＮＰ/ＢＮＰ in one week) line by line and column-wise, printing lines/s, the
share of rejected lines and the ratio B / A.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import random
import statistics
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

from domain.billing import price_claim
from domain.claims import Claim, ClaimLine
from service.application import FeeSchedule
from service.importers.bundle import MASTER_ARCHIVE, bundled_masters, load_bundle
from service.importers.documents import bundled_documents, read_document
from service.importers.masters import import_master
from service.importers.mhlw import read_master
from service.pricing.bulk import BulkPricer
from service.pricing.layout import Lines
from service.store import bulk_loading_env

MONTHS = [date(2024, m, 1) for m in range(6, 13)] + [date(2025, m, 1) for m in (1, 2)]


def without_tables(url: str) -> FeeSchedule:
    schedule = FeeSchedule(bulk_loading_env(url))
    with zipfile.ZipFile(MASTER_ARCHIVE) as archive:
        for name in bundled_masters():
            master = read_master(name, archive.read(name))
            import_master(schedule, master, master.published, "bench")
    for path in bundled_documents():
        schedule.record_revision(read_document(path), "bench")
    return schedule


def with_tables(url: str) -> FeeSchedule:
    schedule = FeeSchedule(bulk_loading_env(url))
    load_bundle(schedule)
    return schedule


def claims(n: int, rng: random.Random) -> list[Claim]:
    out = []
    for k in range(n):
        month = rng.choice(MONTHS)
        visits = sorted(rng.sample(range(0, 27), rng.randint(1, 4)))
        lines: list[ClaimLine] = []
        for v in visits:
            day = month + timedelta(days=v)
            if v == visits[0] and rng.random() < 0.15:
                lines.append(ClaimLine("111000110", day))  # 初診料
            lines.append(ClaimLine("112007410", day))  # 再診料
            if rng.random() < 0.7:
                lines.append(ClaimLine("112011010", day))  # 外来管理加算
            if rng.random() < 0.8:
                lines.append(ClaimLine("113001810", day, disease="J45"))
            if rng.random() < 0.1:
                lines.append(ClaimLine("113041710", day, disease="E78"))
            lines.append(ClaimLine("120002910", day))  # 処方箋料
            if rng.random() < 0.6:
                lines.append(ClaimLine("120004270", day))  # 一般名処方加算１
            if rng.random() < 0.05:
                lines.append(ClaimLine(rng.choice(("160116310", "160162350")), day))
        out.append(Claim(f"c{k}", tuple(lines)))
    return out


def lookups(schedule: FeeSchedule, calls: int, rng: random.Random) -> list[float]:
    codes = [i.state.code for i in schedule.schedule(date(2024, 6, 1), None)]
    asks = [(rng.choice(codes), rng.choice(MONTHS)) for _ in range(calls)]
    for code, day in asks[:200]:  # warm-up
        _item(schedule, code, day)
    gc.disable()
    took = []
    for code, day in asks:
        started = time.perf_counter()
        _item(schedule, code, day)
        took.append(time.perf_counter() - started)
    gc.enable()
    return took


def _item(schedule: FeeSchedule, code: str, day: date) -> None:
    with contextlib.suppress(LookupError):  # not in force that day: timed too
        schedule.item(code, day, None)


def pricing(schedule: FeeSchedule, batch: list[Claim]) -> tuple[float, float, float]:
    book = schedule.rules(None)
    lines = sum(len(c.lines) for c in batch)
    started = time.perf_counter()
    priced = [price_claim(c, book) for c in batch]
    single = lines / (time.perf_counter() - started)
    rejected = sum(x.status == "rejected" for p in priced for x in p.lines) / lines
    pricer = BulkPricer(book)
    columns = Lines.of(batch)
    started = time.perf_counter()
    pricer.price(columns)
    bulk = lines / (time.perf_counter() - started)
    return single, bulk, rejected


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=3000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kaitei-rules-"))
    rng = random.Random(14)
    batch = claims(args.claims, rng)
    figures = {}
    for name, build in (
        ("A masters + seeds", without_tables),
        ("B + tables", with_tables),
    ):
        started = time.perf_counter()
        schedule = build(f"sqlite:///{tmp / (name[0] + '.sqlite3')}")
        built = time.perf_counter() - started
        took = lookups(schedule, args.calls, random.Random(5))
        single, bulk, rejected = pricing(schedule, batch)
        rules = sum(
            len(i.state.exclusions) + len(i.state.limits)
            for i in schedule.schedule(date(2024, 7, 1), None)
        )
        schedule.close()
        figures[name] = (
            statistics.median(took) * 1e6,
            sorted(took)[int(len(took) * 0.99)] * 1e6,
            single,
            bulk,
        )
        print(
            f"{name}: built in {built:.0f} s, {rules:,} rules in force on 2024-07-01; "
            f"item median {figures[name][0]:.1f} µs, p99 {figures[name][1]:.1f} µs; "
            f"pricing {single:,.0f} lines/s one claim at a time, {bulk:,.0f} "
            f"lines/s column-wise; {rejected:.1%} of lines rejected"
        )
    a, b = figures.values()
    print(
        f"B / A: item median {b[0] / a[0]:.2f}x, p99 {b[1] / a[1]:.2f}x, "
        f"single {b[2] / a[2]:.2f}x, bulk {b[3] / a[3]:.2f}x"
    )


if __name__ == "__main__":
    main()
