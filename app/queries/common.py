"""What every list query shares: keyset paging, date-span overlap, search, shaping helpers."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from zlib_ng import zlib_ng

from app.search import (
    MAX_ORDER_KEY,
    MAX_PREFIX_TERMS,
    ORDER_COLUMNS,
    PREFIX_TERMS_SQL,
    match_count_sql,
    match_expression,
    matching_rowids_sql,
    nth_match_sql,
    order_key,
    order_key_of_document,
    order_key_range,
    prefix_bounds,
    search_words,
)
from app.storage import Reader, Row, timestamp_param


@dataclass(frozen=True)
class Sort:
    """A sort order: a column (by its SQL expression) and a direction; the id breaks ties."""

    column: str
    descending: bool = False


def parse_sort(value: str, columns: Mapping[str, str]) -> Sort:
    """`field` or `-field` (already checked against `columns`) to a Sort."""
    name = value.removeprefix("-")
    return Sort(columns[name], descending=value.startswith("-"))


@dataclass
class Where:
    """AND-ed SQL conditions with their bound parameters."""

    conditions: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    def add(self, condition: str, **params: Any) -> None:
        """Add one condition and the parameters it binds."""
        self.conditions.append(condition)
        self.params.update(params)

    def sql(self) -> str:
        """The WHERE clause body (`1 = 1` when there are no conditions)."""
        return " AND ".join(self.conditions) or "1 = 1"


class Encoded:
    """A record already encoded (a stored document, see app/documents.py): JSON responses
    write its text out as it is (`encoded_as_is`), CSV its stored row (or decodes the JSON).
    A page read for CSV brings the row alone (`Listing.csv_select`).

    Not a dataclass: orjson would encode a dataclass's fields instead of asking
    `encoded_as_is`.
    """

    __slots__ = ("csv", "json")

    def __init__(self, json: str | None, csv: str | None = None) -> None:
        self.json = json
        self.csv = csv  # the record as one CSV row of its public model's columns, if stored

    def decoded(self) -> dict[str, Any]:
        """The record as a dict."""
        if self.json is None:
            raise ValueError("this record was read as a CSV row only")
        decoded: dict[str, Any] = orjson.loads(self.json)
        return decoded


class Gzipped(bytes):
    """A record stored as gzip-compressed JSON (a visit's detail, see app/documents.py):
    sent as it is to a client that accepts gzip, decompressed for one that does not."""

    def json(self) -> bytes:
        """The JSON itself."""
        # The gzip format (wbits 31) in one C call, by zlib-ng: for the benchmark's details
        # (1.5 KB stored, 14.9 KB of JSON) about 20 µs where the standard library's zlib
        # took 50-60 (`gzip.decompress` also reads the header and checks the CRC in Python).
        decompressed: bytes = zlib_ng.decompress(self, wbits=31)
        return decompressed


def encoded_as_is(value: Any) -> orjson.Fragment:
    """orjson's `default`: an `Encoded` record goes into the output unchanged."""
    if isinstance(value, Encoded) and value.json is not None:
        return orjson.Fragment(value.json)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


class NoSearchWords(ValueError):
    """`q` holds nothing searchable (only punctuation, operators or spaces)."""


def add_search(where: Where, resource: str, alias: str, query: str | None) -> None:
    """Restrict to records of `resource` (the table aliased `alias`) whose indexed text
    matches every word of `query`: rowids from the index, looked up by rowid."""
    if query is None:
        return
    expression = match_expression(query)
    if expression is None:
        raise NoSearchWords(query)
    where.add(f"{alias}.rowid IN ({matching_rowids_sql(resource)})", match=expression)


def search_match(db: Reader, query: str) -> str | None:
    """The MATCH expression of `query` (`match_expression`), each word's prefix given as the
    index's terms it covers: the same matches, which FTS5 can then read in order and stop."""
    terms = {}
    for word in search_words(query):
        bounds = prefix_bounds(word)
        if bounds is not None:
            # Terms change only with a load: kept, as totals are, until the data changes.
            found = db.memoised(PREFIX_TERMS_SQL, {"low": bounds[0], "high": bounds[1]})
            if len(found) <= MAX_PREFIX_TERMS:
                terms[word] = [row["term"] for row in found]
    return match_expression(query, terms=terms)


def add_overlap(
    where: Where, start: str, end: str, date_from: Any | None, date_to: Any | None
) -> None:
    """Keep records whose [start, end] span overlaps [from, to]; a missing end means one day."""
    if date_from is not None:
        # Spelt out rather than coalesce(end, start) so each side can use its own index.
        ends_after = (
            f"{start} >= :date_from"
            if end == start
            else f"({end} >= :date_from OR ({end} IS NULL AND {start} >= :date_from))"
        )
        where.add(ends_after, date_from=date_from.isoformat())
    if date_to is not None:
        where.add(f"{start} <= :date_to", date_to=date_to.isoformat())


def _keyset(sort: Sort, id_column: str, after: tuple[Any, str]) -> list[tuple[str, dict[str, Any]]]:
    """Rows strictly after `after` in the sort order (NULLs first ascending, last descending),
    as conditions to read in turn until the page is full: each one an index range.

    The rows after a dated one, descending, are the earlier dates, then the undated; after an
    undated one, ascending, the undated with a greater id, then the dated. One condition with
    an OR of the two was walked row by row from the start of the index: at 1M visits (20,000
    undated) page 1000 cost 2.5x page 1. The same named parameter is used twice
    (`col >= :v AND (col > :v OR id > :i)`) so that the planner sees a range, not a scan.
    """
    value, last_id = after
    column = sort.column
    bounds = {"after_value": value, "after_id": last_id}
    if sort.descending:
        if value is None:
            return [(f"{column} IS NULL AND {id_column} < :after_id", {"after_id": last_id})]
        earlier = f"{column} < :after_value OR {id_column} < :after_id"
        return [(f"{column} <= :after_value AND ({earlier})", bounds), (f"{column} IS NULL", {})]
    if value is None:
        return [
            (f"{column} IS NULL AND {id_column} > :after_id", {"after_id": last_id}),
            (f"{column} IS NOT NULL", {}),
        ]
    later = f"{column} > :after_value OR {id_column} > :after_id"
    return [(f"{column} >= :after_value AND ({later})", bounds)]


@dataclass(frozen=True)
class SearchOrder:
    """A list filtered by `q` alone, sorted by the column that orders its resource's search
    documents (app/search.py): its pages walk the index's matches in order."""

    resource: str
    match: str


def search_order(
    resource: str | None, alias: str, match: str, sort: Sort, other_filters: Where
) -> SearchOrder | None:
    """The SearchOrder of a list filtered by the MATCH expression `match`, or None when its
    pages cannot walk the index."""
    column = ORDER_COLUMNS.get(resource or "")
    if resource is None or column is None or other_filters.conditions:
        return None
    if sort.column != f"{alias}.{column}":
        return None
    return SearchOrder(resource, match)


def _rows_in_search_order(
    db: Reader,
    search: SearchOrder,
    *,
    select: str,
    from_: str,
    id_column: str,
    sort: Sort,
    after: tuple[Any, str] | None,
    limit: int,
    count_from: str | None,
) -> list[Row]:
    """`limit + 1` rows after `after`, from the index's matches in order.

    Matches come by order key (the day), and within a day by rowid, not id: the page reads
    whole days. Past the cursor's own day, it finds the day of the (limit + 1)-th match, then
    sorts the matches from the cursor's day to that one (every row the page can hold).
    """
    # The days past the cursor's own (all days without a cursor), in the walk's direction.
    cursor_day = None if after is None else order_key(after[0])
    if sort.descending:
        past = (0, MAX_ORDER_KEY if cursor_day is None else cursor_day - 1)
    else:
        past = (0 if cursor_day is None else cursor_day + 1, MAX_ORDER_KEY)
    last_day = None  # the day of the (limit + 1)-th match past the cursor's day, if any
    if past[0] <= past[1]:
        low, high = order_key_range(search.resource, *past)
        nth = db.scalar(
            nth_match_sql(sort.descending),
            {"match": search.match, "low": low, "high": high, "skip": limit},
        )
        if nth is not None:
            last_day = order_key_of_document(search.resource, nth)
    if sort.descending:
        first = 0 if last_day is None else last_day
        last = MAX_ORDER_KEY if cursor_day is None else cursor_day
    else:
        first = 0 if cursor_day is None else cursor_day
        last = MAX_ORDER_KEY if last_day is None else last_day
    low, high = order_key_range(search.resource, first, last)
    alias = id_column.split(".")[0]
    where = Where([f"{alias}.rowid = hit.record_rowid"])
    if after is not None:
        phases = _keyset(sort, id_column, after)
        where.add("(" + " OR ".join(f"({condition})" for condition, _ in phases) + ")")
        for _, params in phases:
            where.params.update(params)
    # The matches drive (CROSS JOIN keeps them the outer loop) and are sorted: left to
    # itself, SQLite may walk the date index instead, probing every visit against them.
    driving = f"({matching_rowids_sql(search.resource, ranged=True)}) AS hit CROSS JOIN "
    return db.rows(
        _page_sql(select, from_, id_column, sort, count_from, where.sql(), driving),
        {**where.params, "match": search.match, "low": low, "high": high, "page_limit": limit + 1},
    )


def _page_sql(
    select: str,
    from_: str,
    id_column: str,
    sort: Sort,
    count_from: str | None,
    where_sql: str,
    driving: str = "",
) -> str:
    """The SELECT of a page: rows matching `where_sql` in sort order, `:page_limit` of them;
    `driving`: tables to read first (joined before the record's own).

    With `count_from`, a deferred join: the page's rows are found in the base table alone,
    and only they are joined. Joining every match before a sort cost 2-12x more at 100k
    visits (`q=`, `topic=`, `country=`, whose matches are sorted, not walked); sorting 51
    visit documents with their rows cost a third of a search page.
    """
    order = _order_by(sort, id_column)
    selected = f"{select}, {sort.column} AS sort_key"
    if count_from is None:
        return (
            f"SELECT {selected} FROM {driving}{from_} WHERE {where_sql} {order} LIMIT :page_limit"
        )
    alias = id_column.split(".")[0]
    return (
        f"SELECT {selected} FROM {from_} WHERE {alias}.rowid IN (SELECT {alias}.rowid "
        f"FROM {driving}{count_from} WHERE {where_sql} {order} LIMIT :page_limit) {order}"
    )


def _order_by(sort: Sort, id_column: str) -> str:
    direction = "DESC NULLS LAST" if sort.descending else "ASC NULLS FIRST"
    id_direction = "DESC" if sort.descending else "ASC"
    return f"ORDER BY {sort.column} {direction}, {id_column} {id_direction}"


@dataclass(frozen=True)
class Page:
    """One page of rows, the total for the filters, and where the next page starts."""

    rows: list[Row]
    total: int | None  # None when the caller did not ask for it (exports)
    next_after: tuple[Any, str] | None
    facets: dict[str, list[dict[str, Any]]] | None = None


def fetch_page(
    db: Reader,
    *,
    select: str,
    from_: str,
    id_column: str,
    where: Where,
    sort: Sort,
    after: tuple[Any, str] | None,
    limit: int,
    count_from: str | None = None,
    facets: Mapping[str, "Facet"] | None = None,
    facet_names: Sequence[str] = (),
    count: bool = True,
    search: SearchOrder | None = None,
) -> Page:
    """A keyset page: `limit` rows after `after`, the total and any facets for the filters
    (`search`: the filters are `q` alone, and the page walks the index's matches in order)."""
    shared: dict[str, Any] = {
        "select": select,
        "from_": from_,
        "id_column": id_column,
        "sort": sort,
        "after": after,
        "limit": limit,
        "count_from": count_from,
    }
    if search is not None:
        rows = _rows_in_search_order(db, search, **shared)
    else:
        rows = _keyset_rows(db, where=where, **shared)
    total = None
    if count and search is not None:
        total = db.memoised_scalar(match_count_sql(search.resource), {"match": search.match})
    elif count:
        total = db.memoised_scalar(
            f"SELECT count(*) FROM {count_from or from_} WHERE {where.sql()}", where.params
        )
    next_after = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_after = (rows[-1]["sort_key"], rows[-1]["id"])
    for row in rows:
        del row["sort_key"]
    counted = None
    if facet_names and facets:
        counted = fetch_facets(db, facets, facet_names, count_from or from_, where)
    return Page(rows, None if total is None else int(total), next_after, counted)


def _keyset_rows(
    db: Reader,
    *,
    select: str,
    from_: str,
    id_column: str,
    where: Where,
    sort: Sort,
    after: tuple[Any, str] | None,
    limit: int,
    count_from: str | None,
) -> list[Row]:
    """`limit + 1` rows after `after`, reading each keyset phase in turn."""
    rows: list[Row] = []
    for condition, params in [("", {})] if after is None else _keyset(sort, id_column, after):
        conditions = Where(list(where.conditions), dict(where.params))
        if condition:
            conditions.add(f"({condition})", **params)
        page_sql = _page_sql(select, from_, id_column, sort, count_from, conditions.sql())
        rows += db.rows(page_sql, {**conditions.params, "page_limit": limit + 1 - len(rows)})
        if len(rows) > limit:
            break
    return rows


def in_list(name: str) -> str:
    """SQL for `IN` the values bound as one JSON array `:name` (made by `json_list`).

    One statement text whatever the number of values, so SQLite's prepared statements are
    reused instead of one new statement per list length.
    """
    return f"IN (SELECT value FROM json_each(:{name}))"


def json_list(values: Iterable[Any]) -> str:
    """Values (strings, numbers) as the JSON array `in_list` reads."""
    return orjson.dumps(list(values)).decode()


def timestamp(value: Any) -> str:
    """A stored timestamp as ISO 8601 UTC, to the microsecond (`2026-11-28T07:00:00.123456Z`).

    Full precision matters: a client polling with `updated_since` passes it back.
    """
    if isinstance(value, str):
        return value[:26].replace(" ", "T") + "Z"
    return str(value.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))


