"""Data derived from the tables: the full-text index (app/search.py) and the stored visit
documents and details (app/documents.py).

Every load (seed, imports) rebuilds both inside its transaction, so they always say what the
tables say. The storage records which `DERIVED_VERSION` built them
(`app.storage.derived_version`): `python -m app migrate` rebuilds derived data of another
version (`rebuild_if_stale`), and `serve` refuses it (`app.storage.check_database`).
"""

from sqlalchemy import Connection, text

from app.documents import rebuild_documents, store_details
from app.queries.visits import visit_detail
from app.search import rebuild_search_index
from app.storage import create_write_engine, derived_version, set_derived_version, sqlite_path

# Bump when the search index's documents or rowids, ITEM_JSON or VisitPublic's CSV columns
# change: databases then need a rebuild. 2: visits' document rowids follow start_date.
# 3: visit details stored (a change to VisitDetail's shape is a new version too).
DERIVED_VERSION = 3

# SQLite's page cache while derived data is rebuilt (KiB; its default is 2 MiB). The details
# read each visit's meetings, participants and agreements by index: at 1M visits a larger
# cache keeps those indexes' pages. It is filled only as pages are read.
REBUILD_CACHE_KIB = 512 * 1024


def rebuild_derived(connection: Connection) -> None:
    """Rebuild the search index and the visit documents and details, inside the caller's
    transaction."""
    if connection.dialect.name != "sqlite":
        return
    cache_size = connection.execute(text("PRAGMA cache_size")).scalar_one()
    connection.execute(text(f"PRAGMA cache_size = -{REBUILD_CACHE_KIB}"))
    try:
        rebuild_search_index(connection)
        rebuild_documents(connection)
        store_details(connection, visit_detail)
        set_derived_version(connection, DERIVED_VERSION)
    finally:
        connection.execute(text(f"PRAGMA cache_size = {int(cache_size)}"))


def rebuild_if_stale(database_url: str) -> None:
    """Build the search index and the stored documents if another version of the service
    built them (or none did: a new or just-migrated database); call after migrating."""
    if sqlite_path(database_url) is None:
        return
    engine = create_write_engine(database_url)
    try:
        with engine.begin() as connection:
            if derived_version(connection) != DERIVED_VERSION:
                rebuild_derived(connection)
    finally:
        engine.dispose()
