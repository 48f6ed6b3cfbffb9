"""`kaitei serve` as a separate process for tests, on a port the OS picks.

The server binds port 0 and the test reads the port uvicorn reports. Choosing a
free port first and handing it over races with every other socket on the machine:
an HTTP client's own ephemeral port can take it before the server binds.
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

RUNNING = re.compile(r"Uvicorn running on (http://\S+)")


@contextmanager
def kaitei_serve(
    database_url: str | None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Iterator[str]:
    """A running `kaitei serve` on the store; yields its base URL once healthy."""
    environment = {**os.environ, **(env or {})}
    environment.pop("KAITEI_DATABASE_URL", None)
    if database_url is not None:  # else the default store
        environment["KAITEI_DATABASE_URL"] = database_url
    server = subprocess.Popen(
        [sys.executable, "-m", "service", "serve", "--port", "0"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:  # keeps draining, so the server never blocks on its log
        assert server.stderr is not None
        for line in server.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    try:
        base, seen = None, []
        while base is None:
            # a first start loads the bundle: a step (the drug master's full
            # file on PostgreSQL) may take a minute or more between lines
            line = lines.get(timeout=600)
            if line is None:
                raise AssertionError("kaitei serve exited:\n" + "".join(seen))
            seen.append(line)
            found = RUNNING.search(line)
            base = found[1] if found else None
        assert httpx.get(f"{base}/health").status_code == 200
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
