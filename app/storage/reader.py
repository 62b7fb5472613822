"""The read side's interface: what queries and routes may ask of a database, on any engine.

An engine's implementation (app/storage/sqlite.py) subclasses `Reader`; nothing above
app/storage names the engine it runs on.
"""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

Row = dict[str, Any]


class QueryTimeout(Exception):
    """A read query ran longer than the configured limit."""


class OverBudget(Exception):
    """A read ran past the time it was allowed (`Reader.within`)."""


class DatabaseNotReady(RuntimeError):
    """The database is missing, unreadable or not migrated to the newest schema."""


class Reader(ABC):
    """Read-only access to the database, one connection per worker thread.

    Reads skip the ORM: rows come back as dicts, ready to shape and encode once. Every
    query stops with QueryTimeout past the configured time limit.
    """

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the database is (a file, a server's address): a key for files made from it."""

    @abstractmethod
    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Every row of a query, as dicts."""

    def one(self, sql: str, params: Mapping[str, Any] | None = None) -> Row | None:
        """The first row of a query, or None."""
        found = self.rows(sql, params)
        return found[0] if found else None

    def scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        """The first column of the first row."""
        row = self.one(sql, params)
        return None if row is None else next(iter(row.values()))

    @abstractmethod
    def memoised(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """`rows(sql, params)`, kept until the data changes: for totals and facet counts,
        whose cost grows with the rows they count while their answer changes only with a
        load. Callers must not modify the rows."""

    def memoised_scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        """The first column of the first row of `memoised(sql, params)`."""
        found = self.memoised(sql, params)
        return next(iter(found[0].values())) if found else None

    @abstractmethod
    def consistent(self) -> AbstractContextManager[None]:
        """Every query of this thread in the block sees one committed state: a request that
        runs several queries never mixes data from before and after a load's commit."""

    @abstractmethod
    def within(self, seconds: float) -> AbstractContextManager[None]:
        """The queries of this thread in the block may run until `seconds` from now, all
        together; past that, the running one stops with OverBudget and any later one
        before it starts."""

    @abstractmethod
    def snapshot(self) -> "Reader":
        """A reader whose every query sees the same committed state, until it is closed."""

    @abstractmethod
    def backup_to(self, target: Path) -> None:
        """Copy the database, consistently, to the SQLite file `target`."""

    @abstractmethod
    def close(self) -> None:
        """Close this thread's connection (the others close with their threads)."""
