"""Response formats: JSON, CSV (RFC 4180, one flat row per record: app/tabular.py) and
NDJSON, and choosing one from `?format=` or `Accept`."""

from collections.abc import Iterable, Iterator
from typing import Any, Literal

import orjson
from fastapi import Request
from pydantic import BaseModel

from app import tabular
from app.edge.headers import media_ranges
from app.errors import ApiError
from app.queries.common import Encoded, Item, encoded_as_is

Format = Literal["json", "csv", "ndjson"]

MEDIA_TYPES: dict[str, str] = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "ndjson": "application/x-ndjson",
}
_ACCEPTED: dict[str, Format] = {
    "application/json": "json",
    "text/csv": "csv",
    "application/x-ndjson": "ndjson",
    "application/ndjson": "ndjson",
}


def not_acceptable(offered: Iterable[str]) -> ApiError:
    """406 naming what is offered."""
    return ApiError(
        406,
        "not-acceptable",
        "Not acceptable",
        f"This resource is offered as {', '.join(offered)}; use ?format= or an Accept header "
        "naming one of them.",
    )


def negotiate(request: Request, requested: Format | None, offered: tuple[Format, ...]) -> Format:
    """The format to answer in: `?format=` first, then the Accept header; 406 if none fits."""
    media = [MEDIA_TYPES[f].split(";")[0] for f in offered]
    if requested is not None:
        if requested not in offered:
            raise not_acceptable(media)
        return requested
    accepted = media_ranges(request.scope)
    if not accepted:
        return offered[0]
    ranked = sorted((-quality, position, name) for position, (name, quality) in enumerate(accepted))
    for negative_quality, _, media_range in ranked:
        if negative_quality >= 0:
            break
        if media_range in ("*/*", "application/*") and "json" in offered:
            return "json"
        if media_range == "text/*" and "csv" in offered:
            return "csv"
        chosen = _ACCEPTED.get(media_range)
        if chosen in offered:
            return chosen
        if media_range == "*/*":
            return offered[0]
    raise not_acceptable(media)


def csv_lines(
    items: Iterable[Item],
    model: type[BaseModel],
    header: bool = True,
    fields: tuple[str, ...] | None = None,
) -> Iterator[str]:
    """CSV text, a chunk per item (app.tabular), a stored document's row as it is stored;
    with `fields` (app/api/fields.py), their columns alone, from the items' JSON."""
    stored = fields is None
    return tabular.csv_lines((_record(item, stored) for item in items), model, header, fields)


def _record(item: Item, stored: bool = True) -> dict[str, Any] | str:
    if isinstance(item, Encoded):
        return item.csv if stored and item.csv is not None else item.decoded()
    return item


def ndjson_lines(items: Iterable[Item]) -> Iterator[bytes]:
    """One JSON document per line."""
    for item in items:
        yield orjson.dumps(item, default=encoded_as_is) + b"\n"
