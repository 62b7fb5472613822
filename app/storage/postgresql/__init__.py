"""The PostgreSQL implementation of the storage seam: pooled read-only readers with one
snapshot per request (reader.py) and full-text search on tsvectors (search.py)."""

from app.storage.postgresql.reader import (
    PgLoadReader,
    PgReader,
    PgSnapshot,
    check_database,
    check_integrity,
    connect_or_fail,
    derived_version,
    libpq_url,
    load_reader,
    set_derived_version,
    where,
)
from app.storage.postgresql.search import TsIndex

__all__ = [
    "PgLoadReader",
    "PgReader",
    "PgSnapshot",
    "TsIndex",
    "check_database",
    "check_integrity",
    "connect_or_fail",
    "derived_version",
    "libpq_url",
    "load_reader",
    "set_derived_version",
    "where",
]
