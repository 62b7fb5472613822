"""Every list, read as index ranges: one declaration per resource (`Listing`) and the planner.

A page is read in the requested order from one index and stops after `limit + 1` rows
(docs/read-path.md says which combinations of filters are not one range, and why):

- no filter: the record table's own index on the sort column;
- filters by value (`country=US`, `topic=energy`, ...): the resource's list entries
  (`<resource>_list_entry`), one row per (filter, value) a record is listed under, carrying
  its sort keys; with several, the rarest drives (its count is stored) and the others are
  checked per row;
- `from`/`to`: a record overlaps [from, to] only if its start lies in
  [from - longest span, to] (the span is stored per resource), a range of the start-date
  index whichever of the above drives;
- `q` alone, in the resource's date order: the full-text index's matches in date order
  (app/storage: `TextSearch.nth_day`, `between_days`).

Each page is read in phases, each one index range: the records whose sort key is NULL
(first ascending, last descending) apart from the others, and after a cursor the keys past
it. (SQLite's indexes order NULLs as the API does, so there a first page without
`from`/`to` is one range.) Items come from the stored documents (`record_item`,
app/documents.py).

Totals and facet counts are read from `list_count` (stored at load) for an unfiltered list
and for one filter by value; otherwise they are counted at most `COUNT_CAP` records into the
list, kept per data version (`Reader.memoised`), and flagged as lower bounds past it.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from app.queries.common import Encoded, NoSearchWords, Page, Sort, Where
from app.storage import SEARCH_ORDER, Dialect, Reader, Row

# Totals and facets count no further into a list than this on the request path.
COUNT_CAP = 10_000
# Values per facet, most frequent first.
FACET_LIMIT = 30


@dataclass(frozen=True)
class Year:
    """A key whose value is the year of one of the record's date columns (for facets)."""

    column: str


@dataclass(frozen=True)
class Arms:
    """A key whose (id, value) pairs are the UNION of several SELECTs, each naming its
    columns `id` and `value`. Declared apart so that the pairs of a few records are read
    arm by arm, each through its own index: SQLite reads a UNION whole before it keeps any
    of its rows."""

    selects: tuple[str, ...]


# What a record is listed under for one filter: SQL of its (id, value) pairs, a Year, or
# the Arms of a UNION.
Key = str | Year | Arms


@dataclass(frozen=True)
class Span:
    """The columns of a record's date span (the same column for one-day records); a
    missing end means one day."""

    start: str
    end: str


def _no_conditions(_criteria: Mapping[str, Any]) -> Where:
    return Where()


