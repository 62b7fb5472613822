"""The read side's interface: what queries and routes may ask of a database, on any engine.

An engine's implementation (app/storage/sqlite/) subclasses `Reader`, `Dialect` and
`TextSearch`; nothing above app/storage names the engine it runs on. What differs between
engines in the SQL itself (lists of values, years of dates, string aggregation, full-text
matching) is asked of the reader's `dialect` and `search` as fragments.
"""

import re
import threading
from abc import ABC, abstractmethod
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any

Row = dict[str, Any]


def as_rows(names: list[str], values: Iterable[tuple[Any, ...]]) -> list[Row]:
    """Each tuple of `values` as a dict of `names`, built in C by `map`: a comprehension
    costs 1.7x as much (38 against 22 µs for a page of 51 rows)."""
    return list(map(dict, map(zip, repeat(names), values)))


class QueryTimeout(Exception):
    """A read query ran longer than the configured limit."""


class OverBudget(Exception):
    """A read ran past the time it was allowed (`Reader.within`)."""


class DatabaseNotReady(RuntimeError):
    """The database is missing, unreadable or not migrated to the newest schema."""


class Dialect(ABC):
    """SQL fragments that differ between engines."""

    # Whether an index read ascending gives NULLs first (descending, last), the order the
    # API lists them in: then a first page reads its NULL keys in the same range.
    nulls_sort_low: bool = False

    @abstractmethod
    def in_list(self, name: str) -> str:
        """`IN (...)` over the values bound as `:name` (made by `list_param`): one statement
        text whatever the number of values."""

    @abstractmethod
    def list_param(self, values: Iterable[Any]) -> Any:
        """Values (strings, numbers) as the one parameter `in_list` reads."""

    @abstractmethod
    def year_of(self, column: str) -> str:
        """The year, as text, of a date column."""

    @abstractmethod
    def joined(self, expression: str, separator: str) -> str:
        """An aggregate: the group's values of `expression` joined by `separator`."""

    @abstractmethod
    def days_between(self, first: str, last: str) -> str:
        """Whole days from the date `first` to the date `last`."""

    @abstractmethod
    def merged_arm(self, select: str, order: str) -> str:
        """One index range of a `UNION` that is read in the order `order` (the ORDER BY
        list of `select`'s own columns) and cut after `:page_limit` rows."""


# The searchable resources, each one's records in the table of its name. Never reorder: an
# engine may number documents by position (add at the end).
SEARCHABLE = (
    "visit",
    "meeting",
    "participant",
    "agreement",
    "tour",
    "statement",
    "source",
    "country",
    "topic",
)

# The dated column whose order a resource's matches can be read in: the lists' default
# sorts. The others' matches have no order.
SEARCH_ORDER = {
    "visit": "start_date",
    "meeting": "date",
    "agreement": "signed_on",
    "tour": "start_date",
    "source": "published_on",
}


# Words as the user typed them; everything else (operators, quotes, punctuation) is a separator,
# so no input can reach an engine's query syntax.
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 32


def search_words(query: str) -> list[str]:
    """The words of `query` that a match requires, each as a prefix (at most
    MAX_QUERY_WORDS): the search language of every engine."""
    return [w for w in _WORD.findall(query) if w.strip("_")][:MAX_QUERY_WORDS]


