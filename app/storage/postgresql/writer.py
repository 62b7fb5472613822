"""Bulk writes on PostgreSQL: a table's rows sent with one COPY, not an INSERT each."""

from collections.abc import Iterable, Mapping
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import Connection, Table


def copy_rows(connection: Connection, table: Table, rows: Iterable[Mapping[str, Any]]) -> int:
    """Write `rows` (every column's value, by name) into `table` with `COPY ... FROM STDIN`
    on the caller's connection, inside its transaction; each value bound as an INSERT
    binds it (the column type's processor: JSON as text). Returns the rows written."""
    raw = connection.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    columns = list(table.columns)
    processors = [column.type.bind_processor(connection.dialect) for column in columns]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c.name) for c in columns)
    )
    written = 0
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(
                [
                    value if process is None else process(value)
                    for value, process in zip(
                        (row[column.name] for column in columns), processors, strict=True
                    )
                ]
            )
            written += 1
    return written
