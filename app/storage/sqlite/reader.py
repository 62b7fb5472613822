"""SQLite's readers: connections and their pragmas, read-only readers with time limits (the
progress handler), snapshots, the SQL dialect, the online backup, `quick_check` and the
readiness checks.
"""

import math
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import make_url

from app.storage.reader import (
    DatabaseNotReady,
    Dialect,
    Memo,
    OverBudget,
    QueryTimeout,
    Reader,
    Row,
    as_rows,
)
from app.storage.sqlite.search import Fts5Search


def sqlite_path(database_url: str) -> Path | None:
    """The file behind a SQLite URL, or None for any other database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def timestamp_param(moment: datetime) -> str:
    """A timestamp as SQLite stores SQLAlchemy's DateTime (UTC text), for comparisons."""
    as_utc = moment.astimezone(UTC) if moment.tzinfo else moment
    return as_utc.strftime("%Y-%m-%d %H:%M:%S.%f")


class SqliteDialect(Dialect):
    """SQLite's SQL: dates and timestamps are ISO text, lists are JSON arrays."""

    nulls_sort_low = True  # NULL is less than any value

    def in_list(self, name: str) -> str:
        """`IN` the values of the JSON array `:name`."""
        return f"IN (SELECT value FROM json_each(:{name}))"

    def list_param(self, values: Iterable[Any]) -> str:
        """The values as a JSON array."""
        return orjson.dumps(list(values)).decode()

    def year_of(self, column: str) -> str:
        """The first four characters of the ISO date."""
        return f"substr({column}, 1, 4)"

    def joined(self, expression: str, separator: str) -> str:
        """`group_concat`."""
        return f"group_concat({expression}, '{separator}')"

    def days_between(self, first: str, last: str) -> str:
        """The difference of Julian day numbers."""
        return f"CAST(julianday({last}) - julianday({first}) AS INTEGER)"

    def merged_arm(self, select: str, order: str) -> str:
        """The select as it is: SQLite merges the ordered arms of the UNION and stops (a
        LIMIT of its own would sort each arm in a temporary B-tree)."""
        return select


DIALECT = SqliteDialect()
SEARCH = Fts5Search()


def _adapted(params: Mapping[str, Any]) -> Mapping[str, Any]:
    """Datetimes as SQLite holds them (`timestamp_param`); every other value as it is."""
    if not any(isinstance(value, datetime) for value in params.values()):
        return params
    return {
        name: timestamp_param(value) if isinstance(value, datetime) else value
        for name, value in params.items()
    }


def _set_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.close()


def prepare_write_engine(engine: Engine, path: Path | None) -> None:
    """Foreign keys on and WAL journaling on every connection; the file's folder made."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    event.listen(engine, "connect", _set_pragmas)


class _Link:
    """One read-only connection and what this module keeps beside it."""

    def __init__(self, connection: sqlite3.Connection, time_limited: bool = True) -> None:
        self.connection = connection
        self.deadline = 0.0  # monotonic time after which the running query is interrupted
        # The budget, if set: seconds of this thread's CPU time, counted from (wall clock,
        # CPU clock) at its start; past it, OverBudget stops the running query.
        self.budget: tuple[float, float, float] | None = None
        self.over_budget = False
        # The data version and when it moved, as this connection's open read transaction
        # sees them, once read.
        self.state_read: tuple[int, Any] | None = None
        if time_limited:
            # Every 10,000 virtual machine steps. (FTS5 reads its postings between steps: a
            # query is stopped at its next step.)
            connection.set_progress_handler(self._progress, 10_000)

    def spent(self) -> bool:
        """Whether the budget is spent. The wall clock first: CPU time never runs ahead of
        it, and it is read without a system call, which the thread's CPU clock takes."""
        if self.budget is None:
            return False
        seconds, wall_start, cpu_start = self.budget
        if time.monotonic() - wall_start <= seconds:
            return False
        return time.thread_time() - cpu_start > seconds

    def _progress(self) -> int:
        if self.spent():
            self.over_budget = True
            return 1
        return 1 if time.monotonic() > self.deadline else 0


