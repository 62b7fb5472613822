"""The seed loads in parts (decision 0044), on the engine under test (TEST_BACKEND): a reload
parses and writes only the tour files whose bytes changed, and leaves the database as a load
of every file would."""

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Connection, event, text

import app.parts
import app.seed
from app.models import Visit
from app.seed import SeedError, load_seed
from app.store import RECORD_TABLES, SyncReport, table_of, write_dataset
from tests.support import SEED_DIR, database_of, transaction_on

TOUR = "tours/2023-06-raisi-latin-america.yaml"
STOP = "tours/2023-06-test-stop.yaml"
CASTRO_MEETING = "2023-06-havana-raisi-raul-castro-meeting"
STOP_VISIT = "2023-06-test-stop"
STOP_AGREEMENT = "2023-06-test-stop-agreement"
TDI = "tdi-2023-06-16-raisi-havana"
VOCABULARY_TABLES = ["citation", "claim", "participant", "source", "topic"]

# A second tour file, made up for these tests (every citation says so): one visit, one
# meeting, and an agreement with a claim naming a meeting of the other file.
STOP_FILE = f"""\
visits:
  - id: {STOP_VISIT}
    visitor: ebrahim-raisi
    visitor_country: IR
    host_country: CU
    city: Havana
    summary: A stop made up for the tests of loads in parts.
    citations:
      - source: {TDI}
        note: Made up for the tests.
    meetings:
      - id: 2023-06-test-stop-meeting
        kind: other
        title: A meeting made up for the tests
        citations:
          - source: {TDI}
            note: Made up for the tests.
    agreements:
      - id: {STOP_AGREEMENT}
        kind: cooperation_document
        status: agreed
        citations:
          - source: {TDI}
            note: Made up for the tests.
        claims:
          - property: meeting
            value: {CASTRO_MEETING}
            citations:
              - source: {TDI}
                note: Made up for the tests.
"""


@pytest.fixture
def two_files(tmp_path: Path) -> Path:
    """A copy of the seed with a second tour file."""
    target = tmp_path / "seed_data"
    shutil.copytree(SEED_DIR, target)
    (target / STOP).write_text(STOP_FILE, encoding="utf-8")
    return target


