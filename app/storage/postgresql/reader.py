"""PostgreSQL's readers: a connection pool, one `REPEATABLE READ READ ONLY` transaction per
request, `statement_timeout` as the time limit, the SQL dialect, and the readiness checks.

Rows come back as SQLite's driver hands them to the layer above, so that the queries shape
the same answers on both engines: dates as ISO text, timestamps as the UTC text SQLite
stores (`YYYY-MM-DD HH:MM:SS.ffffff`), booleans as 0 and 1, whole numbers from `numeric`
(`sum`) as integers.
"""

import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import psycopg
from psycopg import errors
from psycopg.adapt import Loader
from psycopg.types.datetime import TimestamptzLoader
from psycopg.types.string import TextLoader
from psycopg_pool import ConnectionPool
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from app.storage.postgresql.search import TsSearch
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


class ValueList(tuple[Any, ...]):
    """A list of values bound as one parameter (a PostgreSQL array), hashable so that a
    memoised query's parameters can be its key."""


def _register_adapters() -> None:
    from psycopg.types.array import ListDumper

    psycopg.adapters.register_dumper(ValueList, ListDumper)


_register_adapters()


class PgDialect(Dialect):
    """PostgreSQL's SQL: lists are arrays."""

    def in_list(self, name: str) -> str:
        """`= ANY` of the array `:name`."""
        return f"= ANY(:{name})"

    def list_param(self, values: Iterable[Any]) -> ValueList:
        """The values as an array."""
        return ValueList(values)

    def year_of(self, column: str) -> str:
        """The year of the date, as four digits."""
        return f"to_char({column}, 'YYYY')"

    def joined(self, expression: str, separator: str) -> str:
        """`string_agg`."""
        return f"string_agg({expression}, '{separator}')"

    def days_between(self, first: str, last: str) -> str:
        """The difference of two dates, in days."""
        return f"({last} - {first})"

    def merged_arm(self, select: str, order: str) -> str:
        """The select in its order, cut after the page: PostgreSQL unites whole arms and
        then sorts, so each arm stops at the page's rows."""
        return f"({select} ORDER BY {order} LIMIT :page_limit)"


DIALECT = PgDialect()
SEARCH = TsSearch()

# `:name` outside quoted literals and casts (`::`), SQLAlchemy's style, as psycopg's
# `%(name)s`; a literal `%` doubled.
_TOKENS = re.compile(r"'(?:[^']|'')*'|::|(?<![:\w]):(\w+)|%")


@lru_cache(maxsize=4096)
def pyformat(sql: str) -> str:
    """The statement with its `:name` parameters in psycopg's style."""

    def replace(found: re.Match[str]) -> str:
        matched = found.group(0)
        if found.group(1) is not None:
            return f"%({found.group(1)})s"
        return matched.replace("%", "%%")  # a `%`, alone or in a literal

    return _TOKENS.sub(replace, sql)


# PostgreSQL's text cannot hold NUL, so no stored value has one, and psycopg refuses a
# parameter holding one (the request would be a 503). A filter value with NUL (`kind=%00`)
# matches nothing on SQLite; U+FFFE, a noncharacter no record holds, matches nothing here too.
NOT_STORABLE = "\x00"
NEVER_STORED = "\ufffe"


def storable(value: Any) -> Any:
    """`value` (a parameter, or a list of them) with any NUL made NEVER_STORED."""
    if isinstance(value, str):
        return value.replace(NOT_STORABLE, NEVER_STORED) if NOT_STORABLE in value else value
    if isinstance(value, list | tuple):
        return type(value)(storable(item) for item in value)
    return value


class _TimestampText(TimestamptzLoader):
    def load(self, data: Any) -> str:  # type: ignore[override]
        moment: datetime = super().load(data)
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


class _BooleanNumber(Loader):
    def load(self, data: Any) -> int:
        return 1 if bytes(data) == b"t" else 0


class _NumericNumber(Loader):
    def load(self, data: Any) -> int | float:
        found = bytes(data).decode()
        return float(found) if "." in found or "e" in found.lower() else int(found)


def adapt_connection(connection: psycopg.Connection[Any] | psycopg.Cursor[Any]) -> None:
    """Rows as SQLite's driver gives them (see the module's docstring)."""
    adapters = connection.adapters
    # A date as PostgreSQL writes it (DateStyle ISO): the text loader, in C.
    adapters.register_loader("date", TextLoader)
    adapters.register_loader("timestamptz", _TimestampText)
    adapters.register_loader("bool", _BooleanNumber)
    adapters.register_loader("numeric", _NumericNumber)


