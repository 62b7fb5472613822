"""Database access: the write engine (SQLModel/SQLAlchemy) and the read-only connections.

Everything that differs between SQLite and another database sits in this module:
the connection pragmas, the read-only connections, and `dialect_name()`.
"""

import math
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.config import get_settings
from app.paths import shipped

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

Row = dict[str, Any]


class QueryTimeout(Exception):
    """A read query ran longer than the configured limit."""


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


def year_of(column: str) -> str:
    """SQL for the year (as text) of a stored date column."""
    return f"substr({column}, 1, 4)"


def dialect_name(database_url: str) -> str:
    """`sqlite`, `postgresql`, ...: the one place callers learn which database they run on."""
    return make_url(database_url).get_backend_name()


def _set_sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.close()


def create_write_engine(database_url: str) -> Engine:
    """An engine for migrations and loads; on SQLite, foreign keys on and WAL journaling."""
    path = sqlite_path(database_url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(database_url)
    if dialect_name(database_url) == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


@contextmanager
def write_session(database_url: str | None = None) -> Iterator[Session]:
    """A session in one transaction: committed when the block ends, rolled back on error."""
    engine = create_write_engine(database_url or get_settings().database_url)
    try:
        with Session(engine) as session, session.begin():
            yield session
    finally:
        engine.dispose()


class OverBudget(Exception):
    """A read ran past the time it was allowed (`ReadDatabase.within`)."""


class _Link:
    """One read-only connection and what this module keeps beside it."""

    def __init__(self, connection: sqlite3.Connection, time_limited: bool = True) -> None:
        self.connection = connection
        self.deadline = 0.0  # monotonic time after which the running query is interrupted
        self.budget_ends: float | None = None  # and after which OverBudget stops it, if set
        self.over_budget = False
        self.data_version: int | None = None  # SQLite's, when `memo` was last valid
        self.memo: OrderedDict[tuple[str, tuple[tuple[str, Any], ...]], list[Row]] = OrderedDict()
        if time_limited:
            # Every 10,000 virtual machine steps: about 0.1 ms of a scan here. (FTS5 reads its
            # postings between steps: a query is stopped at its next step.)
            connection.set_progress_handler(self._progress, 10_000)

    def _progress(self) -> int:
        now = time.monotonic()
        if self.budget_ends is not None and now > self.budget_ends:
            self.over_budget = True
            return 1
        return 1 if now > self.deadline else 0


class ReadDatabase:
    """Long-lived read-only SQLite connections, one per worker thread.

    Reads skip the ORM: rows come back as dicts, ready to shape and encode once.
    Each query is cut off after `time_limit_ms` by SQLite's progress handler.
    """

    # Prepared statements kept per connection: every query shape the API issues fits.
    CACHED_STATEMENTS = 512
    # Results kept per connection by `memoised` (totals and facet counts).
    MEMO_SIZE = 1024
    # SQLite's page cache per serving connection (KiB; SQLite's default is 2 MB). At 1M
    # visits a `q=desalination` page (9,800 hits) cost 13 ms with 2 MB and 4.6 ms with
    # 64 MB (32 MB: no better than 2). Exports read through their own snapshot connection
    # with the default, so a long export does not grow the process by this much per thread.
    CACHE_KIB = 64 * 1024

    def __init__(self, path: Path, time_limit_ms: int) -> None:
        self.path = path
        self.time_limit = time_limit_ms / 1000
        self._local = threading.local()

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

    def _connection(self) -> sqlite3.Connection:
        return self._link().connection

    @contextmanager
    def consistent(self) -> Iterator[None]:
        """Every query of this thread in the block sees one committed state: a request that
        runs several queries never mixes data from before and after a load's commit."""
        connection = self._connection()
        if connection.in_transaction:  # already inside one (or a snapshot's)
            yield
            return
        connection.execute("BEGIN")
        try:
            yield
        finally:
            if connection.in_transaction:  # an interrupted query may have ended it already
                connection.execute("COMMIT")

    @contextmanager
    def within(self, seconds: float) -> Iterator[None]:
        """The queries of this thread in the block may run until `seconds` from now, all
        together; past that, the running one stops with OverBudget (at its next progress
        check) and any later one before it starts."""
        link = self._link()
        link.budget_ends = time.monotonic() + seconds
        try:
            yield
        finally:
            link.budget_ends = None
            link.over_budget = False

    def snapshot(self) -> "SnapshotReader":
        """A reader whose every query sees the same committed state, until it is closed."""
        return SnapshotReader(self.path, int(self.time_limit * 1000))

    def backup_to(self, target: Path) -> None:
        """Copy the database, consistently, to `target` (SQLite's online backup API)."""
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
        now = time.monotonic()
        if link.budget_ends is not None and now > link.budget_ends:
            raise OverBudget(sql)  # spent between statements: none starts after it
        link.deadline = now + self.time_limit
        try:
            cursor = link.connection.execute(sql, params or {})
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
        return [dict(zip(names, row, strict=True)) for row in found]

    def one(self, sql: str, params: Mapping[str, Any] | None = None) -> Row | None:
        """The first row of a query, or None."""
        found = self.rows(sql, params)
        return found[0] if found else None

    def close(self) -> None:
        """Close this thread's connection (the others close with their threads)."""
        link: _Link | None = getattr(self._local, "link", None)
        if link is not None:
            link.connection.close()
            self._local.link = None

    def scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        """The first column of the first row."""
        row = self.one(sql, params)
        return None if row is None else next(iter(row.values()))

    def memoised(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """`rows(sql, params)`, kept until the database changes: for totals and facet counts,
        whose cost grows with the rows they count while their answer changes only with a load.

        Whether the file changed is SQLite's own `PRAGMA data_version` (it moves with every
        commit by any other connection), read in the caller's transaction, so a kept answer
        is always one for the state this request reads. Callers must not modify the rows.
        """
        link = self._link()
        (version,) = link.connection.execute("PRAGMA data_version").fetchone()
        if version != link.data_version:
            link.memo.clear()
            link.data_version = version
        key = (sql, tuple(sorted((params or {}).items())))
        found = link.memo.get(key)
        if found is None:
            found = link.memo[key] = self.rows(sql, params)
            if len(link.memo) > self.MEMO_SIZE:
                link.memo.popitem(last=False)
        else:
            link.memo.move_to_end(key)
        return found

    def memoised_scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        """The first column of the first row of `memoised(sql, params)`."""
        found = self.memoised(sql, params)
        return next(iter(found[0].values())) if found else None


class SnapshotReader(ReadDatabase):
    """Reads on one dedicated connection inside one read transaction: a consistent snapshot."""

    def __init__(self, path: Path, time_limit_ms: int) -> None:
        super().__init__(path, time_limit_ms)
        self._snapshot = _Link(self._open())
        self._snapshot.connection.execute("BEGIN")

    def _link(self) -> _Link:
        return self._snapshot

    def close(self) -> None:
        """End the read transaction and close the connection."""
        self._snapshot.connection.close()


class LoadReader(ReadDatabase):
    """The read queries, run on a load's own connection inside its open transaction: derived
    data (app/derived.py) is built by the code that serves, from what the load wrote.

    No time limit: a load's reads take as long as the load does.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.time_limit = math.inf
        self._held = _Link(connection, time_limited=False)

    def _link(self) -> _Link:
        return self._held

    def close(self) -> None:
        """Nothing to close: the connection is the load's."""


def open_read_database(database_url: str, time_limit_ms: int) -> ReadDatabase:
    """Read access to the configured database; the API serves only through this."""
    path = sqlite_path(database_url)
    if path is None:
        raise NotImplementedError(
            f"reads are implemented for SQLite; {dialect_name(database_url)} is not yet served"
        )
    return ReadDatabase(path, time_limit_ms)


def alembic_config(database_url: str) -> "AlembicConfig":
    """Alembic's configuration for this project, pointed at `database_url`."""
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(shipped("migrations")))
    config.set_main_option("sqlalchemy.url", database_url)
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def upgrade_to_head(database_url: str) -> None:
    """Migrate the database forward to the newest schema."""
    from alembic import command

    path = sqlite_path(database_url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url), "head")
    if path is not None:
        _rebuild_stale_derived_data(database_url)


