"""Response formats: JSON, CSV (RFC 4180, one flat row per record) and NDJSON.

CSV columns come from the response model, so a header never depends on the data: nested
records become dotted columns (`visitor.country.code`, as pandas' json_normalize names them)
and lists become one column per field with values joined by "; " (`topics.id`, `topics.name`).
"""

import csv
import io
import types
from collections.abc import Iterable, Iterator
from typing import Any, Literal, Union, get_args, get_origin

import orjson
from fastapi import Request
from pydantic import BaseModel

from app.errors import ApiError

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
JOIN = "; "
# Lets spreadsheet programs recognise the file as UTF-8 ("Díaz" not "DÃ­az").
BYTE_ORDER_MARK = "\ufeff"


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
    accept = request.headers.get("accept", "")
    if not accept.strip():
        return offered[0]
    ranges = []
    for position, part in enumerate(accept.split(",")):
        media_range, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            if parameter.startswith("q="):
                try:
                    quality = float(parameter[2:])
                except ValueError:
                    quality = 0.0
        ranges.append((-quality, position, media_range.lower()))
    for negative_quality, _, media_range in sorted(ranges):
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


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _unwrap(annotation: Any) -> Any:
    """`X | None` → X."""
    if get_origin(annotation) in (Union, types.UnionType):
        options = [a for a in get_args(annotation) if a is not type(None)]
        if len(options) == 1:
            return options[0]
    return annotation


Column = tuple[str, tuple[str, ...], bool]  # header, path of keys, whether inside a list


def csv_columns(
    model: type[BaseModel], prefix: tuple[str, ...] = (), in_list: bool = False
) -> list[Column]:
    """The flat columns of a model, in field order."""
    columns: list[Column] = []
    for name, field in model.model_fields.items():
        annotation = _unwrap(field.annotation)
        path = (*prefix, name)
        if _is_model(annotation):
            columns += csv_columns(annotation, path, in_list)
        elif get_origin(annotation) is list and _is_model(_unwrap(get_args(annotation)[0])):
            columns += csv_columns(_unwrap(get_args(annotation)[0]), path, True)
        else:
            columns.append((".".join(path), path, in_list))
    if not prefix:
        # Identity first, bookkeeping last: id, ..., created_at, updated_at.
        stamps = [c for c in columns if c[0] in ("created_at", "updated_at")]
        columns = [c for c in columns if c not in stamps] + stamps
    return columns


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return JOIN.join(_text(v) for v in value)
    return str(value)


def _values(node: Any, path: tuple[str, ...]) -> list[Any]:
    """Every value at `path` under `node`, descending into lists."""
    if not path:
        return node if isinstance(node, list) else [node]
    if isinstance(node, list):
        return [value for item in node for value in _values(item, path)]
    if node is None:
        return []
    return _values(node.get(path[0]), path[1:])


def csv_row(item: dict[str, Any], columns: list[Column]) -> list[str]:
    """One record as a flat CSV row."""
    row = []
    for _, path, in_list in columns:
        values = _values(item, path)
        if in_list:
            row.append(JOIN.join(_text(v) for v in values))
        else:
            row.append(_text(values[0] if values else None))
    return row


def csv_lines(
    items: Iterable[dict[str, Any]], model: type[BaseModel], header: bool = True
) -> Iterator[str]:
    """CSV text, a chunk per record (with the header and byte order mark first)."""
    columns = csv_columns(model)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        buffer.write(BYTE_ORDER_MARK)
        writer.writerow([name for name, _, _ in columns])
    for item in items:
        writer.writerow(csv_row(item, columns))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def ndjson_lines(items: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """One JSON document per line."""
    for item in items:
        yield orjson.dumps(item) + b"\n"
