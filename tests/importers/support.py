"""Helpers for the importer tests: the fixture data, importing, and reading a database back."""

import sqlite3
import tempfile
from pathlib import Path
from typing import Any

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


def dump(database_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the search index by its columns), sorted: a database's state."""
    path = database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith(("sqlite_", "search_index_"))
        ]
        state = {
            table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
            if table != "search_index"
        }
        state["search_index"] = sorted(
            connection.execute("SELECT resource, record_id, title, body FROM search_index"),
            key=repr,
        )
    connection.close()
    return state


def query(database_url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of one SQL query on the database."""
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        rows = connection.execute(sql, params).fetchall()
    connection.close()
    return rows
