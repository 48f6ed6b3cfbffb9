"""Many processes on one PostgreSQL: concurrent writers, and two serving processes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from service.application import FeeSchedule
from service.store import eventsourcing_env
from tests.builders import BASELINE, draft, introduce
from tests.conftest import postgres_schema
from tests.servers import kaitei_serve

WRITER = r"""
import json, sys
from datetime import date
from decimal import Decimal
from domain.changes import Change
from domain.errors import RevisionConflictError
from service.application import FeeSchedule, RevisionDraft
from service.store import eventsourcing_env

url, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
app = FeeSchedule(eventsourcing_env(url))
outcomes = {}
for n in range(count):
    rid = f"w{worker}-{n}"
    changes = tuple(
        Change("revise", code, value=Decimal(worker * 100 + n))
        for code in ("A001", "A002")
    )
    day = date(2025, 1 + n % 12, 1 + worker)
    draft = RevisionDraft(rid, rid, "test", "enacted", day, changes)
    try:
        app.record_revision(draft, f"writer{worker}")
        outcomes[rid] = "recorded"
    except RevisionConflictError:
        outcomes[rid] = "refused"
app.close()
print(json.dumps(outcomes))
"""


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from postgres_schema()


def test_concurrent_writer_processes_lose_nothing(postgres_url: str) -> None:
    env = eventsourcing_env(postgres_url)
    setup = FeeSchedule(env)

    setup.record_revision(
        draft(
            "base",
            __import__("datetime").date(2020, 4, 1),
            introduce("A001", 73),
            introduce("A002", 1),
        ),
        "t",
    )
    setup.close()
    writers, each = 6, 8

    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, postgres_url, str(w), str(each)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(writers)
    ]
    outcomes: dict[str, str] = {}
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        outcomes |= json.loads(out)

    app = FeeSchedule(env)
    try:
        recorded = {r["revision_id"] for r in app.revisions()}
        assert len(outcomes) == writers * each
        for rid, outcome in outcomes.items():
            assert (rid in recorded) == (outcome == "recorded"), rid
        history = {h.revision for h in app.history("A001")}
        assert history == {"base"} | {r for r, o in outcomes.items() if o == "recorded"}
        incremental = app.view.dump()
        app.rebuild()
        assert app.view.dump() == incremental
        assert app.verify().ok is True
    finally:
        app.close()


def test_a_revision_written_through_one_server_is_read_through_another(
    postgres_url: str,
) -> None:
    no_bundle = {"KAITEI_LOAD_BUNDLED": "0"}
    with (
        kaitei_serve(postgres_url, no_bundle) as first,
        kaitei_serve(postgres_url, no_bundle) as second,
    ):
        written = httpx.post(f"{first}/revisions", json=BASELINE)
        started = time.perf_counter()
        read = httpx.get(f"{second}/items/A001", params={"as_of": "2024-01-01"})
        elapsed = time.perf_counter() - started

        assert written.status_code == 201, written.text
        assert read.json()["value"] == 73, read.text
        assert elapsed < 1.0, f"{elapsed:.2f} s"
        assert httpx.get(f"{second}/audit/verify").json() == {"ok": True, "events": 2}


def test_each_revision_written_through_one_server_is_read_on_the_next_request(
    postgres_url: str,
) -> None:
    """The second server learns of new events by notification, not by a query
    per request: every read right after a write must still see it."""
    no_bundle = {"KAITEI_LOAD_BUNDLED": "0"}
    with (
        kaitei_serve(postgres_url, no_bundle) as first,
        kaitei_serve(postgres_url, no_bundle) as second,
        httpx.Client(base_url=first) as writer,
        httpx.Client(base_url=second) as reader,
    ):
        assert writer.post("/revisions", json=BASELINE).status_code == 201
        seen = []
        for n in range(12):
            revision = {
                "id": f"monthly-{n}",
                "title": f"再診料 {n}",
                "effective_from": f"2025-{n + 1:02d}-01",
                "source": "test",
                "changes": [{"op": "revise", "code": "A001", "value": 100 + n}],
            }
            assert writer.post("/revisions", json=revision).status_code == 201
            answer = reader.get("/items/A001", params={"as_of": "2026-01-01"})
            seen.append(answer.json()["value"])

        assert seen == [100 + n for n in range(12)]
