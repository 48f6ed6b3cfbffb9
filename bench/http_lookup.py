"""`GET /items/{code}` over HTTP with 4 keep-alive clients, against the same
server's `/health` (the framework's floor), and in-process lookups.

Run on demand:  .venv/bin/python bench/http_lookup.py --store URL
                [--requests 2000] [--workers 1] [--access-log]

Starts `kaitei serve` on the store (a bundled store: real codes), then 4 client
processes, each with one keep-alive connection sending raw HTTP/1.1 requests
(a light client, so the 2 cores go to the server), for real codes on real
dates. Prints requests/s, median and p99 latency, and the ratios.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from datetime import date
from multiprocessing import Pool

import httpx

from service.application import FeeSchedule
from service.store import eventsourcing_env

PORT = 8765
CODES = ("111000110", "112007410", "113001810", "120002910", "160162350")
CODES += ("190117710", "112011010", "113041710", "120004270", "112708970")
DAYS = ("2024-06-03", "2024-07-01", "2025-01-15")


def get(sock: socket.socket, pending: list[bytes], path: str) -> int:
    """One request on the kept-alive socket; its status."""
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    data = pending[0]
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
    while len(body) < length:
        body += sock.recv(65536)
    pending[0] = body[length:]
    return int(head.split(b" ")[1])


def client(job: tuple[int, int, str]) -> tuple[list[float], float]:
    seed, count, kind = job
    rng = random.Random(seed)
    sock = socket.create_connection(("127.0.0.1", PORT))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    pending = [b""]

    def path() -> str:
        if kind == "health":
            return "/health"
        return f"/items/{rng.choice(CODES)}?as_of={rng.choice(DAYS)}"

    for _ in range(200):
        get(sock, pending, path())
    took = []
    started = time.perf_counter()
    for _ in range(count):
        t = time.perf_counter()
        assert get(sock, pending, path()) == 200
        took.append(time.perf_counter() - t)
    return took, time.perf_counter() - started


def run(kind: str, count: int) -> tuple[float, float, float]:
    with Pool(4) as pool:
        results = pool.map(client, [(n, count, kind) for n in range(4)])
    took = sorted(t for ts, _ in results for t in ts)
    wall = max(w for _, w in results)
    return len(took) / wall, statistics.median(took), took[int(len(took) * 0.99)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", required=True)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--access-log", action="store_true")
    args = parser.parse_args()
    schedule = FeeSchedule(eventsourcing_env(args.store))
    asks = [(rng_code, date.fromisoformat(d)) for rng_code in CODES for d in DAYS]
    for code, day in asks:
        schedule.item(code, day, None)
    took = []
    for _ in range(200):
        for code, day in asks:
            t = time.perf_counter()
            schedule.item(code, day, None)
            took.append(time.perf_counter() - t)
    schedule.close()
    print(f"in-process FeeSchedule.item: median {statistics.median(took) * 1e6:.1f} µs")
    command = [sys.executable, "-m", "service", "serve", "--port", str(PORT)]
    command += ["--workers", str(args.workers)]
    command += [] if args.access_log else ["--no-access-log"]
    server = subprocess.Popen(
        command,
        env=os.environ | {"KAITEI_DATABASE_URL": args.store},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            try:
                httpx.get(f"http://127.0.0.1:{PORT}/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        figures = {kind: run(kind, args.requests) for kind in ("items", "health")}
    finally:
        server.terminate()
        server.wait()
    (rps, median, p99), (floor_rps, floor_median, floor_p99) = figures.values()
    print(
        f"GET /items/{{code}} ({args.workers} worker(s), 4 clients): {rps:,.0f} "
        f"req/s, median {median * 1e3:.2f} ms, p99 {p99 * 1e3:.2f} ms; "
        f"/health {floor_rps:,.0f} req/s, median {floor_median * 1e3:.2f} ms, "
        f"p99 {floor_p99 * 1e3:.2f} ms; ratio {rps / floor_rps:.2f}x req/s"
    )


if __name__ == "__main__":
    main()