@pytest.fixture
def loaded(two_files: Path, tmp_path: Path) -> Iterator[str]:
    """A database holding the two-file seed, loaded once (every file read)."""
    with database_of(two_files, tmp_path / "db") as url:
        yield url


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the seed loader parses from now on, in order."""
    names: list[str] = []
    parse = app.seed._load_yaml

    def recorded(relative: str, data: bytes) -> Any:
        names.append(relative)
        return parse(relative, data)

    monkeypatch.setattr(app.seed, "_load_yaml", recorded)
    return names


def reload(url: str, seed_dir: Path) -> SyncReport:
    with transaction_on(url) as connection:
        return load_seed(connection, seed_dir)


def edit(seed_dir: Path, file: str, change: Any) -> None:
    path = seed_dir / file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def parts(url: str) -> dict[str, tuple[str, dict[str, list[str]], list[list[str]]]]:
    with transaction_on(url) as connection:
        found = connection.execute(
            text(
                "SELECT part, fingerprint, records, refers FROM dataset_part WHERE dataset = 'seed'"
            )
        )
        return {row[0]: (row[1], json.loads(row[2]), json.loads(row[3])) for row in found}


def records(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """The seed's records, each table's rows without their timestamps, sorted."""
    content: dict[str, list[tuple[Any, ...]]] = {}
    with transaction_on(url) as connection:
        for model in RECORD_TABLES:
            table = table_of(model)
            columns = [c.name for c in table.columns if c.name not in {"created_at", "updated_at"}]
            found = connection.execute(
                text(f"SELECT {', '.join(columns)} FROM {table.name} WHERE dataset = 'seed'")
            )
            content[table.name] = sorted((tuple(row) for row in found), key=repr)
    return content


def digest(path: Path) -> str:
    content = path.read_bytes()
    return hashlib.blake2b(len(content).to_bytes(8, "big") + content, digest_size=16).hexdigest()


def new_title(data: Any) -> None:
    data["visits"][0]["summary"] = "A stop, its summary changed."


def test_a_load_records_each_file_s_fingerprint_records_and_references(
    loaded: str, two_files: Path
) -> None:
    found = parts(loaded)
    assert sorted(found) == [TOUR, STOP, "vocabularies"]
    assert found[STOP] == (
        digest(two_files / STOP),
        {
            "agreement": [STOP_AGREEMENT],
            "citation": sorted(found[STOP][1]["citation"]),
            "claim": found[STOP][1]["claim"],
            "meeting": ["2023-06-test-stop-meeting"],
            "participation": [f"{STOP_VISIT}--ebrahim-raisi"],
            "visit": [STOP_VISIT],
        },
        [["meeting", CASTRO_MEETING, f"agreement {STOP_AGREEMENT}", "claims[0].value[0]"]],
    )
    assert len(found[STOP][1]["citation"]) == 5
    assert len(found[STOP][1]["claim"]) == 1
    assert found[TOUR][0] == digest(two_files / TOUR)
    assert "2023-06-raisi-cuba" in found[TOUR][1]["visit"]
    assert STOP_VISIT not in found[TOUR][1]["visit"]
    # The tour file's own claims name its own meetings: no reference leaves it.
    assert found[TOUR][2] == []
    assert sorted(found["vocabularies"][1]) == VOCABULARY_TABLES
    assert "ebrahim-raisi" in found["vocabularies"][1]["participant"]


def test_an_unchanged_seed_parses_only_the_vocabularies_and_writes_nothing(
    loaded: str, two_files: Path, parsed: list[str]
) -> None:
    before = (records(loaded), parts(loaded))
    report = reload(loaded, two_files)
    assert not report.changed()
    assert parsed == ["sources.yaml"]
    assert (records(loaded), parts(loaded)) == before


def test_a_changed_file_alone_is_parsed_and_written_as_a_whole_load_would(
    loaded: str, two_files: Path, parsed: list[str], tmp_path: Path
) -> None:
    tour_part = parts(loaded)[TOUR]
    edit(two_files, STOP, new_title)
    report = reload(loaded, two_files)
    assert parsed == ["sources.yaml", STOP]
    assert {table: ids for table, ids in report.written.items() if ids} == {"visit": {STOP_VISIT}}
    assert parts(loaded)[STOP][0] == digest(two_files / STOP)
    assert parts(loaded)[TOUR] == tour_part
    with database_of(two_files, tmp_path / "whole") as whole:
        assert records(loaded) == records(whole)
        assert parts(loaded) == parts(whole)


def test_a_file_removed_takes_its_records_and_its_part_away(
    loaded: str, two_files: Path, parsed: list[str]
) -> None:
    (two_files / STOP).unlink()
    report = reload(loaded, two_files)
    assert parsed == ["sources.yaml"]
    assert report.deleted["visit"] == [STOP_VISIT]
    assert report.deleted["agreement"] == [STOP_AGREEMENT]
    assert sorted(parts(loaded)) == [TOUR, "vocabularies"]
    assert STOP_VISIT not in [row[0] for row in records(loaded)["visit"]]


def test_a_file_renamed_keeps_its_records_as_they_were(
    loaded: str, two_files: Path, parsed: list[str]
) -> None:
    with transaction_on(loaded) as connection:
        stamps = connection.execute(
            text("SELECT created_at, updated_at FROM visit WHERE id = :id"), {"id": STOP_VISIT}
        ).one()
    renamed = "tours/2023-06-test-stop-renamed.yaml"
    (two_files / STOP).rename(two_files / renamed)
    report = reload(loaded, two_files)
    # The new name is read; the old one's records are the new one's: nothing is written.
    assert parsed == ["sources.yaml", renamed]
    assert not report.changed()
    assert sorted(parts(loaded)) == [TOUR, renamed, "vocabularies"]
    assert STOP_VISIT in parts(loaded)[renamed][1]["visit"]
    with transaction_on(loaded) as connection:
        assert (
            connection.execute(
                text("SELECT created_at, updated_at FROM visit WHERE id = :id"),
                {"id": STOP_VISIT},
            ).one()
            == stamps
        )


@pytest.mark.parametrize(
    "taken",
    [
        "2023-06-raisi-cuba",  # a visit of the file not read again
        # A meeting of it: a participation's id is made of its visit's or meeting's id, so
        # the two share one space.
        CASTRO_MEETING,
    ],
)
def test_an_id_already_in_a_file_not_read_again_is_refused_with_both_files_named(
    loaded: str, two_files: Path, taken: str
) -> None:
    before = (records(loaded), parts(loaded))

    def visit_named_as_taken(data: Any) -> None:
        data["visits"][0]["id"] = taken

    edit(two_files, STOP, visit_named_as_taken)
    with pytest.raises(SeedError) as raised:
        reload(loaded, two_files)
    assert str(raised.value) == (
        f"{STOP}: visit {taken}: field 'id': duplicate id (also in {TOUR})"
    )
    assert (records(loaded), parts(loaded)) == before


def test_a_meeting_named_by_a_file_not_read_again_cannot_go(
    loaded: str, two_files: Path, tmp_path: Path
) -> None:
    before = (records(loaded), parts(loaded))

    def drop_castro_meeting(data: Any) -> None:
        meetings = data["visits"][2]["meetings"]
        data["visits"][2]["meetings"] = [m for m in meetings if m["id"] != CASTRO_MEETING]

    edit(two_files, TOUR, drop_castro_meeting)
    with pytest.raises(SeedError) as raised:
        reload(loaded, two_files)
    # As a load of every file says it.
    assert str(raised.value) == (
        f"{STOP}: agreement {STOP_AGREEMENT}: field 'claims[0].value[0]': "
        f"unknown meeting '{CASTRO_MEETING}'"
    )
    with pytest.raises(SeedError) as whole, database_of(two_files, tmp_path / "whole"):
        pass
    assert str(whole.value) == str(raised.value)
    assert (records(loaded), parts(loaded)) == before


def test_a_change_to_the_vocabularies_reads_every_file(
    loaded: str, two_files: Path, parsed: list[str]
) -> None:
    before = parts(loaded)
    path = two_files / "topics.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# A comment.\n", encoding="utf-8")
    report = reload(loaded, two_files)
    assert not report.changed()
    assert parsed == ["sources.yaml", "topics.yaml", "participants.yaml", TOUR, STOP]
    after = parts(loaded)
    assert after["vocabularies"][0] != before["vocabularies"][0]
    assert {name: after[name] for name in (TOUR, STOP)} == {
        name: before[name] for name in (TOUR, STOP)
    }


def test_a_whole_write_that_changes_the_seed_forgets_its_parts(
    loaded: str, two_files: Path, parsed: list[str]
) -> None:
    # Written whole (not from the files), the seed's parts no longer say what it holds: the
    # next load reads every file, and puts back what the files say.
    with transaction_on(loaded) as connection:
        rows = app.seed.validate_seed(two_files)
        (visit,) = [row for row in rows.records[Visit] if row["id"] == STOP_VISIT]
        visit["summary"] = "Written whole."
        assert write_dataset(connection, rows).changed()
    assert parts(loaded) == {}
    parsed.clear()
    report = reload(loaded, two_files)
    assert parsed == ["sources.yaml", "topics.yaml", "participants.yaml", TOUR, STOP]
    assert {table: ids for table, ids in report.written.items() if ids} == {"visit": {STOP_VISIT}}
    assert sorted(parts(loaded)) == [TOUR, STOP, "vocabularies"]


def test_a_new_version_of_the_loader_reads_every_file(
    loaded: str, two_files: Path, parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rows built from the same files may change with the code (or the schema, or the
    # country codes' library): then no file is taken as loaded.
    monkeypatch.setattr(app.seed, "SEED_ROWS_VERSION", app.seed.SEED_ROWS_VERSION + 1)
    assert not reload(loaded, two_files).changed()
    assert parsed == ["sources.yaml", "topics.yaml", "participants.yaml", TOUR, STOP]
    parsed.clear()
    reload(loaded, two_files)
    assert parsed == ["sources.yaml"]


def test_a_tour_file_s_path_is_at_most_200_characters(loaded: str, two_files: Path) -> None:
    long_name = f"tours/{'x' * 190}.yaml"
    (two_files / STOP).rename(two_files / long_name)
    with pytest.raises(SeedError) as raised:
        reload(loaded, two_files)
    assert str(raised.value) == f"{long_name}: -: field '-': a path longer than 200 characters"


@pytest.fixture
def read_tours(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tour files read from now on, in order."""
    names: list[str] = []
    read_bytes = Path.read_bytes

    def recorded(path: Path) -> bytes:
        if path.parent.name == "tours":
            names.append(f"tours/{path.name}")
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", recorded)
    return names


