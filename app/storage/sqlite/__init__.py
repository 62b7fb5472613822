"""The SQLite implementation of the storage seam, all of it: readers and their connections
(reader.py) and full-text search on FTS5 (search.py)."""

from app.storage.sqlite.reader import (
    SqliteLoadReader,
    SqliteReader,
    SqliteSnapshot,
    check_database,
    check_integrity,
    derived_version,
    large_cache,
    load_reader,
    prepare_write_engine,
    set_derived_version,
    sqlite_path,
    standalone,
)
from app.storage.sqlite.search import Fts5Index

__all__ = [
    "Fts5Index",
    "SqliteLoadReader",
    "SqliteReader",
    "SqliteSnapshot",
    "check_database",
    "check_integrity",
    "derived_version",
    "large_cache",
    "load_reader",
    "prepare_write_engine",
    "set_derived_version",
    "sqlite_path",
    "standalone",
]
