"""Load on `valuechain serve` over loopback: 600 mixed API requests, 20 at a time (issue 13 item 2).

Target: 0 errors and a 95th percentile under 1 s. Two runs side by side, each on a fresh
``valuechain serve`` subprocess (as a user starts it; 127.0.0.1 only; the run stops it by itself):

- ``cold``: requests start the moment the server listens, while the background warm-up computes the
  catalogue and lineage payloads; waiting requests share that one computation (single-flight);
- ``warm``: requests start after one request each to the catalogue and lineage routes has answered.

The mix cycles through every API route (the catalogue and lineage routes among them) with valid
parameters and a few bad ones (which must answer 400, counted as correct, not as errors).

    python benchmarks/bench_serve_load.py [--requests 600] [--concurrency 20]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

MIX = [
    ("/api/market/solve?c=1.5&gamma=0.3", 200),
    ("/api/market/map?policy=subsidy&n=40", 200),
    ("/api/audit/catalog", 200),
    ("/api/ecosystem/lineage?top=25", 200),
    ("/api/policy/timeline?country=CN", 200),
    ("/api/ecosystem/lineage?top=5", 200),
    ("/api/audit/catalog", 200),
    ("/api/market/solve?c=abc", 400),
    ("/api/market/solve?colour=blue", 400),
    ("/", 200),
]


def one(base: str, path: str, expected: int) -> tuple[float, bool]:
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(base + path, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    except OSError:
        status = -1
    return time.perf_counter() - start, status == expected


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "valuechain", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the server did not start within 120 s")


def run(label: str, requests: int, concurrency: int, wait_for_warm_up: bool) -> dict[str, float]:
    proc, base = start_server()
    try:
        warm_start = time.perf_counter()
        if wait_for_warm_up:
            for path in ("/api/audit/catalog", "/api/ecosystem/lineage?top=25"):
                one(base, path, 200)
        warm_seconds = time.perf_counter() - warm_start
        work = [MIX[i % len(MIX)] for i in range(requests)]
        start = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            results = list(pool.map(lambda item: one(base, *item), work))
        wall = time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    latencies = sorted(r[0] for r in results)
    stats = {
        "requests": len(results),
        "errors": sum(not ok for _, ok in results),
        "wall_s": wall,
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
        "max_ms": latencies[-1] * 1000,
        "warm_up_wait_s": warm_seconds if wait_for_warm_up else 0.0,
    }
    print(
        f"{label:5s} {stats['requests']:5d} {stats['errors']:6d} {stats['median_ms']:9.1f} {stats['p95_ms']:9.1f} "
        f"{stats['max_ms']:9.1f} {stats['wall_s']:7.1f} {stats['warm_up_wait_s']:8.1f}",
        flush=True,
    )
    return stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="120 requests, 10 at a time")
    args = parser.parse_args()
    requests, concurrency = (120, 10) if args.quick else (args.requests, args.concurrency)
    print(f"{requests} mixed requests, {concurrency} concurrent, loopback; target: 0 errors, p95 < 1000 ms")
    print(
        f"{'run':5s} {'reqs':>5s} {'errors':>6s} {'median':>9s} {'p95':>9s} {'max':>9s} {'wall s':>7s} {'warm-up s':>8s}"
    )
    cold = run("cold", requests, concurrency, wait_for_warm_up=False)
    warm = run("warm", requests, concurrency, wait_for_warm_up=True)
    ok = warm["errors"] == 0 and warm["p95_ms"] < 1000 and cold["errors"] == 0
    print(
        f"warm target {'met' if ok else 'NOT met'}; cold p95 / warm p95 = {cold['p95_ms'] / warm['p95_ms']:.1f}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
