"""Pages made when data is loaded: every record's page and the home page, stored next to
the records' JSON documents (app/documents.py), so that a page's first request costs one
read, as its JSON does, and not a rendering; and every record's row of its list page
(`record_row`), which a list page's first request joins rather than writes
(docs/decisions/0037-list-rows-made-at-load-time.md).

A record's page and the home page take no parameters: their HTML depends on the data and on
the pages' code and templates only. `build` renders them inside the load's transaction, after
the other derived data (a page reads the sources its citations name, a participant's visits
and a country's timelines from the stored documents and list entries), gzip-compressed at
level 6 as the details are, each under the pages' fingerprint (app.pages.render.FINGERPRINT)
that made it. A stored page is sent only while that fingerprint is the running code's (and
the home page only at the data version it was made for); otherwise the page is rendered per
request, as before. Why, and what it costs: docs/decisions/0034-pages-made-at-load-time.md.

A record's row depends on its list item alone (app/pages/rows.py), which a refresh remakes
with its page: `build` writes the rows of the same records, uncompressed (a list page joins
50 of them), under the same fingerprint. A list page reads them with its items
(app/pages/lists.py) and writes from its item a row stored by other code.
"""

from collections.abc import Collection, Mapping

from fastapi import Response
from sqlalchemy import Connection, text
from zlib_ng import zlib_ng

from app import derived
from app.pages import data
from app.pages.home import home_html
from app.pages.kept import GZIP_LEVEL
from app.pages.records import SourceLines, record_html
from app.pages.render import FINGERPRINT, html_response
from app.pages.rows import row
from app.storage import Reader

TABLE = derived.PAGES_TABLE
ROWS = derived.ROWS_TABLE
HOME = ""  # the home page's `resource`; its `record_id` is the data version it shows
BATCH = 200

# Whose pages show a record of these kinds beyond what their documents hold: a participant's
# page lists their visits, meetings and agreements (names, places, dates).
LISTED_ON_PARTICIPANTS = {
    "visit": "SELECT participant_id FROM participation WHERE visit_id {ids}",
    "meeting": "SELECT participant_id FROM participation WHERE meeting_id {ids}",
    "agreement": "SELECT p.participant_id FROM agreement_signatory s "
    "JOIN participation p ON p.id = s.participation_id WHERE s.agreement_id {ids}",
}


def _compressed(html: str) -> bytes:
    # zlib-ng's gzip wrapper (wbits 31) writes no timestamp: the same page, the same bytes.
    return zlib_ng.compress(html.encode(), GZIP_LEVEL, wbits=31)


def _insert(connection: Connection, rows: list[dict[str, object]]) -> None:
    if rows:
        connection.execute(
            text(
                f"INSERT INTO {TABLE} (resource, record_id, fingerprint, page) "
                "VALUES (:resource, :record_id, :fingerprint, :page)"
            ),
            rows,
        )


def _insert_rows(connection: Connection, rows: list[dict[str, object]]) -> None:
    if rows:
        connection.execute(
            text(
                f"INSERT INTO {ROWS} (resource, record_id, fingerprint, html) "
                "VALUES (:resource, :record_id, :fingerprint, :html)"
            ),
            rows,
        )


def build(
    connection: Connection, reader: Reader, stale: Mapping[str, Collection[str]] | None
) -> None:
    """Render and store the pages of the records `stale` names (by table; every record's
    when None) and the home page, inside the caller's transaction; `reader` reads on the same
    connection, whose other derived data is current already."""
    extra = {"participant": set[str]()}
    if stale is not None:
        for kind, sql in LISTED_ON_PARTICIPANTS.items():
            extra["participant"] |= derived.related_ids(reader, sql, stale.get(kind, ()))
    dialect = reader.dialect
    lines = SourceLines()  # the data is one state for the whole build
    for resource in data.RESOURCES.values():
        kind = resource.singular
        chosen = {"resource": kind}
        if stale is None:
            for table in (TABLE, ROWS):
                connection.execute(text(f"DELETE FROM {table} WHERE resource = :resource"), chosen)
            ids = [
                row[0]
                for row in connection.execute(
                    text(
                        "SELECT record_id FROM record_detail WHERE resource = :resource "
                        "ORDER BY record_id"
                    ),
                    chosen,
                )
            ]
        else:
            ids = sorted(set(stale.get(kind, ())) | extra.get(kind, set()))
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            if stale is not None:
                for table in (TABLE, ROWS):
                    connection.execute(
                        text(
                            f"DELETE FROM {table} WHERE resource = :resource "
                            f"AND record_id {dialect.in_list('ids')}"
                        ),
                        {**chosen, "ids": dialect.list_param(batch)},
                    )
            made = {**chosen, "fingerprint": FINGERPRINT}
            pages: list[dict[str, object]] = []
            for record_id in batch:
                record = resource.get(reader, record_id)
                if record is not None:
                    page = _compressed(record_html(reader, resource, record, lines))
                    pages.append({**made, "record_id": record_id, "page": page})
            _insert(connection, pages)
            items = data.items(reader, resource, batch)
            _insert_rows(
                connection,
                [
                    {**made, "record_id": record_id, "html": row(resource.name, item)}
                    for record_id, item in sorted(items.items())
                ],
            )
    connection.execute(text(f"DELETE FROM {TABLE} WHERE resource = :resource"), {"resource": HOME})
    version = reader.one("SELECT version FROM data_version WHERE id = 1")
    home: dict[str, object] = {
        "resource": HOME,
        "record_id": str(int(version["version"]) if version else 0),
        "fingerprint": FINGERPRINT,
        "page": _compressed(home_html(reader)),
    }
    _insert(connection, [home])


def current(connection: Connection) -> bool:
    """Whether the stored pages were made by the running pages' code (or none are stored)."""
    made_by = built_by(connection)
    return made_by is None or made_by == FINGERPRINT


def built_by(connection: Connection) -> str | None:
    """The fingerprint of the pages' code that made the stored pages (None: none stored)."""
    row = connection.execute(
        text(f"SELECT fingerprint FROM {TABLE} WHERE resource = :resource"), {"resource": HOME}
    ).first()
    return None if row is None else str(row[0])


def _stored(db: Reader, resource: str, record_id: str, gzip: bool) -> Response | None:
    row = db.one(
        f"SELECT page FROM {TABLE} WHERE resource = :resource AND record_id = :id "
        "AND fingerprint = :fingerprint",
        {"resource": resource, "id": record_id, "fingerprint": FINGERPRINT},
    )
    if row is None:
        return None
    page = bytes(row["page"])
    if gzip:  # as stored (every page is larger than the gzip middleware's threshold)
        return html_response(page, gzipped=True)
    return html_response(zlib_ng.decompress(page, wbits=31))


def stored_record(
    db: Reader, resource: data.Resource, record_id: str, gzip: bool
) -> Response | None:
    """The stored page of a record (`gzip`: compressed, for a client that takes it), or None
    when none is stored for the running code (the record's id as stored: a country's
    alpha-2 code in capitals)."""
    return _stored(db, resource.singular, record_id, gzip)


def stored_home(db: Reader, gzip: bool) -> Response | None:
    """The stored home page of the current data version, or None."""
    return _stored(db, HOME, str(db.data_version()), gzip)


# Every load that imports the pages makes them (app.cli imports them for its loads).
derived.register(derived.Later(build, current))
