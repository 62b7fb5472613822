"""Every read the pages make, in one place: the query layer's public calls and the API's filter
models, per resource. When the query layer or the API's declarations move, this file moves
with them and the rest of the pages do not."""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import BaseModel

from app.api import filters
from app.api.main import RESOURCES as DECLARED
from app.queries import changes
from app.queries import search as search_queries
from app.queries.common import Encoded, Gzipped, Item, Page, parse_sort, stored_items
from app.queries.listing import Listing
from app.storage import Reader


@dataclass(frozen=True, eq=False)  # one of each: hashed by identity (a cache key)
class Resource:
    """One kind of record as the pages show it: its path, its API filters, its queries."""

    name: str  # the page's path (`/visits`) and the API's (`/v1/visits`)
    singular: str
    title: str
    filters: type[BaseModel]
    listing: Listing
    sort_columns: Mapping[str, str]
    facets: tuple[str, ...]
    get: Callable[[Reader, str], dict[str, Any] | None]


def _decoded(
    get: Callable[[Reader, str], dict[str, Any] | Gzipped | None],
) -> Callable[[Reader, str], dict[str, Any] | None]:
    """`get`, a record stored compressed (a visit's detail) decoded."""

    def read(db: Reader, record_id: str) -> dict[str, Any] | None:
        record = get(db, record_id)
        return orjson.loads(record.json()) if isinstance(record, Gzipped) else record

    return read


# The resources with a list page and a page per record, as the API declares them.
PAGED = ("visits", "meetings", "agreements", "participants", "tours", "sources", "countries")
RESOURCES = {
    declared.name: Resource(
        declared.name,
        declared.singular,
        declared.name.capitalize(),
        declared.filters,
        declared.listing,
        declared.sorts,
        declared.facets,
        _decoded(declared.detail.get),
    )
    for declared in DECLARED
    if declared.name in PAGED and declared.detail is not None
}

SearchParams = filters.SearchParams
# `from` this day keeps the visits with a start date, earliest first.
EARLIEST = dt.date(1, 1, 1)


def decoded(items: Sequence[Item]) -> list[dict[str, Any]]:
    """List items as dicts (stored documents decoded)."""
    return [item.decoded() if isinstance(item, Encoded) else item for item in items]


def stored_page(
    db: Reader,
    resource: Resource,
    criteria: Mapping[str, Any],
    sort: str,
    after: tuple[Any, str] | None,
    limit: int,
    rows_made_by: str | None = None,
) -> tuple[list[Encoded], Page]:
    """One keyset page of `resource` after `after` in `sort` order, its items as stored;
    with `rows_made_by`, `page.rows` holds their ids and their list-page rows as the pages'
    code of that fingerprint stored them (`html`, None if not), in the same order."""
    items, page = resource.listing(
        db,
        criteria,
        parse_sort(sort, resource.sort_columns),
        after,
        limit,
        rows_made_by=rows_made_by,
    )
    return list(items), page


def list_page(
    db: Reader,
    resource: Resource,
    criteria: Mapping[str, Any],
    sort: str,
    after: tuple[Any, str] | None,
    limit: int,
) -> tuple[list[dict[str, Any]], Page]:
    """One keyset page of `resource` after `after` in `sort` order, as dicts."""
    items, page = stored_page(db, resource, criteria, sort, after, limit)
    return decoded(items), page


def first(
    db: Reader, resource: Resource, criteria: Mapping[str, Any], sort: str, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """The first `limit` records of `resource` in `sort` order, and how many match."""
    items, page = list_page(db, resource, criteria, sort, None, limit)
    return items, page.total or 0


def sources(db: Reader, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The sources of `ids` as listed (title, publisher, date, dateline; not their text), by
    id, in one read; the ids not found are left out."""
    found = stored_items(db, "source", ids)
    return {source_id: item.decoded() for source_id, item in found.items()}


def items(db: Reader, resource: Resource, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The list items of `ids` of `resource`, by id, in one read; the ids not found are
    left out."""
    found = stored_items(db, resource.singular, ids)
    return {record_id: item.decoded() for record_id, item in found.items()}


def dataset(db: Reader) -> dict[str, Any]:
    """The data version, counts per resource and every source (`GET /v1`)."""
    return changes.dataset_summary(db)


def datasets(db: Reader) -> list[dict[str, Any]]:
    """Each dataset loaded, with how many visits and sources it holds."""
    return changes.datasets(db)


# Hits written as HTML, kept per reader beside `/v1/search`'s pages of hits (by the same
# bound: about 0.5 KB each).
HTML_HITS_KEPT = search_queries.PAGES_KEPT


def kept_html(db: Reader, key: tuple[Any, ...], hits: int, write: Callable[[], str]) -> str:
    """`write()`, the HTML of a page of `hits` search hits, kept under `key` until a load
    changes the data: a page of hits depends on the query, its type, cursor and size and the
    data version alone (as `/v1/search`'s, kept the same way)."""
    kept = db.kept(
        ("search hits html", *key),
        lambda: [{"html": write()}],
        db.memo.part("search hits html", HTML_HITS_KEPT),
        lambda _: 1 + hits,
    )
    html: str = kept[0]["html"]
    return html


def search(
    db: Reader,
    query: str,
    kind: str | None,
    after: tuple[Any, int] | None,
    before: tuple[Any, int] | None,
    limit: int,
) -> search_queries.Hits:
    """A page of ranked hits of every type, after `after` or just before `before`
    (NoSearchWords when `query` holds no word)."""
    return search_queries.search_page(db, query, kind, after, before, limit)
