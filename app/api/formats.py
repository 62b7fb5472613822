"""Response formats: JSON, CSV (RFC 4180, one flat row per record) and NDJSON.

CSV columns come from the response model, so a header never depends on the data: nested
records become dotted columns (`visitor.country.code`, as pandas' json_normalize names them)
and lists become one column per field with values joined by "; " (`topics.id`, `topics.name`).
"""

import csv
import io
import types
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any, Literal, NamedTuple, Union, get_args, get_origin

import orjson
from fastapi import Request
from pydantic import BaseModel

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


class Column(NamedTuple):
    """One CSV column: its header, the keys from the record to its value, and the position on
    that path of the list of records it runs through (None for a column outside lists)."""

    header: str
    path: tuple[str, ...]
    list_at: int | None


def csv_columns(
    model: type[BaseModel], prefix: tuple[str, ...] = (), list_at: int | None = None
) -> list[Column]:
    """The flat columns of a model, in field order."""
    columns: list[Column] = []
    for name, field in model.model_fields.items():
        annotation = _unwrap(field.annotation)
        path = (*prefix, name)
        if _is_model(annotation):
            columns += csv_columns(annotation, path, list_at)
        elif get_origin(annotation) is list and _is_model(_unwrap(get_args(annotation)[0])):
            if list_at is not None:
                # One "; "-joined cell cannot say which outer record a value came from.
                raise TypeError(f"CSV has no flat form for a list in a list: {'.'.join(path)}")
            columns += csv_columns(_unwrap(get_args(annotation)[0]), path, len(prefix))
        else:
            columns.append(Column(".".join(path), path, list_at))
    if not prefix:
        # Identity first, bookkeeping last: id, ..., created_at, updated_at.
        stamps = [c for c in columns if c.header in ("created_at", "updated_at")]
        columns = [c for c in columns if c not in stamps] + stamps
    return columns


def _text(value: Any) -> str:
    """One value as CSV text: None empty, booleans lower-case, lists joined."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, list):
        return JOIN.join(map(_text, value))
    return str(value)


# Cells below test `value.__class__ is str` first: most values are text, which is its own
# CSV text (the exact class, so a str Enum still goes through str()).
Cell = Callable[[dict[str, Any]], str]


def _field_cell(key: str) -> Cell:
    """A top-level field."""

    def cell(item: dict[str, Any]) -> str:
        value = item.get(key)
        if value.__class__ is str:
            return value
        return _text(value)  # a list of plain values (`aliases`): every value, joined

    return cell


def _nested_cell(path: tuple[str, ...]) -> Cell:
    """A field of a nested record (`visitor.country.code`); empty under a null record."""

    def cell(item: dict[str, Any]) -> str:
        value: Any = item
        for key in path:
            if value is None:
                return ""
            value = value.get(key)
        if value.__class__ is str:
            return value
        return _text(value)

    return cell


def _list_cell(outer: tuple[str, ...], key: str, inner: tuple[str, ...]) -> Cell:
    """A field of the records in a list (`topics.id`): their values joined by "; ". A null
    record adds nothing; a null value adds an empty text (`Caracas; ; Havana`)."""

    def cell(item: dict[str, Any]) -> str:
        node: Any = item
        for step in outer:
            if node is None:
                return ""
            node = node.get(step)
        records = node.get(key) if node is not None else None
        if not records:
            return ""
        texts: list[str] = []
        for record in records:
            value = record
            for step in inner:
                if value is None:
                    break  # a null record on the way: no value at all
                value = value.get(step)
            else:
                if value.__class__ is str:
                    texts.append(value)
                elif isinstance(value, list):
                    texts.extend(map(_text, value))
                else:
                    texts.append(_text(value))
        return JOIN.join(texts)

    return cell


class CsvLayout(NamedTuple):
    """A model's CSV form: the header, and per column a function from a record to its text."""

    header: tuple[str, ...]
    cells: tuple[Cell, ...]


@cache
def csv_layout(model: type[BaseModel]) -> CsvLayout:
    """The columns of `model` compiled into cell functions, once per model: a row then costs
    one call per column and no walk of the schema."""
    columns = csv_columns(model)
    cells: list[Cell] = []
    for _, path, list_at in columns:
        if list_at is not None:
            cells.append(_list_cell(path[:list_at], path[list_at], path[list_at + 1 :]))
        elif len(path) == 1:
            cells.append(_field_cell(path[0]))
        else:
            cells.append(_nested_cell(path))
    return CsvLayout(tuple(column.header for column in columns), tuple(cells))


def csv_lines(items: Iterable[Item], model: type[BaseModel], header: bool = True) -> Iterator[str]:
    """CSV text, a chunk per record (with the header and byte order mark first)."""
    layout = csv_layout(model)
    cells = layout.cells
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        buffer.write(BYTE_ORDER_MARK)
        writer.writerow(layout.header)
    for item in items:
        if isinstance(item, Encoded):
            if item.csv is not None:  # stored with the document, by this same layout
                buffer.write(item.csv)
            else:
                record = item.decoded()
                writer.writerow([cell(record) for cell in cells])
        else:
            writer.writerow([cell(item) for cell in cells])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def ndjson_lines(items: Iterable[Item]) -> Iterator[bytes]:
    """One JSON document per line."""
    for item in items:
        yield orjson.dumps(item, default=encoded_as_is) + b"\n"
