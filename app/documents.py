"""Stored documents: every record's list item (as JSON and as a CSV row) and its detail (as
gzip-compressed JSON), built when data is loaded, not when it is read.

Records are read far more often than they change, and a page or a detail spent most of its
time joining and shaping the same rows for every request. One mechanism serves every
resource: a `Documents` declaration names the query functions that shape the resource's
items and details from the tables, for a batch of ids (in app/queries/<resource>.py), and
its public model (the CSV columns). A load runs them on its own connection, inside its
transaction (`store`), so the documents always say what the tables say; lists and exports
write the items out as they are, a detail is one read, and a client that accepts gzip gets
the stored bytes. Python builds every document, so any engine stores the same bytes.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import BaseModel
from sqlalchemy import Connection, text
from zlib_ng import zlib_ng

from app.storage import Reader
from app.tabular import csv_lines

Shaped = Callable[[Reader, list[str]], list[dict[str, Any]]]

# Records built per batch: one statement per embedded kind of record for the whole batch.
BATCH = 500


@dataclass(frozen=True)
class Documents:
    """How one resource's documents are built: from the tables, a batch of ids at a time."""

    resource: str  # also its table's name
    model: type[BaseModel]  # the list item's model: its CSV columns
    items: Shaped
    details: Shaped | None  # None: the resource has no detail
    id_column: str = "id"  # in the table and in the public model


def store(
    connection: Connection, reader: Reader, documents: Documents, ids: Collection[str] | None
) -> None:
    """Build and store the documents of `ids` (of every record when None), inside the
    caller's transaction; `reader` reads on the same connection. A record of `ids` that no
    longer exists loses its documents."""
    if ids is not None:
        chosen = sorted(ids)
        for start in range(0, len(chosen), BATCH):
            batch = chosen[start : start + BATCH]
            _delete(connection, reader, documents.resource, batch)
            _store_batch(connection, reader, documents, batch)
        return
    for table in ("record_item", "record_detail"):
        connection.execute(
            text(f"DELETE FROM {table} WHERE resource = :resource"),
            {"resource": documents.resource},
        )
    column = documents.id_column
    after = ""
    while batch := [
        row[0]
        for row in connection.execute(
            text(
                f"SELECT {column} FROM {documents.resource} WHERE {column} > :after "
                f"ORDER BY {column} LIMIT {BATCH}"
            ),
            {"after": after},
        )
    ]:
        _store_batch(connection, reader, documents, batch)
        after = batch[-1]


def _delete(connection: Connection, reader: Reader, resource: str, batch: list[str]) -> None:
    listed = {"resource": resource, "ids": reader.dialect.list_param(batch)}
    for table in ("record_item", "record_detail"):
        connection.execute(
            text(
                f"DELETE FROM {table} WHERE resource = :resource "
                f"AND record_id {reader.dialect.in_list('ids')}"
            ),
            listed,
        )


def _store_batch(
    connection: Connection, reader: Reader, documents: Documents, batch: list[str]
) -> None:
    items = documents.items(reader, batch)
    if not items:
        return
    rows = csv_lines(items, documents.model, header=False)
    connection.execute(
        text(
            "INSERT INTO record_item (resource, record_id, item, csv_row) "
            "VALUES (:resource, :record_id, :item, :csv_row)"
        ),
        [
            {
                "resource": documents.resource,
                "record_id": item[documents.id_column],
                "item": orjson.dumps(item).decode(),
                "csv_row": row,
            }
            for item, row in zip(items, rows, strict=True)
        ],
    )
    if documents.details is None:
        return
    connection.execute(
        text(
            "INSERT INTO record_detail (resource, record_id, detail) "
            "VALUES (:resource, :record_id, :detail)"
        ),
        [
            {
                "resource": documents.resource,
                "record_id": detail[documents.id_column],
                "detail": compressed(detail),
            }
            for detail in documents.details(reader, batch)
        ],
    )


def compressed(detail: dict[str, Any]) -> bytes:
    """A detail as stored: its JSON, gzip-compressed at level 6 (no timestamp: the same
    detail is always the same bytes)."""
    # zlib-ng's gzip wrapper (wbits 31) writes no timestamp.
    return zlib_ng.compress(orjson.dumps(detail), 6, wbits=31)
