"""Helpers shared by the tests: the seeded database (built by the real migrations and loader),
the command line and a server run as a user runs them, raw requests, and the shapes every
answer shares."""

import atexit
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import anyio
import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from starlette.middleware import Middleware
from starlette.types import ASGIApp

from app.config import PROJECT_ROOT
from app.derived import rebuild_if_stale
from app.seed import load_seed
from app.storage import create_write_engine, upgrade_to_head

SEED_DIR = PROJECT_ROOT / "seed_data"
STARTUP_SECONDS = 30
# Every resource, as the API names it in its paths.
RESOURCE_NAMES = [
    "visits",
    "meetings",
    "agreements",
    "participants",
    "tours",
    "countries",
    "topics",
    "sources",
    "claims",
    "statements",
    "citations",
]
# Every path that names one record ({} for its id): details and a visit's parts.
DETAIL_PATHS = [
    "/v1/visits/{}",
    "/v1/visits/{}/meetings",
    "/v1/visits/{}/agreements",
    "/v1/visits/{}/participants",
    "/v1/meetings/{}",
    "/v1/agreements/{}",
    "/v1/participants/{}",
    "/v1/tours/{}",
    "/v1/sources/{}",
    "/v1/countries/{}",
    "/v1/claims/{}",
    "/v1/statements/{}",
    "/v1/citations/{}",
]
# Three million SQLite steps (about half a second here): long enough for a time limit or a
# budget to stop, unlike a sleep, which SQLite's progress handler never sees.
LONG_QUERY = (
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000000) "
    "SELECT count(*) AS counted FROM n"
)
ARTICLE = (SEED_DIR / "sources" / "tdi-2023-06-16-raisi-havana.txt").read_text(encoding="utf-8")


@contextmanager
def transaction_on(url: str) -> Iterator[Connection]:
    """A connection to `url` inside one transaction, committed at the end of the block (the
    engine disposed after)."""
    engine = create_write_engine(url)
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def build_database(path: Path, seed_dir: Path = SEED_DIR) -> str:
    """A database migrated to head holding the seed (or another seed directory) on the engine
    under test (TEST_BACKEND): a SQLite file at `path`, or a fresh PostgreSQL database
    dropped when the session ends. Return its URL.

    With the project's seed it is a copy of one built so once per session (a file copied, or
    a PostgreSQL database made from it as a template): tests build about fifty."""
    if os.environ.get("TEST_BACKEND", "sqlite") == "postgresql":
        from tests.postgres import migrate_and_seed, seeded_copy, session_database

        if seed_dir == SEED_DIR:
            return seeded_copy()
        url = session_database()
        migrate_and_seed(url, seed_dir)
        return url
    if seed_dir == SEED_DIR:
        path.parent.mkdir(parents=True, exist_ok=True)
        copy_sqlite(_seeded_sqlite(), path)
        return f"sqlite:///{path}"
    return build_sqlite(path, seed_dir)