def _rebuild_stale_derived_data(database_url: str) -> None:
    """Build the search index and the stored documents if another version of the service
    built them (or none did: a new or just-migrated database)."""
    from app.derived import DERIVED_VERSION, derived_version, rebuild_derived

    engine = create_write_engine(database_url)
    try:
        with engine.begin() as connection:
            if derived_version(connection) != DERIVED_VERSION:
                rebuild_derived(connection)
    finally:
        engine.dispose()


class DatabaseNotReady(RuntimeError):
    """The database is missing, unreadable or not migrated to the newest schema."""


def check_integrity(database_url: str) -> int:
    """Fail when the database file is damaged (SQLite's `quick_check`, which reads every
    page): a damaged file would otherwise serve and fail request by request. Returns the number
    of pages checked (0 for a database other than SQLite, which is not checked)."""
    path = sqlite_path(database_url)
    if path is None:
        return 0
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


def check_database(database_url: str) -> None:
    """Fail fast, with what to do, when the database cannot be served."""
    path = sqlite_path(database_url)
    if path is None:
        return
    if not path.exists():
        raise DatabaseNotReady(
            f"no database at {path}: run `python -m app migrate` and `python -m app seed`"
        )
    if not path.is_file():
        raise DatabaseNotReady(f"{path} is not a file: DATABASE_URL must name a SQLite file")
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
            migrated = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
            row = None
            if migrated:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            (derived,) = connection.execute("PRAGMA user_version").fetchone()
    except sqlite3.Error as error:
        raise DatabaseNotReady(f"cannot read the database at {path}: {error}") from None
    if not migrated:
        raise DatabaseNotReady(
            f"the database at {path} has no schema (it was never migrated): "
            "run `python -m app migrate` and `python -m app seed`"
        )
    if row is None or row[0] != head:
        raise DatabaseNotReady(
            f"the database at {path} is at schema {row[0] if row else 'none'}, not {head}: "
            "run `python -m app migrate`"
        )
    from app.derived import DERIVED_VERSION

    if derived != DERIVED_VERSION:
        raise DatabaseNotReady(
            f"the search index and visit documents in {path} are version {derived}, this "
            f"service reads version {DERIVED_VERSION}: run `python -m app migrate` to rebuild them"
        )