def with_timestamps(row: Row) -> Row:
    """Format a row's `created_at`/`updated_at` in place, and return it."""
    row["created_at"] = timestamp(row["created_at"])
    row["updated_at"] = timestamp(row["updated_at"])
    return row


def country_ref(code: str | None, name: str | None) -> dict[str, str] | None:
    """A CountryRef dict, or None when there is no country."""
    return None if code is None else {"code": code, "name": name or code}


def add_updated_since(where: Where, column: str, since: datetime | None) -> None:
    """Keep records changed at or after `since` (the change feed)."""
    if since is not None:
        where.add(f"{column} >= :updated_since", updated_since=timestamp_param(since))


@dataclass(frozen=True)
class Facet:
    """How to count one facet: the value's SQL, any join it needs, and where labels come from."""

    value: str
    join: str = ""
    labels: str | None = None  # "country" or "topic": the table naming each value


FACET_LIMIT = 30


def fetch_facets(
    db: Reader,
    facets: Mapping[str, Facet],
    names: Sequence[str],
    from_: str,
    where: Where,
) -> dict[str, list[dict[str, Any]]]:
    """Counts per value of each named facet over every record matching `where`, most first.

    At most FACET_LIMIT values per facet: facet work per request stays bounded.
    """
    counted: dict[str, list[dict[str, Any]]] = {}
    for name in names:
        facet = facets[name]
        rows = db.memoised(
            f"SELECT {facet.value} AS value, count(*) AS count FROM {from_} {facet.join} "
            f"WHERE {where.sql()} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {FACET_LIMIT}",
            where.params,
        )
        labels = _labels(db, facet.labels, [r["value"] for r in rows if r["value"] is not None])
        counted[name] = [
            {
                "value": row["value"],
                "label": labels.get(row["value"], row["value"]),
                "count": row["count"],
            }
            for row in rows
        ]
    return counted