@cache
def _seeded_sqlite() -> Path:
    """The session's seeded SQLite file, built on first use, removed at exit."""
    folder = Path(tempfile.mkdtemp(prefix="seeded-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return database_path(build_sqlite(folder / "visits.sqlite3"))


def copy_sqlite(source: Path, target: Path) -> None:
    """A copy of the SQLite database `source` at `target` (SQLite's online backup)."""
    with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(target)) as copy:
        original.backup(copy)


def empty_database(folder: Path) -> str:
    """The URL of an empty database on the engine under test: `visits.sqlite3` in `folder`,
    or a fresh PostgreSQL database dropped when the session ends."""
    if os.environ.get("TEST_BACKEND", "sqlite") == "postgresql":
        from tests.postgres import session_database

        return session_database()
    return f"sqlite:///{folder / 'visits.sqlite3'}"


def build_sqlite(path: Path, seed_dir: Path = SEED_DIR) -> str:
    """Migrate an empty SQLite file to head and load the seed; return its URL (for tests of
    the SQLite file itself, whatever the engine under test)."""
    url = f"sqlite:///{path}"
    upgrade_to_head(url)
    rebuild_if_stale(url)
    engine = create_write_engine(url)
    try:
        with engine.begin() as connection:
            load_seed(connection, seed_dir)
    finally:
        engine.dispose()
    return url


# A copy of the seed where two sources give the business meeting's parts in two versions:
# Raisi's title there (a participation) and the words of one of his statements.
BUSINESS_MEETING = "2023-06-havana-business-meeting"
RAISI_THERE = f"{BUSINESS_MEETING}--ebrahim-raisi"
COLLABORATIONS = "2023-06-raisi-strategic-collaborations"
_TITLE_AT_THE_MEETING = (
    "            title: President\n"
    "            citations:\n"
    "              - source: tdi-2023-06-16-raisi-havana\n"
    '                quote: "President Raisi also attended the meeting of Iranian and Cuban '
    'businesspeople."\n'
)
COLLABORATIONS_WORDS = (
    "He stressed the strategic collaborations in sustainable fields between both countries."
)
_COLLABORATIONS_TEXT = f'            text: "{COLLABORATIONS_WORDS}"\n'


@contextmanager
def database_of(seed_dir: Path, tmp_path: Path) -> Iterator[str]:
    """A database holding another seed directory, on the engine under test (TEST_BACKEND)."""
    if os.environ.get("TEST_BACKEND", "sqlite") == "postgresql":
        from tests.postgres import fresh_database, migrate_and_seed

        with fresh_database() as url:
            migrate_and_seed(url, seed_dir)
            yield url
        return
    yield build_database(tmp_path / "visits.sqlite3", seed_dir)


def seed_with_parts_claimed(target: Path, other_title: str = "President of Iran") -> Path:
    """Copy the seed to `target` with the claims on the business meeting's parts (see
    above), the second title `other_title`; return `target`."""
    shutil.copytree(SEED_DIR, target, dirs_exist_ok=True)
    tour = target / "tours" / "2023-06-raisi-latin-america.yaml"
    text = tour.read_text()
    assert text.count(_TITLE_AT_THE_MEETING) == 1
    assert text.count(_COLLABORATIONS_TEXT) == 1
    text = text.replace(
        _TITLE_AT_THE_MEETING,
        _TITLE_AT_THE_MEETING
        + f"""            claims:
              - property: title
                value: President
                citations:
                  - source: tdi-2023-06-16-raisi-havana
                    quote: "President Raisi"
              - property: title
                value: {other_title}
                citations:
                  - source: efe-2023-06-16-cuba-iran-accords
                    note: Gives his title in full.
""",
    ).replace(
        _COLLABORATIONS_TEXT,
        _COLLABORATIONS_TEXT
        + f"""            claims:
              - property: text
                value: "{COLLABORATIONS_WORDS}"
                citations:
                  - source: tdi-2023-06-16-raisi-havana
                    quote: "He stressed the strategic collaborations"
              - property: text
                value: "He stressed lasting cooperation between both countries."
                citations:
                  - source: efe-2023-06-16-cuba-iran-accords
                    note: Reports the remark in other words.
""",
    )
    tour.write_text(text)
    return target


def damage_a_page(source: Path, target: Path) -> Path:
    """A copy of the database at `source` with the first page of its citation table
    overwritten by random bytes: the schema reads, `quick_check` does not pass."""
    copy_sqlite(source, target)
    with closing(sqlite3.connect(target)) as copy:
        copy.execute("PRAGMA journal_mode = DELETE")  # the whole database in the one file
        page_size = copy.execute("PRAGMA page_size").fetchone()[0]
        (root,) = copy.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'citation'"
        ).fetchone()
    with target.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(os.urandom(page_size))
    return target