class SqliteReader(Reader):
    """Long-lived read-only SQLite connections, one per worker thread, each query cut off
    after `time_limit_ms` by SQLite's progress handler."""

    # Prepared statements kept per connection: every query shape the API issues fits.
    CACHED_STATEMENTS = 512
    # Answers kept by `memoised` (totals, facet counts, search terms), for all threads.
    MEMO_SIZE = 4096
    # SQLite's page cache per serving connection (KiB; SQLite's default is 2 MB): a common
    # word's search pages read several times faster from 64 MB than from 2 or 32
    # (docs/performance.md). Exports read through their own snapshot connection with the
    # default, so a long export does not grow the process by this much per thread.
    CACHE_KIB = 64 * 1024

    dialect = DIALECT
    search = SEARCH

    def __init__(self, path: Path, time_limit_ms: int, memo: Memo | None = None) -> None:
        self.path = path
        self.time_limit = time_limit_ms / 1000
        self.memo = memo or Memo(self.MEMO_SIZE)
        self._local = threading.local()

    @property
    def location(self) -> str:
        """The database file's absolute path."""
        return str(self.path.resolve())

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            f"{self.path.resolve().as_uri()}?mode=ro",
            uri=True,
            check_same_thread=False,
            isolation_level=None,
            cached_statements=self.CACHED_STATEMENTS,
        )
        connection.execute("PRAGMA query_only = ON")
        return connection

    def _link(self) -> _Link:
        link: _Link | None = getattr(self._local, "link", None)
        if link is None:
            link = self._local.link = _Link(self._open())
            link.connection.execute(f"PRAGMA cache_size = -{self.CACHE_KIB}")
        return link

    @contextmanager
    def consistent(self) -> Iterator[None]:
        """Every query of this thread in the block sees one committed state (one read
        transaction)."""
        connection = self._link().connection
        if connection.in_transaction:  # already inside one (or a snapshot's)
            yield
            return
        connection.execute("BEGIN")
        try:
            yield
        finally:
            self._link().state_read = None
            if connection.in_transaction:  # an interrupted query may have ended it already
                connection.execute("COMMIT")

    @contextmanager
    def within(self, seconds: float) -> Iterator[None]:
        """The queries of this thread in the block may spend `seconds` of its CPU time; past
        that, the running one stops at its next progress check."""
        link = self._link()
        link.budget = (seconds, time.monotonic(), time.thread_time())
        try:
            yield
        finally:
            link.budget = None
            link.over_budget = False

    def snapshot(self) -> "SqliteSnapshot":
        """A reader on its own connection inside one read transaction (sharing the kept
        answers)."""
        return SqliteSnapshot(self.path, int(self.time_limit * 1000), self.memo)

    def backup_to(self, target: Path) -> None:
        """Copy the database to `target` with SQLite's online backup API."""
        source = self._open()
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
            destination.execute("PRAGMA journal_mode = DELETE")
        finally:
            destination.close()
            source.close()

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Every row of a query, as dicts."""
        link = self._link()
        if link.spent():
            raise OverBudget(sql)  # spent between statements: none starts after it
        link.deadline = time.monotonic() + self.time_limit
        try:
            cursor = link.connection.execute(sql, _adapted(params) if params else {})
            found = cursor.fetchall()
        except sqlite3.OperationalError as error:
            if str(error) == "interrupted":
                if link.over_budget:
                    raise OverBudget(sql) from None
                raise QueryTimeout(sql) from error
            raise
        if not found:
            return []
        names = [column[0] for column in cursor.description]
        return as_rows(names, found)

    def close(self) -> None:
        """Close this thread's connection (the others close with their threads)."""
        link: _Link | None = getattr(self._local, "link", None)
        if link is not None:
            link.connection.close()
            self._local.link = None

    def data_version(self) -> int:
        """The `data_version` row every load moves, read once per read transaction."""
        return self.data_state()[0]

    def data_state(self) -> tuple[int, Any]:
        """The data version and when it last moved, read once per read transaction (each
        time outside one)."""
        link = self._link()
        if not link.connection.in_transaction:
            return super().data_state()
        if link.state_read is None:
            link.state_read = super().data_state()
        return link.state_read


