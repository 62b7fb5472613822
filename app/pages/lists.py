"""A list page's data: the filters read as the API reads them, one keyset page forward or
back, the facets as links, and the same list's addresses in the API's formats.

Paging back with keyset cursors: the API's cursors point after a row in one sort order. The
page before this one is the `limit` rows that come before its first row, which are the rows
after that row in the reverse order (`-start_date` for `start_date`, NULLs and ties reversed
too, as `app.queries.common` orders them both ways), read and then turned around. A
"previous" link carries such a cursor, issued for the reverse sort, as `before`.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, Field, create_model, model_validator
from starlette.datastructures import QueryParams

from app.api.paging import decode_cursor, encode_cursor, filters_digest, resume
from app.config import Settings
from app.pages import data
from app.pages.forms import Control, controls
from app.pages.render import encoded_pair, query_string
from app.storage import Reader

EXPORT_FORMATS = (("json", "JSON"), ("csv", "CSV"), ("ndjson", "NDJSON"))
# What a facet's value sets when followed: the filter of the same name, but for the year.
YEAR = "year"


class FormParams(BaseModel):
    """Parameters sent by a GET form: an empty field means "any", as if it were not sent."""

    @model_validator(mode="before")
    @classmethod
    def _empty_means_any(cls, values: Any) -> Any:
        if not isinstance(values, dict):
            return values
        kept = {}
        for name, value in values.items():
            if isinstance(value, list):
                value = [item for item in value if item != ""]
            if value not in ("", []):
                kept[name] = value
        return kept


@cache
def page_model(resource: data.Resource) -> type[BaseModel]:
    """The resource's API filters, as a form sends them, and a `before` cursor (the page
    before this one)."""
    return create_model(
        f"{resource.filters.__name__}Page",
        __base__=(FormParams, resource.filters),
        before=(
            str | None,
            Field(default=None, max_length=1000, description="Cursor of the previous page."),
        ),
    )


@cache
def form_controls(resource: data.Resource) -> tuple[Control, ...]:
    """The controls of the resource's filter form."""
    return controls(resource.filters)


def reverse(sort: str) -> str:
    """The opposite order of `sort`."""
    return sort[1:] if sort.startswith("-") else f"-{sort}"


def given(query: QueryParams) -> dict[str, list[str]]:
    """The parameters a form sent, its empty fields left out (an empty field means "any")."""
    values: dict[str, list[str]] = {}
    for name, value in query.multi_items():
        if value != "":
            values.setdefault(name, []).append(value)
    return values


@dataclass(frozen=True)
class FacetLink:
    """One value of a facet: its label, its count, the list filtered by it."""

    label: str
    count: int
    url: str | None  # None for "not known", which no filter selects
    current: bool


@dataclass(frozen=True)
class ListView:
    """Everything a list page shows."""

    items: list[dict[str, Any]]
    total: int
    previous_url: str | None
    next_url: str | None
    facets: dict[str, list[FacetLink]]
    exports: list[tuple[str, str]]


def _facet_filter(name: str, value: Any) -> dict[str, str]:
    if name == YEAR:
        return {"from": f"{value}-01-01", "to": f"{value}-12-31"}
    return {name: str(value)}


def _facet_links(
    resource: data.Resource,
    counted: Mapping[str, list[dict[str, Any]]],
    shown: dict[str, list[str]],
) -> dict[str, list[FacetLink]]:
    """Each facet's values as links to the list filtered by them (paging reset)."""
    kept = {k: v for k, v in shown.items() if k not in ("cursor", "before")}
    path = f"/{resource.name}"
    # Most links add one filter the page does not set: the page's own query once, then the
    # filter's pairs after it, as `query_string` would write them.
    prefix = path + query_string(kept)
    joiner = "&" if kept else "?"
    links: dict[str, list[FacetLink]] = {}
    for name in resource.facets:
        links[name] = []
        for row in counted.get(name, []):
            if row["value"] is None:
                links[name].append(FacetLink("not known", row["count"], None, False))
                continue
            selects = _facet_filter(name, row["value"])
            if any(key in kept for key in selects):
                current = all(kept.get(k) == [v] for k, v in selects.items())
                url = path + query_string({**kept, **selects})
            else:
                current = False
                added = "&".join(encoded_pair(k, v) for k, v in selects.items() if v != "")
                url = prefix + joiner + added if added else prefix
            links[name].append(FacetLink(str(row["label"]), row["count"], url, current))
    return links


def _cursor_value(item: Mapping[str, Any], sort: str) -> tuple[Any, str]:
    """The (sort value, id) of a record, as a cursor holds it: the sort's field is the item's."""
    value = item[sort.removeprefix("-")]
    if isinstance(value, dict):  # a country, sorted by its code
        value = value["code"]
    if isinstance(value, dt.date):
        value = value.isoformat()
    return value, item["id"] if "id" in item else item["code"]  # a country's id is its code


def list_view(
    db: Reader,
    settings: Settings,
    resource: data.Resource,
    params: BaseModel,
    shown: dict[str, list[str]],
) -> ListView:
    """One page of `resource` for the validated `params`; `shown`: the parameters as given,
    from which the page's links are made."""
    criteria = {k: v for k, v in params.criteria().items() if k != "before"}  # type: ignore[attr-defined]
    digest = filters_digest(criteria)
    sort: str = params.sort  # type: ignore[attr-defined]
    limit: int = params.limit  # type: ignore[attr-defined]
    cursor: str | None = params.cursor  # type: ignore[attr-defined]
    before: str | None = params.before  # type: ignore[attr-defined]
    wanted = {**criteria, "facet": list(resource.facets)}
    secret = settings.cursor_secret
    version = db.data_version()
    if before is not None:
        back = resume(decode_cursor(before, reverse(sort), digest, secret, "before"), version)
        items, page = data.list_page(db, resource, wanted, reverse(sort), back, limit)
        items.reverse()
        more_before, more_after = page.next_after is not None, bool(items)
    else:
        position = None if cursor is None else decode_cursor(cursor, sort, digest, secret)
        after = resume(position, version)
        items, page = data.list_page(db, resource, wanted, sort, after, limit)
        more_before, more_after = cursor is not None and bool(items), page.next_after is not None
    base = {k: v for k, v in shown.items() if k not in ("cursor", "before")}
    previous_url = next_url = None
    if more_before:
        at = encode_cursor(reverse(sort), _cursor_value(items[0], sort), digest, secret, version)
        previous_url = f"/{resource.name}" + query_string({**base, "before": at})
    if more_after:
        at = encode_cursor(sort, _cursor_value(items[-1], sort), digest, secret, version)
        next_url = f"/{resource.name}" + query_string({**base, "cursor": at})
    exports = [
        (label, f"/v1/{resource.name}" + query_string({**base, "format": name}))
        for name, label in EXPORT_FORMATS
    ]
    return ListView(
        items,
        page.total or 0,
        previous_url,
        next_url,
        _facet_links(resource, page.facets or {}, base),
        exports,
    )
