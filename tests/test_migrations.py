"""Alembic owns the schema: upgrade from empty, no drift from the models, clean downgrade."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers the tables)
from app.derived import DERIVED_VERSION, EVERYTHING, TABLES, refresh
from app.storage import alembic_config, create_write_engine, derived_version, upgrade_to_head
from tests.conftest import BACKEND

# Derived tables the models do not describe (as migrations/env.py skips them), and on
# PostgreSQL the row that says which version built them (SQLite's is its user_version).
FTS_PREFIX = "search_index"


def _include(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    if type_ != "table" or name is None:
        return True
    return not (name.startswith(FTS_PREFIX) or name in TABLES or name == "derived_data")


SQLITE_CONNECTION = pytest.mark.sqlite_only(
    reason="the SQLite connection's pragmas", counterpart=None
)


@pytest.fixture
def empty_url(tmp_path: Path) -> Iterator[str]:
    """An empty database on the engine under test."""
    if BACKEND == "postgresql":
        from tests.postgres import fresh_database

        with fresh_database() as url:
            yield url
        return
    yield f"sqlite:///{tmp_path / 'm.sqlite3'}"


def test_upgrade_from_empty_matches_the_models(empty_url: str) -> None:
    url = empty_url
    upgrade_to_head(url)
    engine = create_write_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": _include, "compare_type": True}
        )
        differences = compare_metadata(context, SQLModel.metadata)
        tables = set(inspect(connection).get_table_names())
    engine.dispose()
    assert differences == []
    assert set(SQLModel.metadata.tables) <= tables
    search = {"search_index"} if BACKEND == "postgresql" else {"search_index", "search_index_map"}
    assert {*search, *TABLES} <= tables


@SQLITE_CONNECTION
def test_foreign_keys_and_wal_are_on(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    upgrade_to_head(url)
    engine = create_write_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


def test_downgrade_to_base_removes_every_table(empty_url: str) -> None:
    url = empty_url
    upgrade_to_head(url)
    command.downgrade(alembic_config(url), "base")
    engine = create_write_engine(url)
    with engine.connect() as connection:
        remaining = set(inspect(connection).get_table_names())
    engine.dispose()
    assert remaining == {"alembic_version"}


@SQLITE_CONNECTION
def test_rebuilding_derived_data_gives_the_connection_its_cache_size_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    upgrade_to_head(url)
    engine = create_write_engine(url)
    with engine.begin() as connection:
        connection.execute(text("PRAGMA cache_size = -3000"))
        refresh(connection, EVERYTHING)
        assert connection.execute(text("PRAGMA cache_size")).scalar() == -3000
        assert derived_version(connection) == DERIVED_VERSION
    engine.dispose()
