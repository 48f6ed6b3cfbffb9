"""Median and p99 of one item lookup as of a date: in-process and over HTTP.

Run on demand:  .venv/bin/python bench/lookup.py [--items 1000] [--calls 3000]
                [--store sqlite|postgres]

It fills a fresh store with synthetic items (three revisions each), then times
`FeeSchedule.item` in-process and `GET /items/{code}` against a `kaitei serve`
subprocess over keep-alive HTTP, and prints both with their ratio.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

import httpx

from domain.changes import Change
from service.application import FeeSchedule, RevisionDraft
from service.store import eventsourcing_env

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
DATES = (date(2019, 1, 1), date(2021, 5, 1), date(2023, 1, 1), date(2025, 1, 1))


def fill(schedule: FeeSchedule, items: int) -> list[str]:
    codes = [f"{100000000 + i:09d}" for i in range(items)]
    schedule.record_revision(
        RevisionDraft(
            "base",
            "base",
            "bench",
            "enacted",
            date(2018, 4, 1),
            tuple(
                Change(
                    "introduce", c, name=f"item {c}", unit="point", value=Decimal(100)
                )
                for c in codes
            ),
        ),
        "bench",
    )
    for n, start in enumerate((date(2020, 4, 1), date(2022, 4, 1)), start=1):
        schedule.record_revision(
            RevisionDraft(
                f"r{n}",
                f"r{n}",
                "bench",
                "enacted",
                start,
                tuple(Change("revise", c, value=Decimal(100 + n)) for c in codes),
            ),
            "bench",
        )
    return codes


def summary(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    return statistics.median(ordered) * 1e3, ordered[int(len(ordered) * 0.99)] * 1e3


def in_process(schedule: FeeSchedule, codes: list[str], calls: int) -> list[float]:
    timings = []
    for _ in range(calls):
        code, day = random.choice(codes), random.choice(DATES[1:])
        started = time.perf_counter()
        schedule.item(code, day, None)
        timings.append(time.perf_counter() - started)
    return timings


def over_http(database_url: str, codes: list[str], calls: int) -> list[float]:
    port = 18000 + random.randrange(1000)
    env = os.environ | {"KAITEI_DATABASE_URL": database_url, "KAITEI_LOAD_BUNDLED": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "service", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(100):
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            timings = []
            for _ in range(calls):
                code, day = random.choice(codes), random.choice(DATES[1:])
                started = time.perf_counter()
                response = client.get(f"/items/{code}", params={"as_of": str(day)})
                timings.append(time.perf_counter() - started)
                response.raise_for_status()
            return timings
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = (
            f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            if args.store == "sqlite"
            else f"{POSTGRES}?schema=bench_{uuid4().hex[:8]}"
        )
        schedule = FeeSchedule(eventsourcing_env(url))
        started = time.perf_counter()
        codes = fill(schedule, args.items)
        print(
            f"store {args.store}: {args.items} items, 3 revisions "
            f"recorded in {time.perf_counter() - started:.2f} s"
        )
        local = summary(in_process(schedule, codes, args.calls))
        schedule.close()
        remote = summary(over_http(url, codes, args.calls))
    for label, (median, p99) in (
        ("in-process FeeSchedule.item", local),
        ("HTTP GET /items/{code}     ", remote),
    ):
        print(f"{label}: median {median:.3f} ms, p99 {p99:.3f} ms")
    print(f"ratio HTTP / in-process (median): {remote[0] / local[0]:.1f}x")


if __name__ == "__main__":
    main()
