"""The benchmark's PostgreSQL side (`bench.run --backend postgresql`).

The generated SQLite file is copied by the app's own `python -m app copy` into a fresh
database with a random name on the server at POSTGRES_URL (by default
`postgresql://root@127.0.0.1:5432/postgres`), created with the collation docs/deploying.md
prescribes and dropped afterwards. Besides the server's req/s and CPU, two figures come from
the database:

- its CPU per request: the CPU time of the backends connected to the database
  (`pg_stat_activity`, `/proc/PID/stat`), read before and after each timed run;
- the floor: the same SQL our server runs for one request of each case (recorded in
  process, from the reader's own statements), timed by the database itself with
  `EXPLAIN (ANALYZE)` (planning plus execution time; the best of a few runs).
  `pg_stat_statements` would need the server restarted with it preloaded, so it is not used.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

SERVER = os.environ.get("POSTGRES_URL", "postgresql://root@127.0.0.1:5432/postgres")
FLOOR_RUNS = 3  # EXPLAIN (ANALYZE) runs per statement; the best is the floor
FLOOR_PATHS = 5  # of a case that cycles through paths, the first few


@contextmanager
def fresh_database(server: str = SERVER) -> Iterator[str]:
    """The URL of a new empty database with a random name, dropped after: `C` collation and
    a UTF-8 character type, as docs/deploying.md prescribes."""
    name = f"visits_bench_{secrets.token_hex(6)}"
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as admin:
        admin.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'"
        )
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def copy_into(path: Path, url: str, cwd: Path) -> float:
    """`python -m app copy` of the SQLite file at `path` into `url`; the seconds it took."""
    started = time.monotonic()
    command = [sys.executable, "-m", "app", "copy", "--from", f"sqlite:///{path}", "--to", url]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"copy to PostgreSQL failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return time.monotonic() - started


class DatabaseCpu:
    """CPU time of the server processes serving one database (its backends)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = make_url(url).database

    def by_backend(self) -> dict[int, float]:
        """CPU seconds (user + system) of each backend connected to the database now."""
        with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as monitor:
            pids = [
                row[0]
                for row in monitor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> "
                    "pg_backend_pid()",
                    (self.name,),
                )
            ]
        found = {}
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # another machine's server, or the backend just ended
                continue
            found[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return found


def cpu_between(before: Mapping[int, float], after: Mapping[int, float]) -> float:
    """CPU seconds the backends used between two readings (a backend that started in
    between counts from zero; one that ended is lost, the pool keeps its connections)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def statements_of(url: str, requests: Mapping[str, Sequence[str]]) -> dict[str, list[list[Any]]]:
    """For each case, the statements (SQL, parameters) our app runs for each of its paths
    (at most FLOOR_PATHS), recorded in process on a second request: the first fills what
    the app keeps (totals, facets) per data version, as the timed runs' warm-up does."""
    from fastapi.testclient import TestClient

    from app.config import Settings
    from app.main import create_app
    from app.storage.postgresql import reader as pg

    recorded: list[tuple[str, dict[str, Any] | None]] = []
    original = pg.PgReader._execute

    def recording(
        self: pg.PgReader, sql: str, params: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        recorded.append((pg.pyformat(sql), dict(params) if params else None))
        return original(self, sql, params)

    settings = Settings(database_url=url, integrity_check_in_background=False)
    found: dict[str, list[list[Any]]] = {}
    pg.PgReader._execute = recording  # type: ignore[method-assign]
    try:
        with TestClient(create_app(settings, problem_page=None)) as client:
            for name, paths in requests.items():
                found[name] = []
                for path in paths[:FLOOR_PATHS]:
                    client.get(path)
                    recorded.clear()
                    client.get(path)
                    found[name].append(list(recorded))
    finally:
        pg.PgReader._execute = original  # type: ignore[method-assign]
    return found


def explained_ms(url: str, statements: Sequence[tuple[str, dict[str, Any] | None]]) -> float:
    """The database's own time for the statements (planning + execution, from
    `EXPLAIN (ANALYZE)`, best of FLOOR_RUNS each), in one read-only snapshot as a request."""
    from app.storage.postgresql.reader import adapt_connection

    total = 0.0
    with psycopg.connect(url, connect_timeout=5) as connection:
        adapt_connection(connection)
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        with connection.transaction():
            for sql, params in statements:
                best = None
                for _ in range(FLOOR_RUNS):
                    row = connection.execute(
                        "EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params
                    ).fetchone()
                    assert row is not None
                    plan = row[0] if isinstance(row[0], list) else json.loads(row[0])
                    took = plan[0]["Planning Time"] + plan[0]["Execution Time"]
                    best = took if best is None else min(best, took)
                total += best or 0.0
    return total


def floors(url: str, requests: Mapping[str, Sequence[str]]) -> dict[str, dict[str, float]]:
    """For each case: statements per request and the database's time for them (ms), the
    mean over the paths recorded."""
    result = {}
    for name, per_path in statements_of(url, requests).items():
        if not per_path:
            continue
        times = [explained_ms(url, statements) for statements in per_path]
        result[name] = {
            "statements": sum(len(s) for s in per_path) / len(per_path),
            "ms": sum(times) / len(times),
        }
    return result
