"""The writer on the engine under test (TEST_BACKEND): a reload reads each stored record's id
and fingerprint, compares in full only the records whose fingerprint differs from the one of
their given row, and writes only what changed (app/store.py)."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, event, text

from app.models import Visit, VisitTopic
from app.seed import validate_seed
from app.storage import create_write_engine
from app.store import RECORD_TABLES, DatasetRows, SyncReport, table_of, write_dataset
from tests.support import SEED_DIR, database_of

CUBA = "2023-06-raisi-cuba"
NEW_SUMMARY = "The last leg of the tour."
# What every reload reads first: one (id, fingerprint) query per record table.
FINGERPRINT_READS = [
    f"SELECT {table_of(model).name}.{next(iter(table_of(model).primary_key)).name}, "
    f"{table_of(model).name}.fingerprint FROM {table_of(model).name} "
    f"WHERE {table_of(model).name}.dataset = ?"
    for model in RECORD_TABLES
]


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[str]:
    """A database of its own holding the seed, on the engine under test."""
    with database_of(SEED_DIR, tmp_path / "db") as url:
        yield url


@contextmanager
def _recording(url: str) -> Iterator[tuple[Connection, list[str]]]:
    """A connection in a transaction, committed at the end, and the SQL it runs, with each
    driver's placeholders (and PostgreSQL's casts of them) as `?`."""
    engine = create_write_engine(url)
    statements: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _record(*args: Any) -> None:
        sql = " ".join(str(args[2]).split())
        statements.append(re.sub(r"(%\(\w+\)s|%s)(::\w+( WITH TIME ZONE)?)?", "?", sql))

    try:
        with engine.begin() as connection:
            yield connection, statements
    finally:
        engine.dispose()


def _seed(summary: str | None = None, topics: list[str] | None = None) -> DatasetRows:
    """The seed's rows, the Cuba visit's summary or topics replaced if given."""
    rows = validate_seed(SEED_DIR)
    if summary is not None:
        (visit,) = [row for row in rows.records[Visit] if row["id"] == CUBA]
        visit["summary"] = summary
    if topics is not None:
        others = [link for link in rows.links[VisitTopic] if link["visit_id"] != CUBA]
        rows.links[VisitTopic] = others + [{"visit_id": CUBA, "topic_id": t} for t in topics]
    return rows


def _reload(url: str, rows: DatasetRows) -> tuple[SyncReport, list[str]]:
    with _recording(url) as (connection, statements):
        return write_dataset(connection, rows), statements


def _written(report: SyncReport) -> dict[str, set[str]]:
    return {table: ids for table, ids in report.written.items() if ids}


def _query(url: str, sql: str) -> list[tuple[Any, ...]]:
    with _recording(url) as (connection, _):
        result = connection.execute(text(sql))
        return [tuple(row) for row in result] if result.returns_rows else []


def test_a_reload_that_changes_nothing_reads_only_fingerprints(seeded: str) -> None:
    report, statements = _reload(seeded, _seed())
    assert not report.changed()
    assert statements == FINGERPRINT_READS


def test_a_reload_that_changes_one_record_reads_and_writes_that_record_alone(
    seeded: str,
) -> None:
    report, statements = _reload(seeded, _seed(summary=NEW_SUMMARY))
    assert _written(report) == {"visit": {CUBA}}
    assert report.total("updated") == 1
    content = [
        c.name
        for c in table_of(Visit).columns
        if c.name not in {"dataset", "created_at", "updated_at", "fingerprint"}
    ]
    # Besides the fingerprints: the visit's stored row, its update, its topics (a record's
    # links are in its fingerprint: compared, unchanged), the data version's update, and the
    # seed's parts forgotten (a whole write that changes the dataset: decision 0044).
    assert [s for s in statements if s not in FINGERPRINT_READS] == [
        f"SELECT {', '.join(f'visit.{c}' for c in content)} FROM visit WHERE visit.id IN (?)",
        f"UPDATE visit SET updated_at=?, fingerprint=?, {', '.join(f'{c}=?' for c in content[1:])} "
        "WHERE visit.id = ?",
        "SELECT visit_topic.visit_id, visit_topic.topic_id FROM visit_topic "
        "WHERE visit_topic.visit_id IN (?)",
        "UPDATE data_version SET version=(data_version.version + ?), changed_at=? "
        "WHERE data_version.id = ?",
        "DELETE FROM dataset_part WHERE dataset_part.dataset = ?",
    ]
    assert _query(seeded, f"SELECT summary FROM visit WHERE id = '{CUBA}'") == [(NEW_SUMMARY,)]
    # Loaded again, the same rows change nothing.
    again, statements = _reload(seeded, _seed(summary=NEW_SUMMARY))
    assert not again.changed()
    assert statements == FINGERPRINT_READS


def test_a_change_of_links_alone_is_found_by_the_owner_s_fingerprint(seeded: str) -> None:
    (before,) = _query(seeded, f"SELECT updated_at, fingerprint FROM visit WHERE id = '{CUBA}'")
    report, _ = _reload(seeded, _seed(topics=["energy"]))
    assert _written(report) == {"visit": {CUBA}}
    assert _query(seeded, f"SELECT topic_id FROM visit_topic WHERE visit_id = '{CUBA}'") == [
        ("energy",)
    ]
    (after,) = _query(seeded, f"SELECT updated_at, fingerprint FROM visit WHERE id = '{CUBA}'")
    assert after[0] != before[0]
    assert after[1] != before[1]


def test_the_fingerprint_is_trusted_and_a_null_one_compares_in_full(seeded: str) -> None:
    # A summary changed behind the loader's back, its fingerprint kept: the reload, which
    # reads only fingerprints, does not see it.
    _query(seeded, f"UPDATE visit SET summary = 'Changed by hand.' WHERE id = '{CUBA}'")
    report, _ = _reload(seeded, _seed())
    assert not report.changed()
    assert _query(seeded, f"SELECT summary FROM visit WHERE id = '{CUBA}'") == [
        ("Changed by hand.",)
    ]
    # Its fingerprint cleared, the next reload compares the row and writes it back.
    _query(seeded, f"UPDATE visit SET fingerprint = NULL WHERE id = '{CUBA}'")
    report, _ = _reload(seeded, _seed())
    assert _written(report) == {"visit": {CUBA}}
    (restored,) = _query(seeded, f"SELECT summary, fingerprint FROM visit WHERE id = '{CUBA}'")
    assert restored[0] != "Changed by hand."
    assert restored[1] is not None


def test_records_without_fingerprints_get_them_and_nothing_else_changes(seeded: str) -> None:
    # As after migration 0130, or a file written by bench.generate's bulk writer.
    held = {
        model: _query(
            seeded, f"SELECT count(*) FROM {table_of(model).name} WHERE dataset = 'seed'"
        )[0][0]
        for model in RECORD_TABLES
    }
    stamps = _query(seeded, "SELECT id, updated_at FROM visit ORDER BY id")
    for model in RECORD_TABLES:
        _query(seeded, f"UPDATE {table_of(model).name} SET fingerprint = NULL")
    report, statements = _reload(seeded, _seed())
    assert not report.changed()
    # Each record table of the seed: one UPDATE of its fingerprints (many rows at once).
    assert [s.split()[1] for s in statements if s.startswith("UPDATE")] == [
        table_of(model).name for model, count in held.items() if count
    ]
    assert sum(
        _query(
            seeded,
            f"SELECT count(*) FROM {table_of(model).name} "
            "WHERE dataset = 'seed' AND fingerprint IS NOT NULL",
        )[0][0]
        for model in RECORD_TABLES
    ) == sum(held.values())
    assert _query(seeded, "SELECT id, updated_at FROM visit ORDER BY id") == stamps
    again, statements = _reload(seeded, _seed())
    assert not again.changed()
    assert statements == FINGERPRINT_READS