@dataclass(frozen=True)
class Listing:
    """How one resource is listed: its sorts, the filters it is listed under by value
    (`keys`), its date span, its facets' labels and any other condition.

    Calling it reads one keyset page (the `ListQuery` the routes and exports take).
    """

    resource: str  # its table, its documents' and search documents' resource name
    # The API's sort names -> columns of the record (and its entries), the one declaration
    # of a list's sorts: the filter model's `sort` and the exports take them from here.
    sort_columns: Mapping[str, str]
    default_sort: str  # `name` or `-name`, one of them
    keys: Mapping[str, Key] = field(default_factory=dict)
    facets: tuple[str, ...] = ()  # the keys whose values `facet=` counts (the one declaration)
    span: Span | None = None
    labels: Mapping[str, str] = field(default_factory=dict)  # facet -> "country" | "topic"
    conditions: Callable[[Mapping[str, Any]], Where] = _no_conditions  # over `r`
    id_column: str = "id"

    @property
    def entry_table(self) -> str:
        """The table of this resource's list entries."""
        return f"{self.resource}_list_entry"

    @property
    def entry_columns(self) -> tuple[str, ...]:
        """The record's columns its entries carry: its sort keys, and its span's end."""
        columns = [c for c in self.sort_columns.values() if c != self.id_column]
        if self.span is not None and self.span.end not in columns:
            columns.append(self.span.end)
        return tuple(columns)

    def key_sql(self, name: str, dialect: Dialect, ids: str | None = None) -> str:
        """SQL of the (id, value) pairs of the key `name`; with `ids` (a condition on an
        id: `dialect.in_list`), of those ids alone, each arm restricted."""
        key = self.keys[name]
        if isinstance(key, Year):
            selects: tuple[str, ...] = (
                f"SELECT id, {dialect.year_of(key.column)} AS value FROM {self.resource}",
            )
        elif isinstance(key, Arms):
            selects = key.selects
        else:
            selects = (key,)
        if ids is not None:
            selects = tuple(
                f"SELECT a.id, a.value FROM ({select}) a WHERE a.id {ids}" for select in selects
            )
        return " UNION ".join(selects)

    def __call__(
        self,
        db: Reader,
        criteria: Mapping[str, Any],
        sort: Sort,
        after: tuple[Any, str] | None,
        limit: int,
        count: bool = True,
        for_csv: bool = False,
        rows_made_by: str | None = None,
    ) -> tuple[Sequence[Encoded], Page]:
        """A page of stored items matching `criteria`, and the page's bookkeeping. With
        `rows_made_by`, each of `page.rows` also holds the record's list-page row as the
        pages' code of that fingerprint stored it (`html`, `record_row`; None if not), read
        in the same statement as the items."""
        plan = _Planner(self, db, criteria).plan(sort)
        stored = Stored("csv_row" if for_csv else "item", rows_made_by)
        rows = plan.rows(sort, after, limit, stored)
        next_after = None
        if len(rows) > limit:
            rows = rows[:limit]
            next_after = (rows[-1]["sort_key"], rows[-1]["id"])
        items = [Encoded(row.get("item"), row.get("csv_row")) for row in rows]
        total, capped = plan.total() if count else (None, False)
        facets, partial = plan.facets(criteria.get("facet") or ())
        return items, Page(rows, total, next_after, facets, capped, partial)


@dataclass(frozen=True)
class Stored:
    """What a page reads of each record's stored documents (`record_item d`): its `item` or
    `csv_row`, and with `rows_made_by` its list-page row as the pages' code of that
    fingerprint stored it (`record_row`, app/pages/stored.py; NULL if not)."""

    column: str
    rows_made_by: str | None = None

    def columns(self, resource: str, record_id: str) -> str:
        """The select list's stored columns, for the record whose id is `record_id`."""
        selected = f"d.{self.column} AS {self.column}"
        if self.rows_made_by is None:
            return selected
        # A scalar subquery: one look-up by key per row of the page.
        return (
            f"{selected}, (SELECT w.html FROM record_row w WHERE w.resource = '{resource}' "
            f"AND w.record_id = {record_id} AND w.fingerprint = :rows_made_by) AS html"
        )

    @property
    def params(self) -> dict[str, str]:
        """The parameters `columns` names."""
        return {} if self.rows_made_by is None else {"rows_made_by": self.rows_made_by}