@pytest.fixture
def trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stats are kept however recent the files' changes (the files here are seconds old)."""
    monkeypatch.setattr(app.parts, "RACY_NS", 0)


def stats(url: str) -> dict[str, str | None]:
    with transaction_on(url) as connection:
        found = connection.execute(text("SELECT part, stat FROM dataset_part"))
        return dict(found.all())


def stat_of(path: Path) -> str:
    return stat_text(path.stat())


def stat_text(seen: os.stat_result) -> str:
    return f"{seen.st_size} {seen.st_mtime_ns} {seen.st_ctime_ns} {seen.st_ino}"


@pytest.fixture
def untrusted(monkeypatch: pytest.MonkeyPatch) -> None:
    """No file is old enough for its stat to be kept, however slow the machine."""
    monkeypatch.setattr(app.parts, "RACY_NS", 10**18)


def test_a_file_changed_seconds_ago_keeps_no_stat_and_is_read_again(
    untrusted: None, loaded: str, two_files: Path, read_tours: list[str], parsed: list[str]
) -> None:
    # Changed within the file system's clock tick of the stat, a file could change again
    # without its stat changing: it is hashed at every reload until its change is older.
    assert stats(loaded) == {TOUR: None, STOP: None, "vocabularies": None}
    assert not reload(loaded, two_files).changed()
    assert read_tours == [TOUR, STOP]
    assert parsed == ["sources.yaml"]
    assert stats(loaded) == {TOUR: None, STOP: None, "vocabularies": None}