def replace_middleware(app: FastAPI, replacements: Mapping[type, Middleware]) -> FastAPI:
    """`app` (not yet started) with each middleware of a class in `replacements` replaced."""
    app.user_middleware = [replacements.get(m.cls, m) for m in app.user_middleware]
    return app


def raw_get(
    app: ASGIApp, path: bytes, query: bytes, headers: list[tuple[bytes, bytes]] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """`app`'s answer to a GET with exactly these bytes in its ASGI scope (no client encodes
    them first): status, headers and body."""
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(path.decode("latin-1")),
        "raw_path": path,
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"testserver"), *(headers or [])],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    anyio.run(app, scope, receive, send)
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


def app_env(database_url: str, **settings: str) -> dict[str, str]:
    """The environment of `python -m app` on this database, with these settings."""
    return {**os.environ, "DATABASE_URL": database_url, **settings}


def run_app(database_url: str, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    """`python -m app ARGS`, to completion (two minutes at most)."""
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=PROJECT_ROOT,
        env=app_env(database_url, **settings),
        capture_output=True,
        text=True,
        timeout=120,
    )


def migrate_and_seed(database_url: str) -> None:
    """Build the database as `make run` builds it: `python -m app migrate`, then `seed`."""
    for command in ("migrate", "seed"):
        done = run_app(database_url, command)
        assert done.returncode == 0, done.stderr


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_up(
    url: str,
    server: "subprocess.Popen[bytes]",
    log: Path,
    ready_status: int = 200,
    startup_seconds: float = STARTUP_SECONDS,
) -> None:
    """Return once `url/healthz` answers `ready_status`; fail the test, with the server's
    output (`log`), if the server exits or does not answer so within `startup_seconds`."""
    deadline = time.monotonic() + startup_seconds
    while True:
        if server.poll() is not None:
            pytest.fail(f"the server exited with {server.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == ready_status:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(
                f"/healthz did not answer {ready_status} in {startup_seconds} s:\n{log.read_text()}"
            )
        time.sleep(0.1)


@contextmanager
def served(
    database_url: str,
    log: Path,
    *args: str,
    settings: Mapping[str, str] | None = None,
    ready_status: int = 200,
    command: Sequence[str] = (sys.executable, "-m", "app"),
    cwd: Path = PROJECT_ROOT,
    env: Mapping[str, str] = os.environ,
    startup_seconds: float = STARTUP_SECONDS,
) -> Iterator[str]:
    """`COMMAND serve ARGS` (the app of this checkout by default; an installed
    `diplomatic-visits`, say) on a free loopback port until the block ends; its address.

    It runs from `cwd` with `env` and `settings`, and is up once `/healthz` answers
    `ready_status` (within `startup_seconds`). Its output (the logs) goes to `log`.
    """
    port = free_port()
    arguments = [*command, "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    with log.open("wb") as output:
        server = subprocess.Popen(
            arguments,
            cwd=cwd,
            env={**env, "DATABASE_URL": database_url, **(settings or {})},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, server, log, ready_status, startup_seconds)
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


def assert_answered_alike(
    served: TestClient, routed: TestClient, method: str, path: str, headers: dict[str, str]
) -> None:
    """The fast path (`served`) answers as FastAPI's route (`routed`): status, body, headers
    (but the request id), and a 304 to its own ETag."""
    mine = served.request(method, path, headers=headers)
    theirs = routed.request(method, path, headers=headers)
    assert (mine.status_code, mine.content) == (theirs.status_code, theirs.content)
    ignored = {"x-request-id"}
    assert {k: v for k, v in mine.headers.items() if k not in ignored} == {
        k: v for k, v in theirs.headers.items() if k not in ignored
    }
    if mine.status_code == 200:
        again = served.get(path, headers={**headers, "If-None-Match": mine.headers["etag"]})
        assert again.status_code == 304
        assert again.headers["etag"] == mine.headers["etag"]