@dataclass
class _Plan:
    """How one list's pages, total and facets are read."""

    listing: Listing
    db: Reader
    driver: str  # the table read in order, with its alias
    alias: str  # "r" (the record table) or "e" (its entries)
    range: Where  # conditions an index range applies
    residual: Where  # conditions checked on each row read
    dates: tuple[date | None, date | None]
    exact: tuple[str, str] | None  # the stored count that is the total, if any
    search: str | None = None  # the match of `q` alone, in the search order
    needs_record: bool = False  # whether the residual conditions read the record (`r`)
    # The driving filter's values when it has several (`:value_0`, ...): each is an index
    # range of the entries, read in turn and merged in the sort order.
    values: tuple[str, ...] = ()

    @property
    def _joins(self) -> str:
        if self.alias == "r" or not self.needs_record:
            return ""
        listing = self.listing
        return f" JOIN {listing.resource} r ON r.{listing.id_column} = e.id"

    @property
    def _id(self) -> str:
        return f"{self.alias}.{self.listing.id_column if self.alias == 'r' else 'id'}"

    def _sort_column(self, sort: Sort) -> str:
        """The sort's column as the table read names it (entries name every record's id
        `id`, a country's code included)."""
        if sort.column == self.listing.id_column:
            return self._id
        return f"{self.alias}.{sort.column}"

    def rows(
        self, sort: Sort, after: tuple[Any, str] | None, limit: int, stored: "Stored"
    ) -> list[Row]:
        """`limit + 1` rows after `after`: the stored `item` or `csv_row` (and `html`), id,
        sort key."""
        if self.search is not None:
            return self._rows_in_search_order(sort, after, limit, stored)
        rows: list[Row] = []
        for phase in self._phases(sort, after):
            if phase is None:
                continue
            ranged, checked = phase
            found = self.db.rows(
                self._select(stored, sort, ranged, checked),
                {
                    **ranged.params,
                    **checked.params,
                    **stored.params,
                    "page_limit": limit + 1 - len(rows),
                },
            )
            _in_order(found, sort.descending)
            rows += found
            if len(rows) > limit:
                break
        return rows

    def _arms(self) -> list[str]:
        """The condition choosing each value's entries (one arm: the range says it)."""
        return [f" AND e.value = :value_{n}" for n in range(len(self.values))] or [""]

    def _select(self, stored: "Stored", sort: Sort, ranged: Where, checked: Where) -> str:
        listing = self.listing
        column = self._sort_column(sort)
        direction = "DESC" if sort.descending else "ASC"
        where = Where(ranged.conditions + checked.conditions)
        if self.values:
            nulls = "NULLS LAST" if sort.descending else "NULLS FIRST"  # SQLite's, everywhere
            # One index range per value, merged in order (SQLite's MERGE of the UNION: no
            # sort), a record listed under two values once; then the page's documents.
            arms = " UNION ".join(
                self.db.dialect.merged_arm(
                    f"SELECT {self._id} AS id, {column} AS sort_key "
                    f"FROM {self.driver}{self._joins} WHERE {where.sql()}{arm}",
                    f"{column} {direction}, {self._id} {direction}",
                )
                for arm in self._arms()
            )
            return (
                f"SELECT {stored.columns(listing.resource, 'page.id')}, page.id AS id, "
                "page.sort_key AS sort_key "
                f"FROM ({arms} ORDER BY sort_key {direction} {nulls}, id {direction} "
                "LIMIT :page_limit) page CROSS JOIN record_item d "
                f"WHERE d.resource = '{listing.resource}' AND d.record_id = page.id"
            )
        # The page's ids first, then their documents: joined in the same statement, the
        # planner of PostgreSQL, which does not know that every record has its item,
        # expects the join to drop most rows and reads every match, then sorts them.
        return (
            f"SELECT {stored.columns(listing.resource, 'page.id')}, page.id AS id, "
            "page.sort_key AS sort_key "
            f"FROM (SELECT {self._id} AS id, {column} AS sort_key "
            f"FROM {self.driver}{self._joins} WHERE {where.sql()} "
            f"ORDER BY {column} {direction}, {self._id} {direction} LIMIT :page_limit) page "
            f"CROSS JOIN record_item d "
            f"WHERE d.resource = '{listing.resource}' AND d.record_id = page.id"
        )

    def _phases(
        self, sort: Sort, after: tuple[Any, str] | None
    ) -> list[tuple[Where, Where] | None]:
        """The index ranges to read in turn (None: one that cannot match), each with its
        range and residual conditions: the NULL sort keys apart from the others, and past
        `after`."""
        column = self._sort_column(sort)
        by_id = sort.column == self.listing.id_column
        bounds: list[tuple[str, dict[str, Any], bool]]  # condition, params, NULL keys
        if by_id:
            bounds = [("", {}, False)]
            if after is not None:
                bounds = [
                    (
                        f"{self._id} {'<' if sort.descending else '>'} :after_id",
                        {"after_id": after[1]},
                        False,
                    )
                ]
        elif after is None and self.dates == (None, None) and self.db.dialect.nulls_sort_low:
            bounds = [("", {}, False)]  # the index's order is the API's, NULL keys included
        elif after is None:
            bounds = [(f"{column} IS NOT NULL", {}, False), (f"{column} IS NULL", {}, True)]
            if not sort.descending:
                bounds.reverse()
        else:
            bounds = _keyset(column, self._id, sort.descending, after)
        phases: list[tuple[Where, Where] | None] = []
        for condition, params, nulls in bounds:
            span = self._span(sort.column, nulls)
            if span is None:
                phases.append(None)
                continue
            ranged = Where(list(self.range.conditions), dict(self.range.params))
            checked = Where(list(self.residual.conditions), dict(self.residual.params))
            if condition:
                ranged.add(condition, **params)
            ranged.conditions += span[0].conditions
            ranged.params.update(span[0].params)
            checked.conditions += span[1].conditions
            checked.params.update(span[1].params)
            phases.append((ranged, checked))
        return phases

    def _span(self, sort_column: str, nulls: bool) -> tuple[Where, Where] | None:
        """The conditions of `from`/`to` in one phase (None: the phase cannot overlap):
        those an index range on the sort column applies, and those checked per row."""
        date_from, date_to = self.dates
        span = self.listing.span
        ranged, checked = Where(), Where()
        if span is None or (date_from is None and date_to is None):
            return ranged, checked
        a = self.alias
        start, end = f"{a}.{span.start}", f"{a}.{span.end}"
        one_day = span.start == span.end
        longest = timedelta(0) if one_day else self._longest_span()
        if sort_column == span.start:
            if nulls:
                return None  # an undated record overlaps nothing
            if date_from is not None:
                lowest = date.min if date_from - date.min <= longest else date_from - longest
                ranged.add(f"{start} >= :lowest_start", lowest_start=_iso(lowest))
                if not one_day:
                    checked.add(
                        f"({end} >= :date_from OR ({end} IS NULL AND {start} >= :date_from))",
                        date_from=_iso(date_from),
                    )
            if date_to is not None:
                ranged.add(f"{start} <= :date_to", date_to=_iso(date_to))
            return ranged, checked
        if sort_column == span.end and not one_day:
            if nulls:  # one-day records: their start is their end
                if date_from is not None:
                    checked.add(f"{start} >= :date_from", date_from=_iso(date_from))
                if date_to is not None:
                    checked.add(f"{start} <= :date_to", date_to=_iso(date_to))
                return ranged, checked
            if date_from is not None:
                ranged.add(f"{end} >= :date_from", date_from=_iso(date_from))
            if date_to is not None:
                highest = date.max if date.max - date_to <= longest else date_to + longest
                ranged.add(f"{end} <= :highest_end", highest_end=_iso(highest))
                checked.add(f"{start} <= :date_to", date_to=_iso(date_to))
            return ranged, checked
        if date_from is not None:
            ends_after = (
                f"{start} >= :date_from"
                if one_day
                else f"({end} >= :date_from OR ({end} IS NULL AND {start} >= :date_from))"
            )
            checked.add(ends_after, date_from=_iso(date_from))
        if date_to is not None:
            checked.add(f"{start} <= :date_to", date_to=_iso(date_to))
        return ranged, checked

    def _longest_span(self) -> timedelta:
        days = self.db.memoised_scalar(
            "SELECT days FROM list_span WHERE resource = :resource",
            {"resource": self.listing.resource},
        )
        return timedelta(days=int(days or 0))

    def _rows_in_search_order(
        self, sort: Sort, after: tuple[Any, str] | None, limit: int, stored: "Stored"
    ) -> list[Row]:
        """`limit + 1` rows after `after`, from the full-text index's matches in date order.

        Matches come a day at a time: past the cursor's own day, the page finds the day of
        the (limit + 1)-th match, then sorts the matches from the cursor's day to that one
        (whole days: every row the page can hold).
        """
        assert self.search is not None
        db, listing = self.db, self.listing
        search = db.search
        cursor_day = None if after is None else _day(after[0])
        if sort.descending:
            past = (0, date.max.toordinal() if cursor_day is None else cursor_day - 1)
        else:
            past = (0 if cursor_day is None else cursor_day + 1, date.max.toordinal())
        last_day = None
        if past[0] <= past[1]:
            last_day = search.nth_day(
                db, listing.resource, self.search, past, sort.descending, limit
            )
        if sort.descending:
            days = (
                0 if last_day is None else last_day,
                date.max.toordinal() if cursor_day is None else cursor_day,
            )
        else:
            days = (
                0 if cursor_day is None else cursor_day,
                date.max.toordinal() if last_day is None else last_day,
            )
        driving, joined, params = search.between_days(listing.resource, "r", days)
        where = Where([joined], {**params, "match": self.search})
        if after is not None:
            column = f"r.{sort.column}"
            phases = _keyset(column, "r.id", sort.descending, after)
            where.add("(" + " OR ".join(f"({condition})" for condition, _, _ in phases) + ")")
            for _, bound, _ in phases:
                where.params.update(bound)
        direction = "DESC" if sort.descending else "ASC"
        nulls = "NULLS LAST" if sort.descending else "NULLS FIRST"
        order = f"sort_key {direction} {nulls}, id {direction}"
        # The page's ids are found among the matches alone; only they are joined to their
        # documents (a whole day's matches can be many more than a page).
        return db.rows(
            f"SELECT {stored.columns(listing.resource, 'page.id')}, page.id, page.sort_key FROM ("
            f"SELECT r.id AS id, r.{sort.column} AS sort_key FROM {driving}{listing.resource} r "
            f"WHERE {where.sql()} ORDER BY {order} LIMIT :page_limit) page "
            f"JOIN record_item d ON d.resource = '{listing.resource}' AND d.record_id = page.id "
            f"ORDER BY {order}",
            {**where.params, **stored.params, "page_limit": limit + 1},
        )

    def _counting_order(self) -> Sort:
        """The order totals and facets count in: by start date when the dates bound it (a
        range of that index), else by id."""
        span = self.listing.span
        if span is not None and self.dates != (None, None):
            return Sort(span.start)
        return Sort(self.listing.id_column)

    def _capped(self, ranged: Where, checked: Where) -> str:
        """The (id, ok) of the records a phase reads, no more than `:cap` of each value's
        entries (a record listed under two values once); `ok`: 1 if the residual conditions
        hold."""
        ok = f"CASE WHEN {checked.sql()} THEN 1 ELSE 0 END" if checked.conditions else "1"
        selects = [
            f"SELECT {self._id} AS id, {ok} AS ok FROM {self.driver}{self._joins} "
            f"WHERE {ranged.sql()}{arm} LIMIT :cap"
            for arm in self._arms()
        ]
        if len(selects) == 1:
            return selects[0]
        return " UNION ".join(
            f"SELECT id, ok FROM ({select}) AS arm{n}" for n, select in enumerate(selects)
        )

    def total(self) -> tuple[int, bool]:
        """How many records match, and whether that is a lower bound (`COUNT_CAP`)."""
        if self.exact is not None:
            return stored_count(self.db, self.listing.resource, *self.exact), False
        if self.search is not None:
            found = self.db.search.count(self.db, self.listing.resource, self.search, COUNT_CAP)
            return min(found, COUNT_CAP), found > COUNT_CAP
        matched = examined = 0
        for phase in self._phases(self._counting_order(), None):
            if phase is None:
                continue
            ranged, checked = phase
            counted = self.db.memoised(
                "SELECT count(*) AS examined, coalesce(sum(ok), 0) AS matched FROM ("
                f"{self._capped(ranged, checked)}) AS examined",
                {**ranged.params, **checked.params, "cap": COUNT_CAP + 1},
            )[0]
            matched += int(counted["matched"])
            examined += int(counted["examined"])
        if examined > COUNT_CAP:
            return min(matched, COUNT_CAP), True
        return matched, False

    def facets(self, names: Sequence[str]) -> tuple[dict[str, list[dict[str, Any]]] | None, bool]:
        """Counts per value of each named facet over the matching records, most first, and
        whether they are lower bounds (counted over the first COUNT_CAP records only)."""
        if not names:
            return None, False
        counted: dict[str, list[dict[str, Any]]] = {}
        partial = False
        for name in names:
            if self.exact == ("", ""):  # no filter: counted when the data was loaded
                rows = self.db.memoised(
                    "SELECT value, total AS count FROM list_count WHERE resource = :resource "
                    "AND name = :name",
                    {"resource": self.listing.resource, "name": name},
                )
                rows = sorted(rows, key=_most_first)[:FACET_LIMIT]
            else:
                rows, more = self._counted_facet(name)
                partial = partial or more
            labels = _labels(self.db, self.listing.labels.get(name), rows)
            counted[name] = [
                {
                    "value": row["value"],
                    "label": labels.get(row["value"], row["value"]),
                    "count": row["count"],
                }
                for row in rows
            ]
        return counted, partial

    def _counted_facet(self, name: str) -> tuple[list[Row], bool]:
        """A facet over the first COUNT_CAP records each phase reads (or, for `q` alone,
        over its first COUNT_CAP matches)."""
        listing = self.listing
        chosen = []
        params: dict[str, Any] = {"cap": COUNT_CAP + 1}
        if self.search is not None:
            condition = self.db.search.condition(listing.resource, "r", COUNT_CAP + 1)
            chosen.append(
                f"SELECT r.{listing.id_column} AS id FROM {listing.resource} r WHERE {condition}"
            )
            params["match"] = self.search
        for phase in [] if self.search is not None else self._phases(self._counting_order(), None):
            if phase is None:
                continue
            ranged, checked = phase
            params.update(ranged.params)
            params.update(checked.params)
            chosen.append(f"SELECT id FROM ({self._capped(ranged, checked)}) AS phase WHERE ok = 1")
        if not chosen:
            return [], False
        ids = " UNION ALL ".join(chosen)
        key = listing.key_sql(name, self.db.dialect)
        rows = self.db.memoised(
            f"SELECT k.value AS value, count(*) AS count FROM ({key}) k "
            f"WHERE k.id IN ({ids}) GROUP BY k.value",
            params,
        )
        examined = self.db.memoised_scalar(f"SELECT count(*) FROM ({ids}) AS chosen", params)
        return sorted(rows, key=_most_first)[:FACET_LIMIT], int(examined) > COUNT_CAP


