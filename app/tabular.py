"""Records as CSV (RFC 4180), one flat row per record, columns from the record's model.

A header never depends on the data: nested records become dotted columns
(`visitor.country.code`, as pandas' json_normalize names them) and lists become one column
per field with values joined by "; " (`topics.id`, `topics.name`). The layout of a model is
compiled once into one small function per column (`csv_layout`). Used by the API's CSV
answers (app/api/formats.py) and by the stored visit documents (app/documents.py).
"""

import csv
import io
import types
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any, NamedTuple, Union, get_args, get_origin

from pydantic import BaseModel

JOIN = "; "
# Lets spreadsheet programs recognise the file as UTF-8 ("Díaz" not "DÃ­az").
BYTE_ORDER_MARK = "\ufeff"


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


_ABSENT = object()  # a null record on the way to a value: no value at all


def _follow(value: Any, path: tuple[str, ...]) -> Any:
    """The value at `path` inside nested records, or _ABSENT past a null record."""
    for key in path:
        if value is None:
            return _ABSENT
        value = value.get(key)
    return value


def _nested_cell(path: tuple[str, ...]) -> Cell:
    """A field of a nested record (`visitor.country.code`); empty under a null record."""

    def cell(item: dict[str, Any]) -> str:
        value = _follow(item, path)
        if value is _ABSENT:
            return ""
        if value.__class__ is str:
            return value
        return _text(value)

    return cell


def _list_cell(outer: tuple[str, ...], key: str, inner: tuple[str, ...]) -> Cell:
    """A field of the records in a list (`topics.id`): their values joined by "; ". A null
    record adds nothing; a null value adds an empty text (`Caracas; ; Havana`)."""

    def cell(item: dict[str, Any]) -> str:
        records = _follow(item, (*outer, key))
        if records is _ABSENT or not records:
            return ""
        texts: list[str] = []
        for record in records:
            value = _follow(record, inner)
            if value is _ABSENT:
                continue
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
def csv_layout(model: type[BaseModel], fields: tuple[str, ...] | None = None) -> CsvLayout:
    """The columns of `model` compiled into cell functions, once per model: a row then costs
    one call per column and no walk of the schema. With `fields` (top-level field names), the
    columns of those fields alone, in their order."""
    columns = csv_columns(model)
    if fields is not None:
        columns = [column for name in fields for column in columns if column.path[0] == name]
    cells: list[Cell] = []
    for _, path, list_at in columns:
        if list_at is not None:
            cells.append(_list_cell(path[:list_at], path[list_at], path[list_at + 1 :]))
        elif len(path) == 1:
            cells.append(_field_cell(path[0]))
        else:
            cells.append(_nested_cell(path))
    return CsvLayout(tuple(column.header for column in columns), tuple(cells))


def csv_lines(
    records: Iterable[dict[str, Any] | str],
    model: type[BaseModel],
    header: bool = True,
    fields: tuple[str, ...] | None = None,
) -> Iterator[str]:
    """CSV text, a chunk per record (with the header and byte order mark first). A record
    given as text is a row this layout already made (a stored one): written as it is. With
    `fields`, the columns of those fields alone (records then given as dicts)."""
    layout = csv_layout(model, fields)
    cells = layout.cells
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        buffer.write(BYTE_ORDER_MARK)
        writer.writerow(layout.header)
    for record in records:
        if isinstance(record, str):
            buffer.write(record)
        else:
            writer.writerow([cell(record) for cell in cells])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
