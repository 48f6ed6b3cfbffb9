"""SIGKILL in the middle of a large import or of catching up loses nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from service.application import FeeSchedule
from service.application.results import Verification
from service.store import eventsourcing_env

ITEMS = 5000  # large enough that an import outlasts the kills below


def big_revision(folder: Path, round_: int) -> Path:
    document = {
        "id": f"big{round_}",
        "title": "many items",
        "effective_from": "2024-06-01",
        "source": "test",
        "changes": [
            {
                "op": "introduce",
                "code": f"{900000000 + round_ * ITEMS + i}",
                "name": f"item {i}",
                "unit": "point",
                "value": i,
            }
            for i in range(ITEMS)
        ],
    }
    path = folder / f"big{round_}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def kaitei_import(database_url: str, path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KAITEI_DATABASE_URL": database_url}
    return subprocess.Popen(
        [sys.executable, "-m", "service", "import", str(path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stored_events(app: FeeSchedule) -> int:
    return len(app.recorder.select_notifications(start=1, limit=100 * ITEMS))


def test_killed_imports_leave_all_or_nothing_and_a_rebuildable_view(
    database_url: str, tmp_path: Path
) -> None:
    env = eventsourcing_env(database_url)
    FeeSchedule(env).close()  # tables exist before the first kill
    kills, complete = 0, 0
    for round_, delay in enumerate((0.4, 0.8, 1.2)):
        path = big_revision(tmp_path, round_)
        process = kaitei_import(database_url, path)
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()

        app = FeeSchedule(env)  # catches up whatever the killed process left
        try:
            # the revision and its items are all there, or none of them
            assert stored_events(app) == complete * (ITEMS + 1) or stored_events(
                app
            ) == (complete + 1) * (ITEMS + 1)
            complete = stored_events(app) // (ITEMS + 1)
            incremental = app.view.dump()
            app.rebuild()
            assert app.view.dump() == incremental
        finally:
            app.close()
        finished = kaitei_import(database_url, path)  # the operator runs it again
        assert finished.wait(timeout=300) == 0
        complete = round_ + 1

    app = FeeSchedule(env)
    try:
        assert stored_events(app) == 3 * (ITEMS + 1)
        assert len(app.schedule(date(2024, 6, 1), None)) == 3 * ITEMS
        assert app.verify() == Verification(True, 3 * (ITEMS + 1))
    finally:
        app.close()
    assert kills >= 2
