"""The PostgreSQL implementation of the storage seam: pooled read-only readers with one
snapshot per request (reader.py), full-text search on tsvectors (search.py) and bulk
writes by COPY (writer.py)."""

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
from app.storage.postgresql.writer import copy_rows

__all__ = [
    "PgLoadReader",
    "PgReader",
    "PgSnapshot",
    "TsIndex",
    "check_database",
    "check_integrity",
    "connect_or_fail",
    "copy_rows",
    "derived_version",
    "libpq_url",
    "load_reader",
    "set_derived_version",
    "where",
]