class TextSearch(ABC):
    """Full-text search over the records' search documents (app/search.py).

    Matches of one resource can be read in the order of its dated column
    (`app.search.ORDER_COLUMNS`) a day at a time: a day is `date.toordinal()`, 0 undated.
    """

    @abstractmethod
    def expression(self, db: "Reader", query: str, resource: str | None = None) -> str | None:
        """The engine's expression for records (of `resource`, if given) holding every word
        of `query` as a prefix, to bind as `:match`; None when `query` holds no words."""

    @abstractmethod
    def condition(self, resource: str, alias: str, first: int | None = None) -> str:
        """SQL: the record of `resource` aliased `alias` matches `:match` (and is among the
        `first` matches in the index's order, if given)."""

    @abstractmethod
    def count(self, db: "Reader", resource: str | None, match: str, cap: int) -> int:
        """How many records (of `resource`, else of every resource) match, counting no
        further than `cap + 1`."""

    @abstractmethod
    def nth_day(
        self,
        db: "Reader",
        resource: str,
        match: str,
        days: tuple[int, int],
        descending: bool,
        skip: int,
    ) -> int | None:
        """The day of the match after the first `skip` whose day is in `days` (inclusive),
        walking days up (or down, `descending`); None when there are no more."""

    @abstractmethod
    def between_days(
        self, resource: str, alias: str, days: tuple[int, int]
    ) -> tuple[str, str, dict[str, Any]]:
        """The matches whose day is in `days`: a FROM clause to read first, the condition
        joining the record aliased `alias` to it, and their parameters."""

    def ranked(
        self,
        db: "Reader",
        match: str,
        resource: str | None,
        after: tuple[float, int] | None,
        limit: int,
        before: tuple[float, int] | None = None,
    ) -> list[Row]:
        """Up to `limit + 1` matches (of `resource`, else of every resource), best first,
        after the (score, position) `after` (or, given `before`, the `limit + 1` just before
        that one): rows of `resource`, `record_id`, `title`, `body` (the search document's),
        `score` (1 to 2: 1 + how much of the title the query's words are, whatever `resource`
        is) and `position`. Only a bounded number of candidates per resource is ranked (the
        engine says which: `scores`); ties go to the latest records (`best_first`).

        The ranking of a (match, resource) is kept per data version (at most RANKINGS of
        them): a page costs a binary search in it and one read of its hits' documents."""
        ranking: Ranking = db.kept(
            ("search ranking", match, resource),
            lambda: [{"ranking": self._ranking(db, match, resource)}],
            db.memo.part("search rankings", RANKINGS),
        )[0]["ranking"]
        chosen = ranking.page(self.best_first, after, before, limit)
        if not chosen:
            return []
        hits = self.documents(db, [position for position, _ in chosen])
        return [{**hits[position], "score": score} for position, score in chosen]

    def _ranking(self, db: "Reader", match: str, resource: str | None) -> "Ranking":
        scores = self.scores(db, match, resource)
        order = sorted(scores, key=lambda position: self.best_first(scores[position], position))
        return Ranking(array("q", order), array("d", (scores[p] for p in order)))

    @abstractmethod
    def scores(self, db: "Reader", match: str, resource: str | None) -> dict[int, float]:
        """The score of each candidate (of `resource`, else of every resource), by position:
        1 + how much of its title the query's words are, rounded to 6 places."""

    @abstractmethod
    def best_first(self, score: float, position: int) -> tuple[float, int, int, int]:
        """The order of ranked hits, ascending: higher score, later day, then by resource
        (in SEARCHABLE's order) and later record first."""

    @abstractmethod
    def documents(self, db: "Reader", positions: list[int]) -> dict[int, Row]:
        """The search documents at `positions`, by position: `position`, `resource`,
        `record_id`, `title`, `body`."""


# Rankings of searches kept per reader (`TextSearch.ranked`): each at most 1,800 positions
# and scores, 29 KB.
RANKINGS = 256


@dataclass(frozen=True)
class Ranking:
    """A search's candidates best first, with their scores."""

    positions: array  # type: ignore[type-arg]
    scores: array  # type: ignore[type-arg]

    def page(
        self,
        best_first: Callable[[float, int], tuple[float, int, int, int]],
        after: tuple[float, int] | None,
        before: tuple[float, int] | None,
        limit: int,
    ) -> list[tuple[int, float]]:
        """(position, score) of the `limit + 1` candidates after `after` (or just before
        `before`), found by binary search in the order."""
        positions, scores = self.positions, self.scores

        def order(index: int) -> tuple[float, int, int, int]:
            return best_first(scores[index], positions[index])

        indexes = range(len(positions))
        start = 0 if after is None else bisect_right(indexes, best_first(*after), key=order)
        end = len(positions)
        if before is not None:
            end = bisect_left(indexes, best_first(*before), key=order)
            start = max(start, end - (limit + 1))
        end = min(end, start + limit + 1)
        return [(positions[i], scores[i]) for i in range(start, end)]


