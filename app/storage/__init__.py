"""Storage: the one seam between the service and its database engine.

Above this package nothing names an engine. Queries read through a `Reader`
(app/storage/reader.py); loads write through `create_write_engine`; the schema is Alembic's
(`upgrade_to_head`). What differs per engine lives in one package per engine (SQLite:
app/storage/sqlite/), chosen here from the database URL.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.engine import make_url

from app.paths import shipped
from app.storage import sqlite
from app.storage.reader import (
    SEARCH_ORDER,
    SEARCHABLE,
    DatabaseNotReady,
    Dialect,
    DocumentsSql,
    Memo,
    OverBudget,
    QueryTimeout,
    Reader,
    Row,
    SearchIndex,
    search_words,
)
from app.storage.snippets import FIELD_SEPARATOR, snippet
from app.storage.sqlite import sqlite_path

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

__all__ = [
    "FIELD_SEPARATOR",
    "SEARCHABLE",
    "SEARCH_ORDER",
    "DatabaseNotReady",
    "Dialect",
    "DocumentsSql",
    "Memo",
    "OverBudget",
    "QueryTimeout",
    "Reader",
    "Row",
    "SearchIndex",
    "alembic_config",
    "check_database",
    "check_integrity",
    "create_write_engine",
    "derived_version",
    "dialect_name",
    "load_reader",
    "open_reader",
    "rebuilding",
    "search_index",
    "search_words",
    "set_derived_version",
    "snippet",
    "sqlite_path",
    "upgrade_to_head",
]


def dialect_name(database_url: str) -> str:
    """`sqlite`, `postgresql`, ...: the engine a URL names."""
    return make_url(database_url).get_backend_name()


def create_write_engine(database_url: str) -> Engine:
    """An engine for migrations and loads (on SQLite: foreign keys on, WAL journaling)."""
    engine = create_engine(database_url)
    if dialect_name(database_url) == "sqlite":
        sqlite.prepare_write_engine(engine, sqlite_path(database_url))
    return engine


def open_reader(database_url: str, time_limit_ms: int) -> Reader:
    """Read access to the configured database; the API serves only through this."""
    path = sqlite_path(database_url)
    if path is None:
        raise NotImplementedError(
            f"reads are implemented for SQLite; {dialect_name(database_url)} is not yet served"
        )
    return sqlite.SqliteReader(path, time_limit_ms)


def load_reader(connection: Connection) -> Reader:
    """The read queries on a load's own connection, inside its open transaction (no time
    limit): derived data is built by the code that serves, from what the load wrote."""
    return sqlite.load_reader(connection)


def search_index(connection: Connection) -> SearchIndex:
    """The full-text index, written on a load's connection inside its transaction."""
    return sqlite.Fts5Index(connection)


def derived_version(connection: Connection) -> int:
    """The version of the derived data (search index, stored documents) held (0: none)."""
    if connection.dialect.name != "sqlite":
        return 0
    return sqlite.derived_version(connection)


def set_derived_version(connection: Connection, version: int) -> None:
    """Record, in the caller's transaction, which version of the derived data is held."""
    sqlite.set_derived_version(connection, version)


def alembic_config(database_url: str) -> "AlembicConfig":
    """Alembic's configuration for this project, pointed at `database_url`."""
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(shipped("migrations")))
    config.set_main_option("sqlalchemy.url", database_url)
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def schema_head(database_url: str) -> str | None:
    """The newest schema revision the migrations know."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()


def upgrade_to_head(database_url: str) -> None:
    """Migrate the database forward to the newest schema (the derived data is the layer
    above's: `app.derived.rebuild_if_stale`)."""
    from alembic import command

    path = sqlite_path(database_url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url), "head")


def check_integrity(database_url: str) -> int:
    """Fail when the database is damaged: a damaged file would otherwise serve and fail
    request by request. Returns the number of pages checked (0 for an engine not checked)."""
    path = sqlite_path(database_url)
    if path is None:
        return 0
    return sqlite.check_integrity(path)


def check_database(database_url: str, derived: int) -> None:
    """Fail fast, with what to do, when the database cannot be served: missing, not
    migrated to the newest schema, or holding derived data of a version other than
    `derived`."""
    path = sqlite_path(database_url)
    if path is None:
        return
    head = schema_head(database_url)
    assert head is not None
    sqlite.check_database(path, head, derived)


@contextmanager
def rebuilding(connection: Connection, cache_kib: int) -> Iterator[None]:
    """A load's connection set up to rebuild derived data (on SQLite, a page cache of
    `cache_kib`), and given its own settings back after."""
    if connection.dialect.name != "sqlite":
        yield
        return
    with sqlite.large_cache(connection, cache_kib):
        yield
