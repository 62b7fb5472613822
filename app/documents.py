"""Stored documents: every visit as its list item (VisitPublic), encoded as JSON by SQLite
and as a CSV row when data is loaded, not when it is read.

Visits are read far more often than they change, and a list page spent most of its time
joining and shaping the same rows (participant, three countries, topics) for every request.
Every load (seed, imports) rebuilds `visit_document` inside its transaction, as it rebuilds
the search index, so the documents always say what the tables say. A list page then reads
its items as JSON text and writes them out unchanged (`app.queries.common.Encoded`): 35-50 µs
for a page of 50 at 100k visits, against about 430 µs shaped per request; a CSV export
writes the stored rows.

The JSON is encoded by `ITEM_JSON` (app/queries/visits.py); the CSV row by the same code
that formats any CSV (`app.api.formats.csv_lines`), from that JSON. The document of a visit
is keyed by the visit's rowid (loads never renumber records). SQLite's `user_version`
records which `DOCUMENTS_VERSION` built them: `python -m app migrate` rebuilds documents of
another version, and `serve` refuses them (`app.db.check_database`).
"""

from collections.abc import Iterator

import orjson
from sqlalchemy import Connection, text

from app.api.formats import csv_lines
from app.models.visit import VisitPublic
from app.queries.visits import FROM, ITEM_JSON

# Bump when ITEM_JSON or VisitPublic's CSV columns change: databases then need a rebuild.
DOCUMENTS_VERSION = 1

_BATCH = 5_000


def rebuild_documents(connection: Connection) -> None:
    """Rebuild every visit's document from the tables, inside the caller's transaction."""
    if connection.dialect.name != "sqlite":
        return
    connection.execute(text("DELETE FROM visit_document"))
    raw = connection.connection.driver_connection  # the same transaction, without SQLAlchemy
    assert raw is not None
    encoded = raw.execute(f"SELECT v.rowid, {ITEM_JSON} FROM {FROM} ORDER BY v.rowid")
    while batch := encoded.fetchmany(_BATCH):
        raw.executemany(
            "INSERT INTO visit_document (visit_rowid, item, csv_row) VALUES (?, ?, ?)",
            _with_csv(batch),
        )
    raw.execute(f"PRAGMA user_version = {DOCUMENTS_VERSION}")


def _with_csv(batch: list[tuple[int, str]]) -> Iterator[tuple[int, str, str]]:
    rows = csv_lines((orjson.loads(item) for _, item in batch), VisitPublic, header=False)
    for (rowid, item), row in zip(batch, rows, strict=True):
        yield rowid, item, row


def documents_version(connection: Connection) -> int:
    """The DOCUMENTS_VERSION that built this database's documents (0: none yet)."""
    version: int = connection.execute(text("PRAGMA user_version")).scalar_one()
    return version
