"""What every query shares: sorts, conditions, pages, stored records and shaping helpers."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from zlib_ng import zlib_ng

from app.storage import Reader, Row


@dataclass(frozen=True)
class Sort:
    """A sort order: a column (by its name, on the record and its list entries) and a
    direction; the id breaks ties."""

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
    """A record already encoded (a stored list item, see app/documents.py): JSON responses
    write its text out as it is (`encoded_as_is`), CSV its stored row (or decodes the JSON).
    A page read for CSV brings the row alone.

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
    """A record stored as gzip-compressed JSON (a detail, see app/documents.py): sent as it
    is to a client that accepts gzip, decompressed for one that does not."""

    def json(self) -> bytes:
        """The JSON itself."""
        # The gzip format (wbits 31) in one C call, by zlib-ng (faster than zlib's).
        decompressed: bytes = zlib_ng.decompress(self, wbits=31)
        return decompressed


# A list item: a dict shaped per request, or a stored document already encoded.
Item = dict[str, Any] | Encoded


def encoded_as_is(value: Any) -> orjson.Fragment:
    """orjson's `default`: an `Encoded` record goes into the output unchanged."""
    if isinstance(value, Encoded) and value.json is not None:
        return orjson.Fragment(value.json)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


class NoSearchWords(ValueError):
    """`q` holds nothing searchable (only punctuation, operators or spaces)."""


@dataclass(frozen=True)
class Page:
    """One page of rows, the total for the filters, and where the next page starts.

    Past a bound (`COUNT_CAP` in app/queries/listing.py), the total and the facet counts are
    counted no further: `total_is_lower_bound`, `facets_are_lower_bounds`.
    """

    rows: list[Row]
    total: int | None  # None when the caller did not ask for it (exports)
    next_after: tuple[Any, str] | None
    facets: dict[str, list[dict[str, Any]]] | None = None
    total_is_lower_bound: bool = False
    facets_are_lower_bounds: bool = False


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


def stored_detail(db: Reader, resource: str, record_id: str) -> Gzipped | None:
    """A record's detail as the load stored it (app/documents.py), or None."""
    row = db.one(
        "SELECT detail FROM record_detail WHERE resource = :resource AND record_id = :id",
        {"resource": resource, "id": record_id},
    )
    return None if row is None else Gzipped(row["detail"])


def stored_items(db: Reader, resource: str, record_ids: list[str]) -> dict[str, Encoded]:
    """Records' list items as the load stored them (app/documents.py), by id, in one read;
    the ids not found are left out."""
    rows = db.rows(
        "SELECT record_id, item FROM record_item WHERE resource = :resource "
        f"AND record_id {db.dialect.in_list('ids')}",
        {"resource": resource, "ids": db.dialect.list_param(record_ids)},
    )
    return {row["record_id"]: Encoded(row["item"]) for row in rows}