def libpq_url(database_url: str) -> str:
    """The URL as libpq reads it (no SQLAlchemy driver name)."""
    url = make_url(database_url)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def where(database_url: str) -> str:
    """The server and database a URL names, without its password: for messages."""
    url = make_url(database_url)
    return f"{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


POOL_MIN = 1
POOL_MAX = 16


class PgReader(Reader):
    """Read-only transactions on pooled connections, one held per thread while a request
    reads (`consistent`), every statement stopped by `statement_timeout`."""

    MEMO_SIZE = 4096

    dialect = DIALECT
    search = SEARCH
    on_the_loop = False  # every read waits on the server: on a worker thread
    # Called on the thread that takes a connection from the pool or gives a snapshot's back,
    # before it does (None: nothing): the tests' check that no read of a served app runs on
    # the event loop (tests/api/test_offload.py).
    on_checkout: Callable[[], None] | None = None

    def __init__(
        self,
        database_url: str,
        time_limit_ms: int,
        memo: Memo | None = None,
        pool: ConnectionPool | None = None,
        backup: Callable[[str, Path], None] | None = None,
        pool_size: int = POOL_MAX,
    ) -> None:
        self.database_url = database_url
        self.backup = backup
        self.pool_size = pool_size
        self.time_limit_ms = time_limit_ms
        self.memo = memo or Memo(self.MEMO_SIZE)
        self._local = threading.local()
        self._own_pool = pool is None
        self._pool = pool
        self._pool_lock = threading.Lock()

    @property
    def pool(self) -> ConnectionPool:
        """The connection pool, opened on first use (and again after `close`)."""
        pool = self._pool
        if pool is None or pool.closed:
            with self._pool_lock:
                if self._pool is None or self._pool.closed:
                    self._pool = ConnectionPool(
                        libpq_url(self.database_url),
                        min_size=POOL_MIN,
                        max_size=max(POOL_MIN, self.pool_size),
                        configure=self._configure,
                        open=True,
                        name="reads",
                    )
                pool = self._pool
        return pool

    def _configure(self, connection: psycopg.Connection[Any]) -> None:
        adapt_connection(connection)
        connection.execute(f"SET statement_timeout = {int(self.time_limit_ms)}")
        connection.execute("SET TIME ZONE 'UTC'")
        connection.execute("SET DateStyle = 'ISO, YMD'")
        # Read-only whatever runs on it, with or without a transaction of ours.
        connection.execute("SET default_transaction_read_only = on")
        connection.commit()
        # A statement outside `consistent` is its own transaction: one round trip, not
        # three (BEGIN, it, COMMIT); `consistent` sends its own BEGIN (`_execute`).
        connection.autocommit = True

    @property
    def location(self) -> str:
        """The server and database."""
        return where(self.database_url)

    @contextmanager
    def _held(self) -> Iterator[psycopg.Connection[Any]]:
        """This thread's connection: the one its open transaction holds, else one from the
        pool for a single statement."""
        held: psycopg.Connection[Any] | None = getattr(self._local, "connection", None)
        if held is not None:
            yield held
            return
        self._checking_out()
        with self.pool.connection() as connection:
            yield connection

    @contextmanager
    def consistent(self) -> Iterator[None]:
        """One `REPEATABLE READ READ ONLY` transaction on one pooled connection for the
        block: every query in it sees one snapshot.

        The BEGIN goes with the block's first statement (`_execute`), and the snapshot is
        taken by that statement, as it would be after a BEGIN of its own; the pooled
        connection's context manager commits at the end (rolls back on an error)."""
        if getattr(self._local, "connection", None) is not None:
            yield
            return
        self._checking_out()
        with self.pool.connection() as connection:
            self._local.connection = connection
            self._local.state = None
            self._local.begin = True
            try:
                yield
            finally:
                self._local.connection = None
                self._local.state = None
                self._local.begin = False

    def _checking_out(self) -> None:
        if self.on_checkout is not None:
            self.on_checkout()

    @contextmanager
    def within(self, seconds: float) -> Iterator[None]:
        """A budget for the block: on PostgreSQL the work runs in the server, so the budget
        is checked between statements and the running one is cut by its `statement_timeout`
        (no CPU of this thread to count)."""
        self._local.budget_end = time.monotonic() + seconds
        try:
            yield
        finally:
            self._local.budget_end = None

    def snapshot(self) -> "PgSnapshot":
        """A reader on its own connection inside one read transaction (sharing the kept
        answers and the pool)."""
        snapshot = PgSnapshot(
            self.database_url, self.time_limit_ms, self.memo, self.pool, self.on_checkout
        )
        snapshot.pool_size = self.pool_size
        snapshot.backup = self.backup
        return snapshot

    def backup_to(self, target: Path) -> None:
        """The database as the SQLite file `target`: its records copied and its derived
        data built there (the `backup` given by the layer above, `app.copy`)."""
        if self.backup is None:
            raise NotImplementedError("no copy to SQLite was given to this reader")
        self.backup(self.database_url, target)

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Every row of a query, as dicts."""
        budget_end = getattr(self._local, "budget_end", None)
        if budget_end is not None and time.monotonic() > budget_end:
            raise OverBudget(sql)
        return self._execute(sql, params)

    def _execute(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        statement = pyformat(sql)
        with self._held() as connection:
            bound = {name: storable(value) for name, value in params.items()} if params else None
            try:
                if getattr(self._local, "begin", False):
                    self._local.begin = False
                    cursor = _begin_with(connection, statement, bound)
                else:
                    cursor = connection.execute(statement, bound)
            except errors.QueryCanceled as error:
                raise QueryTimeout(sql) from error
            result = cursor.pgresult
            if result is None or not result.nfields:
                return []
            found = cursor.fetchall()
            # From the result itself: `cursor.description` builds a Column object per column.
            names = [(result.fname(i) or b"").decode() for i in range(result.nfields)]
        return as_rows(names, found)

    def _state(self) -> tuple[int, Any]:
        found = self.rows("SELECT version, changed_at FROM data_version WHERE id = 1")
        return (0, None) if not found else (int(found[0]["version"]), found[0]["changed_at"])

    def close(self) -> None:
        """Close the pool's connections (a reader made by `open_reader` owns its pool; the
        next read opens a new one)."""
        if self._own_pool and self._pool is not None:
            self._pool.close()

    def data_version(self) -> int:
        """The `data_version` row every load moves, read once per transaction."""
        return self.data_state()[0]

    def data_state(self) -> tuple[int, Any]:
        """The `data_version` row, read once per transaction: the version the kept answers
        are keyed by and the one the ETag names are one read."""
        if getattr(self._local, "connection", None) is None:
            return self._state()
        if self._local.state is None:
            self._local.state = self._state()
        state: tuple[int, Any] = self._local.state
        return state


BEGIN = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"


def _begin_with(
    connection: psycopg.Connection[Any], statement: str, bound: Mapping[str, Any] | None
) -> psycopg.Cursor[Any]:
    """`statement` as the first of a transaction (on a connection in autocommit): the BEGIN
    sent with it in one round trip when it has no parameters (one simple query of two
    statements, never prepared), else on its own first."""
    if bound is None:
        cursor = connection.execute(f"{BEGIN}; {statement}", prepare=False)
        cursor.nextset()
        return cursor
    connection.execute(BEGIN)
    return connection.execute(statement, bound)


class PgSnapshot(PgReader):
    """Reads on one dedicated connection inside one read transaction: a consistent snapshot."""

    def __init__(
        self,
        database_url: str,
        time_limit_ms: int,
        memo: Memo | None,
        pool: ConnectionPool,
        on_checkout: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(database_url, time_limit_ms, memo, pool)
        self.on_checkout = on_checkout
        self._checking_out()
        self._connection = pool.getconn()
        self._connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        self._connection.read_only = True
        self._transaction = self._connection.transaction()
        self._transaction.__enter__()
        self._kept_state: tuple[int, Any] | None = None

    @contextmanager
    def _held(self) -> Iterator[psycopg.Connection[Any]]:
        yield self._connection

    @contextmanager
    def consistent(self) -> Iterator[None]:
        yield

    def data_state(self) -> tuple[int, Any]:
        """Read once: the snapshot does not move."""
        if self._kept_state is None:
            self._kept_state = self._state()
        return self._kept_state

    def close(self) -> None:
        """End the read transaction and give the connection back."""
        self._checking_out()
        try:
            self._transaction.__exit__(None, None, None)
        finally:
            self._connection.read_only = False
            self._connection.isolation_level = None
            self.pool.putconn(self._connection)


class PgLoadReader(PgReader):
    """The read queries on a load's own connection inside its open transaction (no time
    limit): derived data is built by the code that serves, from what the load wrote."""

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self.database_url = "postgresql://load"
        self.time_limit_ms = 0
        self.memo = Memo(self.MEMO_SIZE)
        self._local = threading.local()
        self._own_pool = False
        self.pool_size = POOL_MAX
        self._pool = None
        self._pool_lock = threading.Lock()
        self.backup = None
        self._connection = connection
        self._kept_state: tuple[int, Any] | None = None

    @property
    def location(self) -> str:
        """The load's connection."""
        return "load"

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Every row of a query, as dicts, on the load's connection."""
        cursor = self._connection.cursor()
        adapt_connection(cursor)
        cursor.execute(pyformat(sql), dict(params) if params else None)
        if cursor.description is None:
            return []
        names = [column.name for column in cursor.description]
        return as_rows(names, cursor.fetchall())

    @contextmanager
    def consistent(self) -> Iterator[None]:
        yield

    def data_state(self) -> tuple[int, Any]:
        """Read once, as SQLite's load reader reads it once per transaction: the reader is
        made once the load's writes have moved the version (app/derived.py), and building
        the derived data does not move it (a page build reads it for every memoised count)."""
        if self._kept_state is None:
            self._kept_state = self._state()
        return self._kept_state

    def close(self) -> None:
        """Nothing to close: the connection is the load's."""


