"""Search latency, export throughput and the server's peak memory during a full export.

Issue figures that need no load tool: one client, sequential requests, one server worker.

    .venv/bin/python -m bench.exports --file bench/out/100000-.../visits.sqlite3
    .venv/bin/python -m bench.exports --seed-only

Each run starts `python -m app serve` on the file (or on a freshly seeded database), times
searches (`/v1/search?q=` and `/v1/visits?q=`) and streams `/v1/export/visits.csv` and
`.ndjson` in full, reading the server's peak resident memory (VmHWM) from /proc before and
after. Absolute times on a shared 2-core machine are noise; compare within one run.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["havana", "biotech", "diaz canel", "president", "energy cooperation"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


@contextmanager
def serve(database: Path) -> Iterator[tuple[str, int]]:
    """Our server on `database`, one worker; yields its base URL and pid."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "QUERY_TIME_LIMIT_MS": "60000",
        "EXPORT_MAX_ROWS": "10000000",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not start")
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


def seeded_database(folder: Path) -> Path:
    """A database with just the seed, made by the project's own commands."""
    database = folder / "seed.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    for command in ("migrate", "seed"):
        subprocess.run(
            [sys.executable, "-m", "app", command],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return database


def time_searches(base: str, repeat: int) -> dict[str, dict[str, float]]:
    """p50 and p99 (ms) of each search path over QUERIES, `repeat` times each."""
    results = {}
    with httpx.Client(base_url=base, timeout=120) as client:
        for path in ("/v1/search", "/v1/visits"):
            timings = []
            for _ in range(repeat):
                for q in QUERIES:
                    started = time.perf_counter()
                    response = client.get(path, params={"q": q, "limit": 50})
                    timings.append((time.perf_counter() - started) * 1000)
                    response.raise_for_status()
            timings.sort()
            results[path] = {
                "requests": len(timings),
                "p50_ms": round(statistics.median(timings), 2),
                "p99_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.99))], 2),
            }
    return results


def time_export(base: str, pid: int, extension: str) -> dict[str, float]:
    """Rows per second and the server's peak memory while streaming every visit."""
    before = _peak_rss_mb(pid)
    rows = 0
    started = time.perf_counter()
    with httpx.stream("GET", f"{base}/v1/export/visits.{extension}", timeout=3600) as response:
        response.raise_for_status()
        for _line in response.iter_lines():
            rows += 1
    seconds = time.perf_counter() - started
    if extension == "csv":
        rows -= 1  # the header
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "peak_rss_mb_before": round(before, 1),
        "peak_rss_mb_after": round(_peak_rss_mb(pid), 1),
    }


def main() -> None:
    """Run the measurements and print them as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, help="a generated database (bench.generate)")
    parser.add_argument("--seed-only", action="store_true", help="measure the seed database")
    parser.add_argument("--repeat", type=int, default=20, help="rounds of the search queries")
    parser.add_argument("--no-export", action="store_true", help="searches only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = seeded_database(Path(folder)) if args.seed_only else args.file
        if database is None:
            parser.error("give --file or --seed-only")
        with serve(database) as (base, pid):
            report: dict[str, object] = {
                "database": database.name,
                "search": time_searches(base, args.repeat),
            }
            if not args.no_export:
                report["export_csv"] = time_export(base, pid, "csv")
                report["export_ndjson"] = time_export(base, pid, "ndjson")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