def stored_count(db: Reader, resource: str, name: str, value: str) -> int:
    """How many records of `resource` are listed under `value` for the filter `name`, as
    stored at load (`list_count`; name and value '' for all of them)."""
    counted = db.memoised_scalar(
        "SELECT total FROM list_count WHERE resource = :resource AND name = :name "
        "AND value = :value",
        {"resource": resource, "name": name, "value": value},
    )
    return int(counted or 0)


def _most_first(row: Row) -> tuple[int, bool, str]:
    # Most frequent first; ties by value, the unknown (NULL) value first, as SQL orders it.
    return (-int(row["count"]), row["value"] is not None, str(row["value"] or ""))


_LABEL_SQL = {
    "country": "SELECT code AS value, name AS label FROM country WHERE code ",
    "topic": "SELECT id AS value, name AS label FROM topic WHERE id ",
}


def _labels(db: Reader, table: str | None, rows: list[Row]) -> dict[Any, str]:
    values = [row["value"] for row in rows if row["value"] is not None]
    if table is None or not values:
        return {}
    labelled = db.rows(
        _LABEL_SQL[table] + db.dialect.in_list("values"),
        {"values": db.dialect.list_param(values)},
    )
    return {r["value"]: r["label"] for r in labelled}


def _keyset(
    column: str, id_column: str, descending: bool, after: tuple[Any, str]
) -> list[tuple[str, dict[str, Any], bool]]:
    """Rows strictly after `after` in the sort order (NULLs first ascending, last
    descending), as conditions to read in turn until the page is full, each an index range
    (and whether its sort keys are NULL).

    The rows after a dated one, descending, are the earlier dates, then the undated; after
    an undated one, ascending, the undated with a greater id, then the dated. Past a dated
    row, the bound is a row value (`(col, id) > (:v, :i)`), which SQLite reads as one range
    of the (col, id) index even where many rows share the value (an agreement's count, a
    visit's country), which `col >= :v AND (col > :v OR id > :i)` would scan.
    """
    value, last_id = after
    bounds = {"after_value": value, "after_id": last_id}
    if descending:
        if value is None:
            return [(f"{column} IS NULL AND {id_column} < :after_id", {"after_id": last_id}, True)]
        return [
            (f"({column}, {id_column}) < (:after_value, :after_id)", bounds, False),
            (f"{column} IS NULL", {}, True),
        ]
    if value is None:
        return [
            (f"{column} IS NULL AND {id_column} > :after_id", {"after_id": last_id}, True),
            (f"{column} IS NOT NULL", {}, False),
        ]
    return [(f"({column}, {id_column}) > (:after_value, :after_id)", bounds, False)]


