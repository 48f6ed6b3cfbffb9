"""One SQLite file shared by `kaitei serve` and `kaitei import`: the import waits
for the server's writes instead of failing with "database is locked"."""

from __future__ import annotations

import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import httpx

from service.importers.bundle import MASTER_ARCHIVE
from tests.servers import kaitei_serve


def test_import_while_serve_answers_on_the_same_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    files = []
    with zipfile.ZipFile(MASTER_ARCHIVE) as archive:
        for name in ("s_ALL20220218.zip", "s_20220304.csv", "s_20220311.csv"):
            (tmp_path / name).write_bytes(archive.read(name))
            files.append(str(tmp_path / name))
    with kaitei_serve(url, {"KAITEI_LOAD_BUNDLED": "0"}) as base:
        stop, statuses = threading.Event(), []

        def ask() -> None:  # each request catches the server's view up: it writes
            with httpx.Client(base_url=base, timeout=60) as client:
                while not stop.is_set():
                    answer = client.get("/items/111000110", params={"as_of": "R4.4.1"})
                    statuses.append(answer.status_code)

        askers = [threading.Thread(target=ask) for _ in range(3)]
        for asker in askers:
            asker.start()
        try:
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "service",
                    "import",
                    "--effective-from",
                    "published",
                    *files,
                ],
                env={"KAITEI_DATABASE_URL": url, "PATH": ""},
                capture_output=True,
                text=True,
                timeout=300,
            )
        finally:
            stop.set()
            for asker in askers:
                asker.join()
        after = httpx.get(f"{base}/items/111000110", params={"as_of": "R4.4.1"})

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.count(" recorded") == 3
    assert set(statuses) <= {200, 404}  # 404 until the full file is in
    assert after.json()["value"] == 288
