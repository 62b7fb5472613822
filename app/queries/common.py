"""What every list query shares: keyset paging, date-span overlap, search, shaping helpers."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.db import ReadDatabase, Row
from app.search import match_expression, matching_ids_sql


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


class NoSearchWords(ValueError):
    """`q` holds nothing searchable (only punctuation, operators or spaces)."""


def add_search(where: Where, resource: str, id_column: str, query: str | None) -> None:
    """Restrict to records of `resource` whose indexed text matches every word of `query`."""
    if query is None:
        return
    expression = match_expression(query)
    if expression is None:
        raise NoSearchWords(query)
    where.add(f"{id_column} IN ({matching_ids_sql(resource)})", match=expression)


def add_overlap(
    where: Where, start: str, end: str, date_from: Any | None, date_to: Any | None
) -> None:
    """Keep records whose [start, end] span overlaps [from, to]; a missing end means one day."""
    if date_from is not None:
        where.add(f"coalesce({end}, {start}) >= :date_from", date_from=date_from.isoformat())
    if date_to is not None:
        where.add(f"{start} <= :date_to", date_to=date_to.isoformat())


def _keyset(sort: Sort, id_column: str, after: tuple[Any, str]) -> tuple[str, dict[str, Any]]:
    """Rows strictly after `after` in the sort order (NULLs first ascending, last descending).

    Written with the same named parameter twice (`col >= :v AND (col > :v OR id > :i)`) so
    the planner sees an index range, not a full scan.
    """
    value, last_id = after
    column = sort.column
    if sort.descending:
        if value is None:
            return f"({column} IS NULL AND {id_column} < :after_id)", {"after_id": last_id}
        return (
            f"(({column} <= :after_value AND ({column} < :after_value OR {id_column} < :after_id))"
            f" OR {column} IS NULL)",
            {"after_value": value, "after_id": last_id},
        )
    if value is None:
        return (
            f"(({column} IS NULL AND {id_column} > :after_id) OR {column} IS NOT NULL)",
            {"after_id": last_id},
        )
    return (
        f"({column} >= :after_value AND ({column} > :after_value OR {id_column} > :after_id))",
        {"after_value": value, "after_id": last_id},
    )


@dataclass(frozen=True)
class Page:
    """One page of rows, the total for the filters, and where the next page starts."""

    rows: list[Row]
    total: int
    next_after: tuple[Any, str] | None


def fetch_page(
    db: ReadDatabase,
    *,
    select: str,
    from_: str,
    id_column: str,
    where: Where,
    sort: Sort,
    after: tuple[Any, str] | None,
    limit: int,
    count_from: str | None = None,
) -> Page:
    """A keyset page: `limit` rows after `after`, plus the total matching the filters."""
    conditions = Where(list(where.conditions), dict(where.params))
    if after is not None:
        condition, params = _keyset(sort, id_column, after)
        conditions.add(condition, **params)
    direction = "DESC NULLS LAST" if sort.descending else "ASC NULLS FIRST"
    id_direction = "DESC" if sort.descending else "ASC"
    rows = db.rows(
        f"SELECT {select}, {sort.column} AS sort_key FROM {from_} WHERE {conditions.sql()} "
        f"ORDER BY {sort.column} {direction}, {id_column} {id_direction} LIMIT :page_limit",
        {**conditions.params, "page_limit": limit + 1},
    )
    total = db.scalar(
        f"SELECT count(*) FROM {count_from or from_} WHERE {where.sql()}", where.params
    )
    next_after = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_after = (rows[-1]["sort_key"], rows[-1]["id"])
    for row in rows:
        del row["sort_key"]
    return Page(rows, int(total), next_after)


def placeholders(prefix: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """`:p0, :p1, ...` for an IN list, with their parameters."""
    names = {f"{prefix}{index}": value for index, value in enumerate(values)}
    return ", ".join(f":{name}" for name in names), names


def timestamp(value: Any) -> str:
    """A stored timestamp as ISO 8601 UTC (`2026-11-28T07:00:00Z`)."""
    if isinstance(value, str):
        return value[:19].replace(" ", "T") + "Z"
    return str(value.strftime("%Y-%m-%dT%H:%M:%SZ"))


def with_timestamps(row: Row) -> Row:
    """Format a row's `created_at`/`updated_at` in place, and return it."""
    row["created_at"] = timestamp(row["created_at"])
    row["updated_at"] = timestamp(row["updated_at"])
    return row


def country_ref(code: str | None, name: str | None) -> dict[str, str] | None:
    """A CountryRef dict, or None when there is no country."""
    return None if code is None else {"code": code, "name": name or code}