def _key_text(value: Any) -> str:
    """A filter's value as its list entries hold it (`disputed=true`: 'true')."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _values(given: Any) -> Sequence[Any]:
    """A filter's values: several (a list) or one."""
    return given if isinstance(given, list | tuple) else [given]


def _iso(day: date) -> str:
    return day.isoformat()


def _day(value: Any) -> int:
    """The day number of a stored date (its ISO text or a date), 0 for none."""
    if value is None:
        return 0
    return (value if isinstance(value, date) else date.fromisoformat(value)).toordinal()


class _Planner:
    """Chooses how one list is read from its criteria."""

    def __init__(self, listing: Listing, db: Reader, criteria: Mapping[str, Any]) -> None:
        self.listing = listing
        self.db = db
        self.criteria = criteria

    def plan(self, sort: Sort) -> _Plan:
        """The plan for `sort`: which table drives, and which conditions it checks."""
        listing, db, criteria = self.listing, self.db, self.criteria
        keyed = [
            (name, tuple(_key_text(value) for value in _values(criteria[name])))
            for name in listing.keys
            if criteria.get(name) not in (None, "", [], ())
        ]
        checked = listing.conditions(criteria)
        since = criteria.get("updated_since")
        if since is not None:
            checked.add("r.updated_at >= :updated_since", updated_since=since)
        match = None
        if criteria.get("q") is not None:
            match = db.search.expression(db, criteria["q"])
            if match is None:
                raise NoSearchWords(criteria["q"])
        dates = (criteria.get("date_from"), criteria.get("date_to"))
        dated = dates != (None, None)
        alone = match is not None and not (keyed or checked.conditions or dated)
        if alone and SEARCH_ORDER.get(listing.resource) == sort.column:
            return _Plan(listing, db, "", "r", Where(), Where(), dates, None, match)
        if match is not None:
            checked.add(db.search.condition(listing.resource, "r"), match=match)
        exact = None
        if not (match or checked.conditions or dated):
            if not keyed:
                exact = ("", "")
            elif len(keyed) == 1 and len(keyed[0][1]) == 1:
                exact = (keyed[0][0], keyed[0][1][0])
        if not keyed:
            return _Plan(listing, db, f"{listing.resource} r", "r", Where(), checked, dates, exact)
        # The rarest filter drives (its values' records, as stored, fewest); the others are
        # looked up for each of its entries. Several values of one filter: any of them.
        counts = {
            pair: sum(stored_count(db, listing.resource, pair[0], value) for value in pair[1])
            for pair in keyed
        }
        driving = min(keyed, key=lambda pair: counts[pair])
        ranged = Where(["e.filter = :filter"], {"filter": driving[0]})
        several: tuple[str, ...] = ()
        if len(driving[1]) == 1:
            ranged.add("e.value = :value", value=driving[1][0])
        else:
            several = driving[1]
            ranged.params.update({f"value_{n}": value for n, value in enumerate(several)})
        others = Where()
        for number, (name, values) in enumerate(pair for pair in keyed if pair != driving):
            named = {f"value{number}_{n}": value for n, value in enumerate(values)}
            chosen = (
                f"= :value{number}_0"
                if len(values) == 1
                else f"IN ({', '.join(':' + key for key in named)})"
            )
            others.add(
                f"EXISTS (SELECT 1 FROM {listing.entry_table} o{number} "
                f"WHERE o{number}.filter = :filter{number} AND o{number}.value {chosen} "
                f"AND o{number}.id = e.id)",
                **{f"filter{number}": name},
                **named,
            )
        others.conditions += checked.conditions
        others.params.update(checked.params)
        return _Plan(
            listing,
            db,
            f"{listing.entry_table} e",
            "e",
            ranged,
            others,
            dates,
            exact,
            needs_record=bool(checked.conditions),
            values=several,
        )


def _in_order(rows: list[Row], descending: bool) -> None:
    """A page put in its sort order (NULLs first ascending, as SQLite sorts): the join to
    the documents need not keep the chosen ids' order (PostgreSQL's does not), and an ORDER
    BY after it would sort again in SQL."""
    rows.sort(
        key=lambda row: (
            (0, "", row["id"]) if row["sort_key"] is None else (1, row["sort_key"], row["id"])
        ),
        reverse=descending,
    )