_LABEL_SQL = {
    "country": f"SELECT code AS value, name AS label FROM country WHERE code {in_list('values')}",
    "topic": f"SELECT id AS value, name AS label FROM topic WHERE id {in_list('values')}",
}


def _labels(db: Reader, table: str | None, values: list[Any]) -> dict[Any, str]:
    if table is None or not values:
        return {}
    labelled = db.rows(_LABEL_SQL[table], {"values": json_list(values)})
    return {r["value"]: r["label"] for r in labelled}


# A list item: shaped per request, or a stored document already encoded.
Item = dict[str, Any] | Encoded
Shape = Callable[[Reader, list[Row]], Sequence[Item]]


@dataclass(frozen=True)
class Listing:
    """How one resource is listed: its SQL, its filters, its facets and how rows are shaped.

    Calling it runs one keyset page (the `ListQuery` the routes and exports take).
    """

    select: str
    from_: str
    id_column: str
    filters: Callable[[Mapping[str, Any]], Where]
    shape: Shape
    count_from: str | None = None
    facets: Mapping[str, Facet] = field(default_factory=dict)
    # The SELECT of a page read for CSV, when it differs (stored CSV rows, not JSON).
    csv_select: str | None = None
    # The search index's name for these records, when `q` filters them (app/search.py).
    searched_as: str | None = None

    def __call__(
        self,
        db: Reader,
        criteria: Mapping[str, Any],
        sort: Sort,
        after: tuple[Any, str] | None,
        limit: int,
        count: bool = True,
        for_csv: bool = False,
    ) -> tuple[Sequence[Item], Page]:
        """A page of shaped records matching `criteria`, and the page's bookkeeping."""
        where = self.filters(criteria)
        search = None
        match = None
        if criteria.get("q") is not None and "match" in where.params:  # add_search's
            match = search_match(db, criteria["q"])
        if match is not None:  # the same matches as add_search's expression, read faster
            where.params["match"] = match
            others = self.filters({**criteria, "q": None})
            alias = self.id_column.split(".")[0]
            search = search_order(self.searched_as, alias, match, sort, others)
        page = fetch_page(
            db,
            select=self.csv_select if for_csv and self.csv_select else self.select,
            from_=self.from_,
            count_from=self.count_from,
            id_column=self.id_column,
            where=where,
            search=search,
            sort=sort,
            after=after,
            limit=limit,
            facets=self.facets,
            facet_names=criteria.get("facet") or (),
            count=count,
        )
        return self.shape(db, page.rows), page
