"""`copy --from SRC_URL --to DST_URL`: every record of every table from one database to
another (SQLite to PostgreSQL and back), the target migrated first and its derived data
(search index, stored documents, list entries) built from what was copied, all in one
transaction on the target; then verified by the count and a checksum of every table.
"""

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, func, select, text
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers every table on SQLModel.metadata)
from app.derived import (
    DERIVED_VERSION,
    EVERYTHING,
    check_not_missing,
    rebuild_if_stale,
    refresh,
)
from app.storage import (
    DatabaseNotReady,
    check_database,
    create_write_engine,
    dialect_name,
    insert_rows,
    make_standalone,
    upgrade_to_head,
)

_BATCH = 2000


class CopyRefused(Exception):
    """The copy would overwrite data, or the databases cannot be copied between."""


@dataclass(frozen=True)
class TableCopied:
    """One table's rows on both sides and whether their checksums agree."""

    name: str
    rows: int
    checksum: str
    matches: bool


def tables() -> list[Table]:
    """The record tables, parents before the tables that refer to them."""
    return list(SQLModel.metadata.sorted_tables)


def _value(value: Any) -> Any:
    """A value as both engines give it back, for the checksum: timestamps as naive UTC,
    booleans as numbers."""
    if isinstance(value, datetime):
        return (value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _rows(connection: Connection, table: Table) -> Iterator[tuple[Any, ...]]:
    ordered = select(table).order_by(*table.primary_key.columns)
    result = connection.execution_options(yield_per=_BATCH).execute(ordered)
    for row in result:
        yield tuple(_value(v) for v in row)


def checksum(connection: Connection, table: Table) -> tuple[int, str]:
    """The number of rows of `table` and a SHA-256 of them in primary-key order."""
    digest = hashlib.sha256()
    count = 0
    for row in _rows(connection, table):
        digest.update(repr(row).encode())
        count += 1
    return count, digest.hexdigest()[:16]


def _aware(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """Naive timestamps (SQLite's) as UTC, so that PostgreSQL stores the same moment."""
    for column in table.columns:
        value = row.get(column.name)
        if isinstance(value, datetime) and value.tzinfo is None:
            row[column.name] = value.replace(tzinfo=UTC)
    return row


def holds_records(connection: Connection) -> bool:
    """Whether any record table of a migrated database has a row."""
    return any(
        connection.execute(select(func.count()).select_from(table)).scalar()
        for table in tables()
        if table.name != "data_version"
    )


def copy_database(
    source_url: str,
    target_url: str,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> list[TableCopied]:
    """Copy every record from `source_url` to `target_url`, build the target's derived
    data, and verify each table; refuse a target holding records unless `force`."""
    say = progress or (lambda _: None)
    if source_url == target_url:
        raise CopyRefused("the source and the target are the same database")
    check_database(source_url, DERIVED_VERSION)
    upgrade_to_head(target_url)
    rebuild_if_stale(target_url)
    source_engine = create_write_engine(source_url)
    target_engine = create_write_engine(target_url)
    try:
        with source_engine.connect() as source, target_engine.begin() as target:
            if holds_records(target) and not force:
                raise CopyRefused(
                    "the target database holds records: copy into an empty database, or pass "
                    "--force to replace them"
                )
            for table in reversed(tables()):
                target.execute(table.delete())
            for table in tables():
                read = source.execution_options(yield_per=_BATCH).execute(select(table))
                copied = insert_rows(target, table, (_aware(table, dict(r._mapping)) for r in read))
                say(f"{table.name}: {copied:,} rows copied")
            if dialect_name(target_url) == "postgresql":
                # Generated keys continue after the copied ones.
                for table in tables():
                    column = table.autoincrement_column
                    if column is not None:
                        target.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('{table.name}', "
                                f"'{column.name}'), coalesce(max({column.name}), 0) + 1, false) "
                                f"FROM {table.name}"
                            )
                        )
            say("building the search index, stored documents and list entries")
            refresh(target, EVERYTHING)
            check_not_missing(target)
        with source_engine.connect() as source, target_engine.connect() as target:
            report = []
            for table in tables():
                rows, digest = checksum(source, table)
                copied_rows, copied_digest = checksum(target, table)
                report.append(
                    TableCopied(
                        table.name, rows, digest, (rows, digest) == (copied_rows, copied_digest)
                    )
                )
            return report
    finally:
        source_engine.dispose()
        target_engine.dispose()


def copy_to_sqlite(source_url: str, target: Path) -> None:
    """The database at `source_url` as the SQLite file `target` (its records copied, its
    derived data built): what `/v1/export/database.sqlite` serves on an engine other than
    SQLite."""
    report = copy_database(source_url, f"sqlite:///{target}", force=True)
    make_standalone(target)
    wrong = [copied.name for copied in report if not copied.matches]
    if wrong:
        raise DatabaseNotReady(f"the copy's tables differ from the database's: {', '.join(wrong)}")
