"""Helpers shared by the tests: the seeded database, built by the real migrations and loader."""

import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import anyio
from starlette.types import ASGIApp

from app.config import PROJECT_ROOT
from app.derived import rebuild_if_stale
from app.seed import load_seed
from app.storage import create_write_engine, upgrade_to_head

SEED_DIR = PROJECT_ROOT / "seed_data"
# Three million SQLite steps (about half a second here): long enough for a time limit or a
# budget to stop, unlike a sleep, which SQLite's progress handler never sees.
LONG_QUERY = (
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000000) "
    "SELECT count(*) AS counted FROM n"
)
ARTICLE = (SEED_DIR / "sources" / "tdi-2023-06-16-raisi-havana.txt").read_text(encoding="utf-8")


def build_database(path: Path, seed_dir: Path = SEED_DIR) -> str:
    """Migrate an empty SQLite file to head and load the seed; return its URL."""
    url = f"sqlite:///{path}"
    upgrade_to_head(url)
    rebuild_if_stale(url)
    engine = create_write_engine(url)
    with engine.begin() as connection:
        load_seed(connection, seed_dir)
    engine.dispose()
    return url


def damage_a_page(source: Path, target: Path) -> Path:
    """A copy of the database at `source` with the first page of its citation table
    overwritten by random bytes: the schema reads, `quick_check` does not pass."""
    with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(target)) as copy:
        original.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # the whole database in the one file
        page_size = copy.execute("PRAGMA page_size").fetchone()[0]
        (root,) = copy.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'citation'"
        ).fetchone()
    with target.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(os.urandom(page_size))
    return target


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
