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
from functools import cache, lru_cache
from typing import Any

from markupsafe import Markup
from pydantic import BaseModel, Field, create_model, model_validator
from starlette.datastructures import QueryParams

from app.api.paging import decode_cursor, encode_cursor, filters_digest, resume
from app.config import Settings
from app.pages import data
from app.pages.forms import Control, controls
from app.pages.fragments import escape
from app.pages.render import FINGERPRINT, encoded_pair, query_string
from app.pages.rows import row
from app.queries.common import Encoded
from app.storage import Reader, Row

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
class ListView:
    """Everything a list page shows."""

    rows: Markup  # the page's records, an `<li>` each
    shown: int  # how many
    total: int
    previous_url: str | None
    next_url: str | None
    facets: Markup  # a section per facet ('' for a resource without facets)
    exports: list[tuple[str, str]]


def _facet_filter(name: str, value: Any) -> dict[str, str]:
    if name == YEAR:
        return {"from": f"{value}-01-01", "to": f"{value}-12-31"}
    return {name: str(value)}


@lru_cache(maxsize=4096)
def _added(name: str, value: Any) -> str:
    """The query pairs a facet's value adds to a page's, as an attribute holds them."""
    selects = _facet_filter(name, value)
    return "&amp;".join(encoded_pair(k, v) for k, v in selects.items() if v != "")


def _facets(
    resource: data.Resource,
    counted: Mapping[str, list[dict[str, Any]]],
    kept: dict[str, list[str]],
) -> Markup:
    """Each facet's values with their counts, as links to the list filtered by them (paging
    reset), a section per facet; `kept`: the page's parameters but its cursors.

    Written as one pass over the counts, about 130 links on `/visits`: most add one filter
    the page does not set, so their address is the page's own query, encoded once, and the
    value's pairs (encoded once per process). An address holds no character to escape but
    `&` (urlencode's)."""
    path = f"/{resource.name}"
    prefix = (path + query_string(kept)).replace("&", "&amp;")
    joiner = "&amp;" if kept else "?"
    parts = []
    for name in resource.facets:
        key = escape(name)
        parts.append(
            f'    <section aria-labelledby="facet-{key}">\n'
            f'      <h3 id="facet-{key}">{escape(name.replace("_", " ").capitalize())}</h3>\n'
        )
        rows = counted.get(name, [])
        if not rows:
            parts.append("      <p>None.</p>\n    </section>\n")
            continue
        parts.append("      <ul>\n")
        # A facet whose filter the page sets: its values replace the page's own.
        replaces = any(k in kept for k in _facet_filter(name, ""))
        for counted_value in rows:
            value = counted_value["value"]
            if value is None:  # "not known", which no filter selects
                link = "not known"
            elif replaces:
                selects = _facet_filter(name, value)
                current = all(kept.get(k) == [v] for k, v in selects.items())
                url = (path + query_string({**kept, **selects})).replace("&", "&amp;")
                marked = ' aria-current="true"' if current else ""
                link = f'<a href="{url}"{marked}>{escape(counted_value["label"])}</a>'
            else:
                added = _added(name, value)
                url = prefix + joiner + added if added else prefix
                link = f'<a href="{url}">{escape(counted_value["label"])}</a>'
            count = counted_value["count"]
            parts.append(f'        <li>{link} <span class="count">({count})</span></li>\n')
        parts.append("      </ul>\n    </section>\n")
    # The template ends the last line.
    return Markup("".join(parts).removesuffix("\n"))  # noqa: S704 (every value escaped)


def _cursor_value(item: Mapping[str, Any], sort: str) -> tuple[Any, str]:
    """The (sort value, id) of a record, as a cursor holds it: the sort's field is the item's."""
    value = item[sort.removeprefix("-")]
    if isinstance(value, dict):  # a country, sorted by its code
        value = value["code"]
    if isinstance(value, dt.date):
        value = value.isoformat()
    return value, item["id"] if "id" in item else item["code"]  # a country's id is its code


def _rows(resource: data.Resource, items: list[Encoded], rows: list[Row]) -> Markup:
    """The page's rows as the load stored them (app/pages/stored.py), read with the items;
    a row not stored by the running code (a deploy before the next migration) written from
    its item."""
    written = []
    for item, found in zip(items, rows, strict=True):
        made = found["html"]
        written.append(made if made is not None else row(resource.name, item.decoded()))
    return Markup("".join(written))  # noqa: S704 (every value escaped where the row was written)


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
        items, page = data.stored_page(
            db, resource, wanted, reverse(sort), back, limit, FINGERPRINT
        )
        items.reverse()
        rows = page.rows[::-1]
        more_before, more_after = page.next_after is not None, bool(items)
    else:
        position = None if cursor is None else decode_cursor(cursor, sort, digest, secret)
        after = resume(position, version)
        items, page = data.stored_page(db, resource, wanted, sort, after, limit, FINGERPRINT)
        rows = page.rows
        more_before, more_after = cursor is not None and bool(items), page.next_after is not None
    base = {k: v for k, v in shown.items() if k not in ("cursor", "before")}
    previous_url = next_url = None
    if more_before:
        value = _cursor_value(items[0].decoded(), sort)
        at = encode_cursor(reverse(sort), value, digest, secret, version)
        previous_url = f"/{resource.name}" + query_string({**base, "before": at})
    if more_after:
        value = _cursor_value(items[-1].decoded(), sort)
        at = encode_cursor(sort, value, digest, secret, version)
        next_url = f"/{resource.name}" + query_string({**base, "cursor": at})
    exports = [
        (label, f"/v1/{resource.name}" + query_string({**base, "format": name}))
        for name, label in EXPORT_FORMATS
    ]
    return ListView(
        _rows(resource, items, rows),
        len(items),
        page.total or 0,
        previous_url,
        next_url,
        _facets(resource, page.facets or {}, base),
        exports,
    )