def load_reader(connection: Connection) -> PgLoadReader:
    """A reader on the load's own connection (a SQLAlchemy one), inside its transaction."""
    raw = connection.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    return PgLoadReader(raw)


def derived_version(connection: Connection) -> int:
    """The version of the derived data stored (0: none yet): the `derived_data` row."""
    found = connection.execute(text("SELECT version FROM derived_data WHERE id = 1")).scalar()
    return int(found or 0)


def set_derived_version(connection: Connection, version: int) -> None:
    """Record which version of the derived data is stored, in the caller's transaction."""
    connection.execute(
        text("UPDATE derived_data SET version = :version WHERE id = 1"), {"version": int(version)}
    )


def connect_or_fail(database_url: str) -> psycopg.Connection[Any]:
    """A connection, or DatabaseNotReady in one line when the server cannot be reached."""
    try:
        return psycopg.connect(libpq_url(database_url), connect_timeout=5)
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "no answer"
        raise DatabaseNotReady(
            f"cannot reach the PostgreSQL database {where(database_url)}: {reason}"
        ) from None


def check_database(database_url: str, schema_head: str, derived: int) -> None:
    """Fail, with what to do, unless the database is reachable, migrated to `schema_head`
    and holds derived data of version `derived`."""
    place = where(database_url)
    with connect_or_fail(database_url) as connection:
        migrated = connection.execute("SELECT to_regclass('alembic_version')").fetchone()
        if migrated is None or migrated[0] is None:
            raise DatabaseNotReady(
                f"the PostgreSQL database {place} has no schema (it was never migrated): "
                "run `python -m app migrate` and `python -m app seed`"
            )
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        if row is None or row[0] != schema_head:
            raise DatabaseNotReady(
                f"the PostgreSQL database {place} is at schema {row[0] if row else 'none'}, "
                f"not {schema_head}: run `python -m app migrate`"
            )
        stored = connection.execute("SELECT version FROM derived_data WHERE id = 1").fetchone()
        if stored is None or stored[0] != derived:
            raise DatabaseNotReady(
                f"the search index and stored documents in {place} are version "
                f"{stored[0] if stored else 0}, this service reads version {derived}: run "
                "`python -m app migrate` to rebuild them"
            )


def check_integrity(database_url: str) -> int:
    """The server keeps its own pages sound (checksums, WAL): count the tables' pages read
    by a plain query, failing when the database cannot be read."""
    with connect_or_fail(database_url) as connection:
        try:
            found = connection.execute(
                "SELECT coalesce(sum(pg_relation_size(oid)), 0) / "
                "current_setting('block_size')::int FROM pg_class WHERE relkind = 'r' "
                "AND relnamespace = 'public'::regnamespace"
            ).fetchone()
        except psycopg.Error as error:
            raise DatabaseNotReady(f"cannot read the PostgreSQL database: {error}") from None
    return int(found[0]) if found else 0