class SqliteSnapshot(SqliteReader):
    """Reads on one dedicated connection inside one read transaction: a consistent snapshot."""

    def __init__(self, path: Path, time_limit_ms: int, memo: Memo | None = None) -> None:
        super().__init__(path, time_limit_ms, memo)
        self._snapshot = _Link(self._open())
        self._snapshot.connection.execute("BEGIN")

    def _link(self) -> _Link:
        return self._snapshot

    def close(self) -> None:
        """End the read transaction and close the connection."""
        self._snapshot.connection.close()


class SqliteLoadReader(SqliteReader):
    """The read queries, run on a load's own connection inside its open transaction: derived
    data (app/derived.py) is built by the code that serves, from what the load wrote.

    No time limit: a load's reads take as long as the load does.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.path = Path(connection.execute("PRAGMA database_list").fetchone()[2])
        self.time_limit = math.inf
        self.memo = Memo(self.MEMO_SIZE)
        self._held = _Link(connection, time_limited=False)

    def _link(self) -> _Link:
        return self._held

    def close(self) -> None:
        """Nothing to close: the connection is the load's."""


def load_reader(connection: Connection) -> SqliteLoadReader:
    """A reader on the load's own connection (a SQLAlchemy one), inside its transaction."""
    raw = connection.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return SqliteLoadReader(raw)


def derived_version(connection: Connection) -> int:
    """The version of the derived data stored (0: none yet): SQLite's `user_version`."""
    version: int = connection.execute(text("PRAGMA user_version")).scalar_one()
    return version


def set_derived_version(connection: Connection, version: int) -> None:
    """Record which version of the derived data is stored, in the caller's transaction."""
    connection.execute(text(f"PRAGMA user_version = {int(version)}"))


@contextmanager
def large_cache(connection: Connection, cache_kib: int) -> Iterator[None]:
    """The connection's page cache at `cache_kib` in the block, its own size after."""
    cache_size = connection.execute(text("PRAGMA cache_size")).scalar_one()
    connection.execute(text(f"PRAGMA cache_size = -{int(cache_kib)}"))
    try:
        yield
    finally:
        connection.execute(text(f"PRAGMA cache_size = {int(cache_size)}"))


def check_integrity(path: Path) -> int:
    """Fail when the database file is damaged (SQLite's `quick_check`, which reads every
    page); the number of pages checked."""
    pages = 0
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
            found = [row[0] for row in connection.execute("PRAGMA quick_check(3)")]
            pages = int(connection.execute("PRAGMA page_count").fetchone()[0])
    except sqlite3.Error as error:
        found = [str(error)]
    if found != ["ok"]:
        # One line for the operator: SQLite's report, its lines joined.
        problems = [line.strip("* ") for text in found for line in text.splitlines()]
        raise DatabaseNotReady(
            f"the database at {path} is damaged ({'; '.join(problems[:3])}): restore it from a "
            "copy, or rebuild it with `python -m app migrate` and `python -m app seed`"
        )
    return pages


def check_database(path: Path, schema_head: str, derived: int) -> None:
    """Fail, with what to do, unless the file exists, is migrated to `schema_head` and holds
    derived data of version `derived`."""
    if not path.exists():
        raise DatabaseNotReady(
            f"no database at {path}: run `python -m app migrate` and `python -m app seed`"
        )
    if not path.is_file():
        raise DatabaseNotReady(f"{path} is not a file: DATABASE_URL must name a SQLite file")
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
            migrated = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
            row = None
            if migrated:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            (stored,) = connection.execute("PRAGMA user_version").fetchone()
    except sqlite3.Error as error:
        raise DatabaseNotReady(f"cannot read the database at {path}: {error}") from None
    if not migrated:
        raise DatabaseNotReady(
            f"the database at {path} has no schema (it was never migrated): "
            "run `python -m app migrate` and `python -m app seed`"
        )
    if row is None or row[0] != schema_head:
        raise DatabaseNotReady(
            f"the database at {path} is at schema {row[0] if row else 'none'}, not "
            f"{schema_head}: run `python -m app migrate`"
        )
    if stored != derived:
        raise DatabaseNotReady(
            f"the search index and visit documents in {path} are version {stored}, this "
            f"service reads version {derived}: run `python -m app migrate` to rebuild them"
        )


def standalone(path: Path) -> None:
    """Out of WAL mode: the file holds everything and reads on its own."""
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")
