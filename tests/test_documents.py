"""Stored documents and the other derived data say what the tables say, for every resource.

Every record's stored list item, CSV row and detail equal the ones its query functions
build from the tables now; a detail is built in a fixed number of statements whatever the
number of records; and a refresh for the records a change touches gives the same derived
data as a full rebuild.
"""

import gzip
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from app.derived import DOCUMENTS, EVERYTHING, Changed, refresh, stale_records
from app.documents import Documents
from app.models.claim import claim_id
from app.queries import visits
from app.storage import create_write_engine, load_reader
from app.storage.sqlite import SqliteReader
from app.tabular import csv_lines
from tests.generated import generated_database
from tests.support import (
    BUSINESS_MEETING,
    COLLABORATIONS,
    RAISI_THERE,
    build_database,
    copy_sqlite,
    seed_with_parts_claimed,
)

pytestmark = pytest.mark.sqlite_only(
    reason="rebuilds and compares the stored documents in SQLite files",
    counterpart=None,
)

VISITS = 150


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """VISITS generated visits, with agreements, tours and statements."""
    return generated_database(tmp_path_factory.mktemp("documents") / "visits.sqlite3", VISITS)


def _stored(path: Path, table: str, resource: str) -> dict[str, tuple[Any, ...]]:
    columns = "item, csv_row" if table == "record_item" else "detail"
    with closing(sqlite3.connect(path)) as connection:
        return {
            row[0]: row[1:]
            for row in connection.execute(
                f"SELECT record_id, {columns} FROM {table} WHERE resource = ?", (resource,)
            )
        }


def _all_ids(reader: SqliteReader, documents: Documents) -> list[str]:
    column = documents.id_column
    return [
        row[column]
        for row in reader.rows(f"SELECT {column} FROM {documents.resource} ORDER BY {column}")
    ]


@pytest.mark.parametrize("documents", DOCUMENTS, ids=[d.resource for d in DOCUMENTS])
@pytest.mark.parametrize("data", ["seed", "generated"])
def test_every_stored_document_is_the_one_built_from_the_tables(
    documents: Documents, data: str, database_url: str, generated: Path
) -> None:
    path = generated if data == "generated" else Path(database_url.removeprefix("sqlite:///"))
    reader = SqliteReader(path, 60_000)
    try:
        ids = _all_ids(reader, documents)
        assert ids, "every resource has records to compare"
        items = documents.items(reader, ids)
        stored = _stored(path, "record_item", documents.resource)
        assert sorted(stored) == ids
        rows = list(csv_lines(items, documents.model, header=False))
        for item, row in zip(items, rows, strict=True):
            assert stored[item[documents.id_column]] == (orjson.dumps(item).decode(), row)
        details = _stored(path, "record_detail", documents.resource)
        if documents.details is None:
            assert details == {}
            return
        built = documents.details(reader, ids)
        assert sorted(details) == ids
        for detail in built:
            (compressed,) = details[detail[documents.id_column]]
            assert gzip.decompress(compressed) == orjson.dumps(detail)
    finally:
        reader.close()


DETAILS = {
    "visits": "2023-06-raisi-cuba",
    "meetings": "2023-06-havana-cigb-visit",
    "agreements": "2023-06-15-iran-cuba-memorandum-of-understanding",
    "participants": "ebrahim-raisi",
    "tours": "2023-06-raisi-latin-america",
    "statements": "2023-06-raisi-praises-cuban-biotechnology",
}


@pytest.mark.parametrize(("path", "record_id"), DETAILS.items())
def test_a_detail_is_served_as_stored_in_one_read(
    path: str, record_id: str, client: TestClient, statements: list[str]
) -> None:
    resource = path.removesuffix("s")
    (documents,) = [d for d in DOCUMENTS if d.resource == resource]
    assert documents.details is not None
    reader = client.app.state.reader  # type: ignore[attr-defined]
    served = client.get(f"/v1/{path}/{record_id}", headers={"Accept-Encoding": "identity"})
    assert served.status_code == 200, served.text
    assert [sql for sql in statements if "record_detail" in sql] == [
        "SELECT detail FROM record_detail WHERE resource = :resource AND record_id = :id"
    ]
    assert served.content == orjson.dumps(documents.details(reader, [record_id])[0])


