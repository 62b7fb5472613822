"""Data derived from the tables: the full-text index (app/search.py) and the stored visit
documents and details (app/documents.py).

Every load (seed, imports) rebuilds both inside its transaction, so they always say what the
tables say. SQLite's `user_version` records which `DERIVED_VERSION` built them:
`python -m app migrate` rebuilds derived data of another version (`app.db.upgrade_to_head`),
and `serve` refuses it (`app.db.check_database`).
"""

from sqlalchemy import Connection, text

from app.documents import rebuild_documents, store_details
from app.queries.visits import visit_detail
from app.search import rebuild_search_index

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
        connection.execute(text(f"PRAGMA user_version = {DERIVED_VERSION}"))
    finally:
        connection.execute(text(f"PRAGMA cache_size = {int(cache_size)}"))


def derived_version(connection: Connection) -> int:
    """The DERIVED_VERSION that built this database's derived data (0: none yet)."""
    version: int = connection.execute(text("PRAGMA user_version")).scalar_one()
    return version