class Memo:
    """Answers kept per data version, shared by every thread reading one database: totals
    and facet counts, whose cost grows with the rows they count while they change only with
    a load. The least recently used go first once the weights kept (1 an answer unless the
    caller says more) pass `size`. A part (`part`) is a memo of its own bound inside this
    one, for larger answers (search rankings and pages); none keeps anything while this
    one's size is 0."""

    def __init__(self, size: int, whole: "Memo | None" = None) -> None:
        self.size = size
        self._whole = whole
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple[Any, ...], tuple[list[Row], int]] = OrderedDict()
        self._weight = 0
        self._parts: dict[str, Memo] = {}

    def get(self, key: tuple[Any, ...]) -> list[Row] | None:
        """The answer kept under `key`, if any."""
        with self._lock:
            found = self._kept.get(key)
            if found is None:
                return None
            self._kept.move_to_end(key)
            return found[0]

    def put(self, key: tuple[Any, ...], rows: list[Row], weight: int = 1) -> None:
        """Keep `rows` under `key`, weighing `weight`."""
        if self._whole is not None and self._whole.size == 0:
            return
        with self._lock:
            previous = self._kept.pop(key, None)
            if previous is not None:
                self._weight -= previous[1]
            self._kept[key] = (rows, weight)
            self._weight += weight
            while self._weight > self.size and self._kept:
                self._weight -= self._kept.popitem(last=False)[1][1]

    def part(self, name: str, size: int) -> "Memo":
        """The part named `name` of this memo, made with `size` the first time."""
        with self._lock:
            found = self._parts.get(name)
            if found is None:
                found = self._parts[name] = Memo(size, self)
            return found


class Reader(ABC):
    """Read-only access to the database, one connection per worker thread.

    Reads skip the ORM: rows come back as dicts, ready to shape and encode once. Every
    query stops with QueryTimeout past the configured time limit. Parameters may be
    strings, numbers, dates and timezone-aware datetimes (adapted to how the engine stores
    them).
    """

    dialect: Dialect
    search: TextSearch
    memo: Memo
    # Whether a read may run on the event loop within a budget of the loop thread's CPU
    # time (an embedded engine, whose reads are CPU work); False for a server, whose every
    # read waits on the network: it always runs on a worker thread.
    on_the_loop: bool = True

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
    def data_version(self) -> int:
        """The version of the data this thread reads now (every load moves it)."""

    def data_state(self) -> tuple[int, Any]:
        """The data version and when it last moved (the `data_version` row; 0 and None
        before any load). An engine may read it once per transaction."""
        row = self.one("SELECT version, changed_at FROM data_version WHERE id = 1")
        if row is None:
            return 0, None
        return int(row["version"]), row["changed_at"]

    def memoised(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """`rows(sql, params)`, kept until a load changes the data (`Memo`); read in the
        caller's transaction, so a kept answer is one for the state the request reads.
        Callers must not modify the rows."""
        return self.kept(
            (sql, tuple(sorted((params or {}).items()))), lambda: self.rows(sql, params)
        )

    def kept(
        self,
        key: tuple[Any, ...],
        make: Callable[[], list[Row]],
        memo: Memo | None = None,
        weight: Callable[[list[Row]], int] | None = None,
    ) -> list[Row]:
        """`make()`, kept under `key` until a load changes the data, in `memo` (the
        reader's by default), weighing `weight(rows)` (1 by default). As `memoised`: read in
        the caller's transaction; callers must not modify what it returns."""
        memo = self.memo if memo is None else memo
        versioned = (self.data_version(), *key)
        found = memo.get(versioned)
        if found is None:
            found = make()
            memo.put(versioned, found, 1 if weight is None else weight(found))
        return found

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
        """The queries of this thread in the block may spend `seconds` of this thread's CPU
        time from now, all together; past that, the running one stops with OverBudget and
        any later one before it starts. CPU time, not wall time: a read that waits while
        the machine runs other work has not held the event loop for longer."""

    @abstractmethod
    def snapshot(self) -> "Reader":
        """A reader whose every query sees the same committed state, until it is closed."""

    @abstractmethod
    def backup_to(self, target: Path) -> None:
        """Copy the database, consistently, to the SQLite file `target`."""

    @abstractmethod
    def close(self) -> None:
        """Close this thread's connection (the others close with their threads)."""


# What a record's search document holds (app/search.py): for a resource, the engine's own
# columns over the record aliased `r` and a condition over it, the SQL of its documents
# (`record_id`, `title`, `body`, then those columns).
DocumentsSql = Callable[[str, str, str], str]


class SearchIndex(ABC):
    """The full-text index as a load writes it, inside the load's transaction."""

    @abstractmethod
    def refresh(self, documents: DocumentsSql, ids: Mapping[str, Collection[str]] | None) -> None:
        """Index again the documents of the records named in `ids` (by resource; a record
        that no longer exists leaves the index), or of every record when `ids` is None."""
