"""Helpers for the importer tests: the fixture data, importing, and reading a database back."""

import sqlite3
import tempfile
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import psycopg

from app.importers.historian import ImportReport, import_historian
from app.storage import create_write_engine
from tests.importers.fixture_files import write_fixture_tree

# Written once per test run, from tests/importers/fixture_files.py.
_FIXTURE_DIR = tempfile.TemporaryDirectory(prefix="historian-fixtures-")
FIXTURES = write_fixture_tree(Path(_FIXTURE_DIR.name) / "historian")
# The same with the people database beside it.
FIXTURES_WITH_PEOPLE = write_fixture_tree(Path(_FIXTURE_DIR.name) / "with-people", people=True)
# The full copy of the Historian's data, beside the project as the workplace lays it out.
SHARED_DATA = Path(__file__).parents[2] / ".." / "shared" / "datasets" / "history-state-gov"


def run_import(database_url: str, root: Path = FIXTURES) -> ImportReport:
    """Import the Historian data under `root` in one transaction, as the CLI does."""
    engine = create_write_engine(database_url)
    try:
        with engine.begin() as connection:
            return import_historian(connection, root)
    finally:
        engine.dispose()


def query(database_url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of one SQL query (`?` marks its parameters) on the database, on either engine."""
    if not database_url.startswith("postgresql"):
        with closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as connection:
            return connection.execute(sql, params).fetchall()
    if params:
        sql = sql.replace("%", "%%").replace("?", "%s")
    with psycopg.connect(database_url) as server:
        found = server.execute(sql, params or None).fetchall()
    # Dates as SQLite holds them (text), so that one expected value serves both engines.
    return [tuple(_as_text(value) for value in row) for row in found]


def _as_text(value: Any) -> Any:
    return value.isoformat() if type(value) is date else value


def dump(database_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the search index by its columns), sorted: a database's state."""
    if database_url.startswith("postgresql"):
        listed = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    else:
        listed = "SELECT name FROM sqlite_master WHERE type = 'table'"
    tables = [
        name
        for (name,) in query(database_url, listed)
        if not name.startswith(("sqlite_", "search_index"))
    ]
    state = {
        table: sorted(query(database_url, f'SELECT * FROM "{table}"'), key=repr) for table in tables
    }
    state["search_index"] = sorted(
        query(database_url, "SELECT resource, record_id, title, body FROM search_index"),
        key=repr,
    )
    return state