def test_a_file_whose_stat_is_unchanged_is_not_read(
    trusted: None, loaded: str, two_files: Path, read_tours: list[str], parsed: list[str]
) -> None:
    assert stats(loaded) == {
        TOUR: stat_of(two_files / TOUR),
        STOP: stat_of(two_files / STOP),
        "vocabularies": None,
    }
    assert not reload(loaded, two_files).changed()
    assert read_tours == []
    edit(two_files, STOP, new_title)
    parsed.clear()
    report = reload(loaded, two_files)
    assert {table: ids for table, ids in report.written.items() if ids} == {"visit": {STOP_VISIT}}
    assert read_tours == [STOP]
    assert parsed == ["sources.yaml", STOP]
    assert stats(loaded)[STOP] == stat_of(two_files / STOP)


def test_a_file_touched_is_hashed_not_parsed_and_its_new_stat_kept(
    trusted: None, loaded: str, two_files: Path, read_tours: list[str], parsed: list[str]
) -> None:
    # Same bytes, new times (a copy, a checkout, `touch`): read and hashed once, not parsed.
    before = (two_files / TOUR).stat()
    os.utime(two_files / TOUR, ns=(before.st_atime_ns, before.st_mtime_ns + 10**9))
    assert not reload(loaded, two_files).changed()
    assert (read_tours, parsed) == ([TOUR], ["sources.yaml"])
    assert stats(loaded)[TOUR] == stat_of(two_files / TOUR) != stat_text(before)
    read_tours.clear()
    reload(loaded, two_files)
    assert read_tours == []


