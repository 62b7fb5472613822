"""Stored documents: every visit as its list item (VisitPublic), encoded as JSON by SQLite
when data is loaded, not when it is read.

Visits are read far more often than they change, and a list page spent most of its time
joining and shaping the same rows (participant, three countries, topics) for every request.
Every load (seed, imports) rebuilds `visit_document` inside its transaction, as it rebuilds
the search index, so the documents always say what the tables say. A list page then reads
its items as JSON text and writes them out unchanged (`app.queries.common.Encoded`): 35-50 µs
for a page of 50 at 100k visits, against about 430 µs shaped per request.

The document of a visit is keyed by the visit's rowid: loads never renumber records.
"""

from sqlalchemy import Connection, text

from app.queries.visits import FROM, ITEM_JSON

_INSERT = "INSERT INTO visit_document (visit_rowid, item) SELECT v.rowid, {item} FROM {source}"


def rebuild_documents(connection: Connection) -> None:
    """Rebuild every visit's document from the tables, inside the caller's transaction."""
    if connection.dialect.name != "sqlite":
        return
    connection.execute(text("DELETE FROM visit_document"))
    connection.execute(text(_INSERT.format(item=ITEM_JSON, source=FROM)))
