"""Stored documents: every visit as its list item (VisitPublic), encoded as JSON by SQLite
and as a CSV row, and as its detail (VisitDetail), when data is loaded, not when it is read.

Visits are read far more often than they change, and a list page spent most of its time
joining and shaping the same rows (participant, three countries, topics) for every request.
Every load (seed, imports) rebuilds `visit_document` inside its transaction, with the search
index (`app.derived.rebuild_derived`), so the documents always say what the tables say. A
list page then reads its items as JSON text and writes them out unchanged
(`app.queries.common.Encoded`): 35-50 µs for a page of 50 at 100k visits, against about
430 µs shaped per request; a CSV export writes the stored rows.

The JSON is encoded by SQLite (`ITEM_JSON`, below); the CSV row by the code that writes
every CSV answer (`app.tabular.csv_lines`), from that JSON. The document of a visit
is keyed by the visit's rowid (loads never renumber records). A change to either is a new
`app.derived.DERIVED_VERSION`.

The detail (`visit_detail`) is built by the queries that used to build it per request
(`app.queries.visits.visit_detail`, passed in by `app.derived`), run on the load's own
connection, then stored gzip-compressed: 10.7 KB of JSON is 1.5 KB stored (generated data)
and a client that accepts gzip gets the stored bytes as they are. One visit by id was 12
statements and the shaping of their rows; it is one indexed read.
"""

from collections.abc import Callable, Iterator
from typing import Any

import orjson
from sqlalchemy import Connection, text
from zlib_ng import zlib_ng

from app.models.visit import VisitPublic
from app.storage import Reader, load_reader
from app.tabular import csv_lines

# The tables one visit's document is made from.
FROM = """visit v
    JOIN participant p ON p.id = v.visitor_id
    LEFT JOIN country pc ON pc.code = p.country_code
    JOIN country vc ON vc.code = v.visitor_country_code
    JOIN country hc ON hc.code = v.host_country_code"""


def _country_json(code: str, name: str) -> str:
    # A CountryRef, or null; `json()` keeps the object an object through the CASE.
    return (
        f"json(CASE WHEN {code} IS NULL THEN NULL ELSE json_object('code', {code}, "
        f"'name', coalesce(nullif({name}, ''), {code})) END)"
    )


def _timestamp_json(column: str) -> str:
    # As app.queries.common.timestamp writes it: ISO 8601 UTC to the microsecond.
    return f"replace(substr({column}, 1, 26), ' ', 'T') || 'Z'"


# A visit as VisitPublic, encoded by SQLite over FROM: what visit lists and the detail return.
ITEM_JSON = f"""json_object(
    'id', v.id, 'tour_id', v.tour_id, 'leg', v.leg,
    'visitor', json_object(
        'id', p.id, 'name', p.name, 'country', {_country_json("p.country_code", "pc.name")}),
    'visitor_country', {_country_json("v.visitor_country_code", "vc.name")},
    'host_country', {_country_json("v.host_country_code", "hc.name")},
    'city', v.city, 'latitude', v.latitude, 'longitude', v.longitude,
    'start_date', v.start_date, 'end_date', v.end_date, 'kind', v.kind, 'summary', v.summary,
    'topics', (SELECT json_group_array(json_object('id', t.id, 'name', t.name)) FROM (
        SELECT t.id, t.name FROM visit_topic l JOIN topic t ON t.id = l.topic_id
        WHERE l.visit_id = v.id ORDER BY t.name, t.id) t),
    'created_at', {_timestamp_json("v.created_at")},
    'updated_at', {_timestamp_json("v.updated_at")})"""

# Where lists and the detail read the documents (`d.item`, `d.csv_row`) beside the visit.
DOCUMENT_FROM = "visit v JOIN visit_document d ON d.visit_rowid = v.rowid"

_BATCH = 5_000


def rebuild_documents(connection: Connection) -> None:
    """Rebuild every visit's document from the tables, inside the caller's transaction
    (SQLite only: `app.derived.rebuild_derived` calls it)."""
    connection.execute(text("DELETE FROM visit_document"))
    raw = connection.connection.driver_connection  # the same transaction, without SQLAlchemy
    assert raw is not None
    encoded = raw.execute(f"SELECT v.rowid, {ITEM_JSON} FROM {FROM} ORDER BY v.rowid")
    while batch := encoded.fetchmany(_BATCH):
        raw.executemany(
            "INSERT INTO visit_document (visit_rowid, item, csv_row) VALUES (?, ?, ?)",
            _with_csv(batch),
        )


def _with_csv(batch: list[tuple[int, str]]) -> Iterator[tuple[int, str, str]]:
    rows = csv_lines((orjson.loads(item) for _, item in batch), VisitPublic, header=False)
    for (rowid, item), row in zip(batch, rows, strict=True):
        yield rowid, item, row


def store_details(
    connection: Connection, detail_of: Callable[[Reader, str], dict[str, Any] | None]
) -> None:
    """Store every visit's detail as `detail_of` builds it, gzip-compressed, inside the
    caller's transaction and after `rebuild_documents` (the detail starts from the item)."""
    connection.execute(text("DELETE FROM visit_detail"))
    raw = connection.connection.driver_connection
    assert raw is not None
    reader = load_reader(connection)
    visits = raw.execute("SELECT rowid, id FROM visit ORDER BY rowid")
    while batch := visits.fetchmany(_BATCH):
        raw.executemany(
            "INSERT INTO visit_detail (visit_rowid, detail) VALUES (?, ?)",
            [(rowid, compressed(detail_of(reader, visit_id))) for rowid, visit_id in batch],
        )


def compressed(detail: dict[str, Any] | None) -> bytes:
    """A detail as stored: its JSON, gzip-compressed (no timestamp: the same detail is always
    the same bytes)."""
    if detail is None:
        raise ValueError("a visit read during its load has no detail")
    # zlib-ng's gzip wrapper (wbits 31) writes no timestamp.
    return zlib_ng.compress(orjson.dumps(detail), 6, wbits=31)
