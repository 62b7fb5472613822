"""Running the command line as a user does, a server with chosen settings, and a database's
state, for the fault and server tests."""

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

PROJECT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30


def app_env(database_url: str, **settings: str) -> dict[str, str]:
    """The environment of `python -m app` on this database, with these settings."""
    return {**os.environ, "DATABASE_URL": database_url, **settings}


def run_app(database_url: str, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    """`python -m app ARGS`, to completion (two minutes at most)."""
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=PROJECT,
        env=app_env(database_url, **settings),
        capture_output=True,
        text=True,
        timeout=120,
    )


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def served(
    database_url: str,
    log: Path,
    *args: str,
    settings: Mapping[str, str] | None = None,
    ready_status: int = 200,
) -> Iterator[str]:
    """`python -m app serve ARGS` on a free loopback port until the block ends; its address.

    It is up once `/healthz` answers `ready_status`. Standard error (the JSON logs) goes to
    `log`.
    """
    port = free_port()
    command = [sys.executable, "-m", "app", "serve", "--port", str(port), *args]
    with log.open("wb") as output:
        server = subprocess.Popen(
            command,
            cwd=PROJECT,
            env=app_env(database_url, **(settings or {})),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"the server exited with {server.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == ready_status:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"/healthz did not answer {ready_status} in {STARTUP_SECONDS} s:\n"
                    f"{log.read_text()}"
                )
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def database_path(database_url: str) -> Path:
    """The file of a `sqlite:///` URL."""
    return Path(database_url.removeprefix("sqlite:///"))


def state(database_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the search index by its columns), sorted: the database's
    content, whatever its pages look like."""
    with closing(sqlite3.connect(database_path(database_url))) as connection:
        tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith(("sqlite_", "search_index"))
        ]
        content = {
            table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }
        content["search_index"] = sorted(
            connection.execute("SELECT resource, record_id, title, body FROM search_index"),
            key=repr,
        )
        return content


def integrity(database_url: str) -> str:
    """SQLite's verdict on the file: `ok`, or the first problem."""
    with closing(sqlite3.connect(database_path(database_url))) as connection:
        verdict: str = connection.execute("PRAGMA integrity_check").fetchone()[0]
        return verdict
