"""Storage: the one seam between the service and its database engine.

Above this package nothing names an engine. Queries read through a `Reader`
(app/storage/reader.py); loads write through `create_write_engine`; the schema is Alembic's
(`upgrade_to_head`). What differs per engine lives in one package per engine (SQLite:
app/storage/sqlite/), chosen here from the database URL.
"""

import itertools
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg_pool import PoolTimeout
from sqlalchemy import Connection, Engine, Table, create_engine
from sqlalchemy.engine import make_url

from app.paths import shipped
from app.storage import postgresql, sqlite
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
    "ENGINE_ERRORS",
    "FIELD_SEPARATOR",
    "INSERT_BATCH",
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
    "insert_rows",
    "load_reader",
    "make_standalone",
    "open_reader",
    "rebuilding",
    "search_index",
    "search_words",
    "set_derived_version",
    "snippet",
    "sqlite_path",
    "upgrade_to_head",
]


# What an engine raises when it cannot answer (the API says 503 `database-unavailable`).
ENGINE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, psycopg.Error, PoolTimeout)


def dialect_name(database_url: str) -> str:
    """`sqlite`, `postgresql`, ...: the engine a URL names."""
    return make_url(database_url).get_backend_name()


def engine_url(database_url: str) -> str:
    """The URL SQLAlchemy opens: a plain `postgresql://` URL (libpq's form) gets the driver
    this project installs, psycopg 3."""
    url = make_url(database_url)
    if url.drivername == "postgresql":
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return database_url


def create_write_engine(database_url: str) -> Engine:
    """An engine for migrations and loads (on SQLite: foreign keys on, WAL journaling)."""
    engine = create_engine(engine_url(database_url))
    if dialect_name(database_url) == "sqlite":
        sqlite.prepare_write_engine(engine, sqlite_path(database_url))
    return engine


def open_reader(
    database_url: str,
    time_limit_ms: int,
    backup: Callable[[str, Path], None] | None = None,
    pool_size: int = 16,
) -> Reader:
    """Read access to the configured database; the API serves only through this.

    `backup(database_url, path)` writes the database as a SQLite file where the engine has
    no file of its own to copy (`Reader.backup_to`): the layer above's `app.copy`.
    `pool_size`: most connections a PostgreSQL reader holds."""
    if dialect_name(database_url) == "postgresql":
        return postgresql.PgReader(database_url, time_limit_ms, backup=backup, pool_size=pool_size)
    path = sqlite_path(database_url)
    if path is None:
        raise DatabaseNotReady(
            f"{dialect_name(database_url)} is not served: DATABASE_URL must name a SQLite file "
            "or a PostgreSQL database"
        )
    return sqlite.SqliteReader(path, time_limit_ms)


INSERT_BATCH = 2000  # rows per INSERT's executemany where the engine has no COPY


def insert_rows(connection: Connection, table: Table, rows: Iterable[Mapping[str, Any]]) -> int:
    """Write `rows` (every column's value, by name) into `table` in the caller's
    transaction, in the engine's bulk form: PostgreSQL's COPY, else batches of INSERTs.
    Returns the rows written."""
    if connection.dialect.name == "postgresql":
        return postgresql.copy_rows(connection, table, rows)
    written = 0
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, INSERT_BATCH)):
        connection.execute(table.insert(), batch)
        written += len(batch)
    return written


def load_reader(connection: Connection) -> Reader:
    """The read queries on a load's own connection, inside its open transaction (no time
    limit): derived data is built by the code that serves, from what the load wrote."""
    if connection.dialect.name == "postgresql":
        return postgresql.load_reader(connection)
    return sqlite.load_reader(connection)


def search_index(connection: Connection) -> SearchIndex:
    """The full-text index, written on a load's connection inside its transaction."""
    if connection.dialect.name == "postgresql":
        return postgresql.TsIndex(connection)
    return sqlite.Fts5Index(connection)


def derived_version(connection: Connection) -> int:
    """The version of the derived data (search index, stored documents) held (0: none)."""
    if connection.dialect.name == "postgresql":
        return postgresql.derived_version(connection)
    if connection.dialect.name != "sqlite":
        return 0
    return sqlite.derived_version(connection)


def set_derived_version(connection: Connection, version: int) -> None:
    """Record, in the caller's transaction, which version of the derived data is held."""
    if connection.dialect.name == "postgresql":
        postgresql.set_derived_version(connection, version)
        return
    sqlite.set_derived_version(connection, version)


def alembic_config(database_url: str) -> "AlembicConfig":
    """Alembic's configuration for this project, pointed at `database_url`."""
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(shipped("migrations")))
    config.set_main_option("sqlalchemy.url", engine_url(database_url).replace("%", "%%"))
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
    if dialect_name(database_url) == "postgresql":
        postgresql.connect_or_fail(database_url).close()  # one line when unreachable
    command.upgrade(alembic_config(database_url), "head")


def check_integrity(database_url: str) -> int:
    """Fail when the database is damaged: a damaged file would otherwise serve and fail
    request by request. Returns the number of pages checked (0 for an engine not checked)."""
    if dialect_name(database_url) == "postgresql":
        return postgresql.check_integrity(database_url)
    path = sqlite_path(database_url)
    if path is None:
        return 0
    return sqlite.check_integrity(path)


def check_database(database_url: str, derived: int) -> None:
    """Fail fast, with what to do, when the database cannot be served: missing, not
    migrated to the newest schema, or holding derived data of a version other than
    `derived`."""
    head = schema_head(database_url)
    assert head is not None
    if dialect_name(database_url) == "postgresql":
        postgresql.check_database(database_url, head, derived)
        return
    path = sqlite_path(database_url)
    if path is None:
        raise DatabaseNotReady(
            "DATABASE_URL must name a SQLite file or a PostgreSQL database "
            "(postgresql://USER@HOST:PORT/DB)"
        )
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


def make_standalone(path: Path) -> None:
    """A SQLite file written by a load made one file again (no write-ahead log), so that it
    reads where it is copied to."""
    sqlite.standalone(path)
