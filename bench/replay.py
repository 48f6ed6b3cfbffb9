"""`kaitei replay` end to end: a JSON Lines file of claims in, a CSV report out.

Run on demand (not in the tests):

    .venv/bin/python bench/replay.py [--claims 100000] [--lines-per-claim 5]

Loads the bundle (every master file and the seed rules) into a fresh SQLite
store, writes claims whose lines are random bundled codes on random days of
2022-04..2024-09 (so both sides of the 2024 revision), runs `kaitei replay
--report` as a separate process and prints its wall time, lines per second and
maximum resident size.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from service.application import FeeSchedule
from service.importers.bundle import load_bundle
from service.store import eventsourcing_env

FIRST, DAYS = date(2022, 4, 1), 900


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--lines-per-claim", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kaitei-replay-"))
    url = f"sqlite:///{tmp / 'k.sqlite3'}"
    schedule = FeeSchedule(eventsourcing_env(url))
    load_bundle(schedule)
    codes = sorted({i.state.code for i in schedule.schedule(date(2024, 6, 1), None)})
    schedule.close()

    rng = random.Random(5)
    claims = tmp / "claims.jsonl"
    with claims.open("w", encoding="utf-8") as out:
        for n in range(args.claims):
            lines = [
                {
                    "code": rng.choice(codes),
                    "date": str(FIRST + timedelta(days=rng.randrange(DAYS))),
                    "disease": "E11",
                }
                for _ in range(args.lines_per_claim)
            ]
            out.write(json.dumps({"id": f"c{n}", "lines": lines}) + "\n")
    total = args.claims * args.lines_per_claim
    print(
        f"{args.claims:,} claims, {total:,} lines, {claims.stat().st_size / 1e6:.0f} MB"
    )

    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "service",
            "replay",
            str(claims),
            "--report",
            str(tmp / "report.csv"),
        ],
        env=os.environ | {"KAITEI_DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(done.stdout.strip())
    print(
        f"kaitei replay --report: {seconds:.1f} s, {total / seconds:,.0f} lines/s, "
        f"max RSS {rss:.0f} MB"
    )


if __name__ == "__main__":
    main()