def test_a_file_edited_back_to_its_old_times_is_still_read(
    trusted: None, loaded: str, two_files: Path, read_tours: list[str]
) -> None:
    # Its size and modification time restored, its change time (which no program sets)
    # still shows the edit.
    path = two_files / STOP
    before = path.stat()
    path.write_text(STOP_FILE.replace("A stop made up", "A stop made-up"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    report = reload(loaded, two_files)
    assert read_tours == [STOP]
    assert {table: ids for table, ids in report.written.items() if ids} == {"visit": {STOP_VISIT}}


def set_visitor(data: Any) -> None:
    data["visits"][0]["visitor"] = "no-such-person"


def set_topic(data: Any) -> None:
    data["visits"][0]["topics"] = ["no-such-topic"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (set_visitor, "field 'visitor[0]': unknown participant 'no-such-person'"),
        (set_topic, "field 'topics[0]': unknown topic 'no-such-topic'"),
    ],
    ids=["participant", "topic"],
)
def test_a_file_read_again_is_checked_against_the_stored_topics_and_participants(
    loaded: str, two_files: Path, parsed: list[str], change: Any, message: str
) -> None:
    # The topics and participants unchanged, their ids come from the database, not a parse.
    edit(two_files, STOP, change)
    with pytest.raises(SeedError) as raised:
        reload(loaded, two_files)
    assert str(raised.value) == f"{STOP}: visit {STOP_VISIT}: {message}"
    assert parsed == ["sources.yaml", STOP]
    with pytest.raises(SeedError) as whole:
        app.seed.validate_seed(two_files)
    assert str(whole.value) == str(raised.value)


def test_the_checks_ask_for_the_stored_topics_and_participants_in_one_query_each(
    loaded: str, two_files: Path
) -> None:
    # Not every stored id (a seed's people grow with it), nor one query per id named.
    edit(two_files, STOP, new_title)
    asked: dict[str, list[Any]] = {"participant": [], "topic": []}

    def record(*args: Any) -> None:
        for table, found in asked.items():
            if " ".join(args[2].split()).startswith(f"SELECT {table}.id FROM {table} WHERE"):
                found.append(args[3])

    with transaction_on(loaded) as connection:
        event.listen(connection, "before_cursor_execute", record)
        load_seed(connection, two_files)
        event.remove(connection, "before_cursor_execute", record)
    assert [len(queries) for queries in asked.values()] == [1, 1]
    (participants,) = asked["participant"]
    named = set(participants.values() if isinstance(participants, dict) else participants)
    assert "ebrahim-raisi" in named


def plan(connection: Connection, statement: str, parameters: Any) -> str:
    """The first step of the engine's plan for a statement (sequential scans off on
    PostgreSQL, which prefers them for tables of a few rows)."""
    if connection.dialect.name == "sqlite":
        return str(
            connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()[0][3]
        )
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    return str(
        connection.exec_driver_sql(f"EXPLAIN (COSTS OFF) {statement}", parameters).all()[0][0]
    )


def test_what_a_reload_reads_of_every_part_comes_from_an_index(
    loaded: str, two_files: Path
) -> None:
    # Read from the table, the queries would walk each part's records (stored before the stat
    # and the references): from the indexes, they read the names, fingerprints and stats, and
    # the few parts that refer to others.
    statements: list[tuple[str, Any]] = []

    def record(*args: Any) -> None:
        if args[2].lstrip().startswith("SELECT") and "FROM dataset_part" in args[2]:
            statements.append((args[2], args[3]))

    with transaction_on(loaded) as connection:
        event.listen(connection, "before_cursor_execute", record)
        load_seed(connection, two_files)
        event.remove(connection, "before_cursor_execute", record)
        plans = [plan(connection, statement, parameters) for statement, parameters in statements]
    # The value written out: a generic plan (PostgreSQL's, once prepared) could not use the
    # partial index of a bound one.
    assert "dataset_part.refers != '[]'" in " ".join(statements[1][0].split())
    recorded, referring = (
        "ix_dataset_part_dataset_part_fingerprint_stat",
        "ix_dataset_part_referring",
    )
    assert plans == (
        [
            f"SEARCH dataset_part USING COVERING INDEX {recorded} (dataset=?)",
            f"SEARCH dataset_part USING INDEX {referring} (dataset=?)",
        ]
        if connection.dialect.name == "sqlite"
        else [
            f"Index Only Scan using {recorded} on dataset_part",
            f"Index Scan using {referring} on dataset_part",
        ]
    )


@pytest.mark.backend_independent("lists files")
def test_the_tour_files_are_the_yaml_files_of_tours_in_name_order(tmp_path: Path) -> None:
    assert app.seed.tour_paths(tmp_path) == {}
    (tmp_path / "tours").mkdir()
    for name in ("b.yaml", "a.yaml", "A.yaml", "notes.txt", "c.yml", "d.yaml.orig", ".e.yaml"):
        (tmp_path / "tours" / name).write_text("visits: []\n", encoding="utf-8")
    (tmp_path / "tours" / ".#b.yaml").symlink_to("nowhere")  # an editor's lock
    assert app.seed.tour_paths(tmp_path) == {
        f"tours/{name}": str(tmp_path / "tours" / name) for name in ("A.yaml", "a.yaml", "b.yaml")
    }
    assert list(app.seed.tour_paths(tmp_path)) == ["tours/A.yaml", "tours/a.yaml", "tours/b.yaml"]


def test_a_load_of_every_file_reads_every_file_whatever_their_stats(
    trusted: None, loaded: str, two_files: Path, read_tours: list[str], parsed: list[str]
) -> None:
    with (two_files / "topics.yaml").open("a", encoding="utf-8") as topics:
        topics.write("# A comment: the vocabularies' bytes change, so every file is read.\n")
    assert not reload(loaded, two_files).changed()
    assert read_tours == [TOUR, STOP]
    assert parsed == ["sources.yaml", "topics.yaml", "participants.yaml", TOUR, STOP]
    assert sorted(parts(loaded)) == [TOUR, STOP, "vocabularies"]


def test_a_tour_file_that_is_a_broken_link_is_named(loaded: str, two_files: Path) -> None:
    (two_files / "tours" / "gone.yaml").symlink_to("nowhere")
    with pytest.raises(SeedError) as raised:
        reload(loaded, two_files)
    assert str(raised.value) == "tours/gone.yaml: -: field '-': file not found"