def test_a_detail_is_built_in_a_fixed_number_of_statements(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One statement per embedded kind of record for the whole batch, and one for every
    # citation of all of them: the same for 1 visit or 100.
    reader = SqliteReader(generated, 60_000)
    ran: list[str] = []
    original = reader.rows

    def recording(sql: str, params: Any = None) -> Any:
        ran.append(sql)
        return original(sql, params)

    monkeypatch.setattr(reader, "rows", recording)
    with_agreements = [
        row["visit_id"]
        for row in original("SELECT DISTINCT visit_id FROM agreement ORDER BY visit_id")
    ]
    counts = []
    for ids in (with_agreements[:1], with_agreements[:100]):
        ran.clear()
        visits.details(reader, ids)
        counts.append(len(ran))
    reader.close()
    # 26: the sources of the visits, their meetings and their agreements (`source_ids`) are
    # one statement each, and so are the claims about the participations (the visits' and the
    # signatories') and the statements.
    assert counts[0] == counts[1] == 26


# The seed article's count of the memorandums (1), one of two claims that dispute it.
MEMORANDUM_ONE = claim_id(
    "agreement", "2023-06-15-iran-cuba-memorandum-of-understanding", "count", 1, None
)

# What a load might change: rows written by SQL, as a loader writes them, and what to tell
# `refresh` (the rows written or deleted, and what they pointed to before or after).
CHANGES: dict[str, tuple[list[str], Changed]] = {
    "a participant renamed": (
        ["UPDATE participant SET name = 'Renamed Person' WHERE id = 'ebrahim-raisi'"],
        Changed({"participant": {"ebrahim-raisi"}}),
    ),
    "a country renamed": (
        ["UPDATE country SET name = 'Republic of Cuba' WHERE code = 'CU'"],
        Changed({"country": {"CU"}}),
    ),
    "a meeting deleted, with what cascades": (
        ["DELETE FROM meeting WHERE id = '2023-06-havana-cigb-visit'"],
        Changed(
            {
                "meeting": {"2023-06-havana-cigb-visit"},
                "participation": {"2023-06-havana-cigb-visit--ebrahim-raisi"},
                # Its own citation and, cascading, its participation's and statement's (each
                # a listed citation with its documents).
                "citation": {
                    "meeting:2023-06-havana-cigb-visit:69927a3f0b",
                    "participation:2023-06-havana-cigb-visit--ebrahim-raisi:0b8f7a7344",
                    "statement:2023-06-raisi-praises-cuban-biotechnology:d48151103c",
                },
                "statement": {"2023-06-raisi-praises-cuban-biotechnology"},
            },
            referenced={
                "visit": {"2023-06-raisi-cuba"},
                "participant": {"ebrahim-raisi"},
                "source": {"tdi-2023-06-16-raisi-havana"},
            },
        ),
    ),
    "a visit moved to another host and year": (
        [
            "UPDATE visit SET host_country_code = 'MX', start_date = '2021-01-02', "
            "end_date = '2021-01-09' WHERE id = '2023-06-raisi-venezuela'"
        ],
        Changed({"visit": {"2023-06-raisi-venezuela"}}, referenced={"country": {"VE", "MX"}}),
    ),
    "a topic added to a visit": (
        [
            "INSERT INTO visit_topic (visit_id, topic_id) "
            "VALUES ('2023-06-raisi-nicaragua', 'energy')"
        ],
        Changed({"visit": {"2023-06-raisi-nicaragua"}}, referenced={"topic": {"energy"}}),
    ),
    "a claim made preferred, settling its dispute": (
        [f"UPDATE claim SET rank = 'preferred' WHERE id = '{MEMORANDUM_ONE}'"],
        Changed({"claim": {MEMORANDUM_ONE}}),
    ),
    "a citation given another source": (
        [
            "UPDATE citation SET source_id = (SELECT id FROM source ORDER BY id LIMIT 1) "
            "WHERE id = (SELECT id FROM citation WHERE visit_id IS NOT NULL ORDER BY id LIMIT 1)"
        ],
        Changed(
            {"citation": set()},  # filled in by the test: the citation and both sources
        ),
    ),
}


def _derived(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every derived table's rows (the details decompressed), sorted."""
    with closing(sqlite3.connect(path)) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND ("
                "name LIKE '%list_entry' OR name IN ('record_item', 'record_row', 'list_count', "
                "'search_index_map'))"
            )
        ]
        found = {
            table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in tables
        }
        found["record_detail"] = sorted(
            (resource, record, gzip.decompress(detail))
            for resource, record, detail in connection.execute("SELECT * FROM record_detail")
        )
        # Every record's page and the home page, as stored (app/pages/stored.py).
        found["record_page"] = sorted(
            (resource, record, fingerprint, gzip.decompress(page))
            for resource, record, fingerprint, page in connection.execute(
                "SELECT * FROM record_page"
            )
        )
        found["search_index"] = sorted(
            connection.execute("SELECT rowid, resource, record_id, title, body FROM search_index")
        )
    return found


def _apply(path: Path, statements: list[str]) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        for sql in statements:
            connection.execute(sql)
        connection.commit()


def _refresh(path: Path, changed: Changed | None) -> None:
    engine = create_write_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        refresh(connection, changed)
    engine.dispose()


@pytest.fixture
def twins(database_url: str, tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """Two copies of the seeded database: one to refresh in part, one in full."""
    source = Path(database_url.removeprefix("sqlite:///"))
    copies = (tmp_path / "part.sqlite3", tmp_path / "full.sqlite3")
    for copy in copies:
        copy_sqlite(source, copy)
    return copies


@pytest.mark.parametrize("change", CHANGES)
def test_a_refresh_of_what_changed_equals_a_full_rebuild(
    change: str, twins: tuple[Path, Path]
) -> None:
    part, full = twins
    statements, changed = CHANGES[change]
    if change == "a citation given another source":
        with closing(sqlite3.connect(part)) as connection:
            citation, source = connection.execute(
                "SELECT id, source_id FROM citation WHERE visit_id IS NOT NULL ORDER BY id LIMIT 1"
            ).fetchone()
            (first,) = connection.execute("SELECT id FROM source ORDER BY id LIMIT 1").fetchone()
        changed = Changed({"citation": {citation}}, referenced={"source": {source, first}})
    before = _derived(part)
    for copy in twins:
        _apply(copy, statements)
    _refresh(part, changed)
    _refresh(full, EVERYTHING)
    partly, fully = _derived(part), _derived(full)
    assert partly == fully
    assert partly != before  # the change reached the derived data


def test_what_a_change_makes_stale(database_url: str) -> None:
    # A participant's new name shows in their own documents, in the visits they made or
    # took part in, in the meetings and agreements that list them, and in the tour they led.
    engine = create_write_engine(database_url)
    with engine.connect() as connection:
        stale = stale_records(load_reader(connection), Changed({"participant": {"ebrahim-raisi"}}))
    engine.dispose()
    assert stale["participant"] == {"ebrahim-raisi"}
    assert stale["visit"] == {
        "2023-06-raisi-cuba",
        "2023-06-raisi-nicaragua",
        "2023-06-raisi-venezuela",
    }
    assert stale["tour"] == {"2023-06-raisi-latin-america"}
    assert "2023-06-havana-cigb-visit" in stale["meeting"]
    assert stale["country"] >= {"IR", "CU"}  # counted, not shown: no further


# A claim about a part of a visit (a participation, a statement) edited as a load writes it:
# (subject type, subject id, the claim's value before and after, as stored).
PART_CLAIMS = {
    "participation": (RAISI_THERE, '"President of Iran"', '"President of the Islamic Republic"'),
    "statement": (
        COLLABORATIONS,
        '"He stressed lasting cooperation between both countries."',
        '"He stressed lasting ties between both countries."',
    ),
}


@pytest.mark.parametrize("subject_type", PART_CLAIMS)
def test_a_claim_about_a_part_refreshes_the_visit_and_the_meeting_that_show_it(
    subject_type: str, tmp_path: Path
) -> None:
    subject, before_value, after_value = PART_CLAIMS[subject_type]
    part = tmp_path / "part.sqlite3"
    build_database(part, seed_with_parts_claimed(tmp_path / "seed"))
    full = tmp_path / "full.sqlite3"
    with closing(sqlite3.connect(part)) as original, closing(sqlite3.connect(full)) as to:
        original.backup(to)
        (claim,) = original.execute(
            "SELECT id FROM claim WHERE subject_type = ? AND subject_id = ? AND value = ?",
            (subject_type, subject, before_value),
        ).fetchone()
    changed = Changed({"claim": {claim}})
    engine = create_write_engine(f"sqlite:///{part}")
    with engine.connect() as connection:
        stale = stale_records(load_reader(connection), changed)
    engine.dispose()
    assert stale["visit"] == {"2023-06-raisi-cuba"}
    assert BUSINESS_MEETING in stale["meeting"]  # with the visit's others, which list it
    assert stale.get("statement", set()) == (
        {COLLABORATIONS} if subject_type == "statement" else set()
    )
    before = _derived(part)
    for copy in (part, full):
        _apply(copy, [f"UPDATE claim SET value = '{after_value}' WHERE id = '{claim}'"])
    _refresh(part, changed)
    _refresh(full, EVERYTHING)
    partly = _derived(part)
    assert partly == _derived(full)
    shown = {
        (resource, record): orjson.loads(detail)
        for resource, record, detail in partly["record_detail"]
        if (resource, record) in {("visit", "2023-06-raisi-cuba"), ("meeting", BUSINESS_MEETING)}
    }
    assert len(shown) == 2
    key = "participants" if subject_type == "participation" else "statements"
    for detail in shown.values():
        (embedded,) = [p for p in detail[key] if p["id"] == subject]
        property_name = "title" if subject_type == "participation" else "text"
        assert embedded["disputed"] == [property_name]
        assert orjson.dumps(orjson.loads(after_value)) in {
            orjson.dumps(c["value"]) for c in embedded["claims"][property_name]
        }
    assert partly["record_detail"] != before["record_detail"]
