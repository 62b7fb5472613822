"""`insert_rows` (app/storage): a table's rows written in the engine's bulk form
(PostgreSQL's COPY, SQLite's batches of INSERTs), each value as an INSERT binds it."""

from datetime import UTC, date, datetime

from sqlalchemy import Column, Date, DateTime, Float, Integer, MetaData, Table, Text, select

from app.models.base import JSONText
from app.storage import INSERT_BATCH, create_write_engine, insert_rows


def test_every_row_is_written_with_its_values(database_url: str) -> None:
    metadata = MetaData()
    table = Table(
        "bulk_write_check",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("name", Text),
        Column("on_day", Date),
        Column("at", DateTime(timezone=True)),
        Column("share", Float),
        Column("document", JSONText(none_as_null=True)),
    )
    rows = [
        {
            "id": n,
            "name": None if n % 7 == 0 else f"Havana\t{n}\n\\ «Díaz-Canel»",
            "on_day": date(2023, 6, 15),
            "at": datetime(2023, 6, 15, 9, 30, n % 60, tzinfo=UTC),
            "share": n / 4,
            "document": None if n % 5 == 0 else {"ids": [n], "note": 'a "quoted" word'},
        }
        for n in range(2 * INSERT_BATCH + 1)  # three batches where the engine has no COPY
    ]
    engine = create_write_engine(database_url)
    try:
        with engine.begin() as connection:
            table.create(connection)
        with engine.begin() as connection:
            assert insert_rows(connection, table, iter(rows)) == len(rows)
        with engine.connect() as connection:
            found = [dict(r._mapping) for r in connection.execute(select(table).order_by("id"))]
        for row in found:  # SQLite keeps no time zone: its timestamps are naive UTC
            row["at"] = row["at"].replace(tzinfo=UTC) if row["at"].tzinfo is None else row["at"]
        assert found == rows
    finally:
        with engine.begin() as connection:
            table.drop(connection, checkfirst=True)
        engine.dispose()
