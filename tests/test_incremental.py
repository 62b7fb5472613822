"""A reload rebuilds the derived data of what it changed, on the engine under test
(TEST_BACKEND): the records it wrote and those that show or count them, no others, and
the result is the derived data a full rebuild gives, row for row. A reload that changes
nothing writes nothing. A load that would leave derived data missing is refused.
"""

import gzip
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text

import app.derived
from app.cli import main
from app.config import get_settings
from app.derived import (
    DOCUMENTS,
    EVERYTHING,
    TABLES,
    DerivedDataMissing,
    refresh,
    refresh_after_load,
)
from app.seed import load_seed, validate_seed
from app.storage import create_write_engine
from app.store import changes, country_rows, write_dataset
from tests.support import SEED_DIR, database_of, transaction_on

TOUR = Path("tours") / "2023-06-raisi-latin-america.yaml"
HAVANA_SUMMARY = "    summary: The concluding leg of the tour."
RAISI_NAME = "  name: Ebrahim Raisi\n"
BUSINESS_FORUM = "        kind: business_forum"


def _seed_changed(target: Path, path: Path, old: str, new: str) -> Path:
    """A copy of the seed with one text replaced (once) in one file."""
    shutil.copytree(SEED_DIR, target)
    changed = target / path
    content = changed.read_text(encoding="utf-8")
    assert content.count(old) == 1
    changed.write_text(content.replace(old, new), encoding="utf-8")
    return target


def _derived(connection: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every derived table's rows, sorted (details decompressed). On PostgreSQL a search
    document's position is left out: it numbers the documents of one day in the order
    they were written, which a full rebuild takes from the rows' physical order."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for table in sorted(TABLES):
        rows = [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table}"))]
        if table == "record_detail":
            rows = [(row[0], row[1], gzip.decompress(bytes(row[2]))) for row in rows]
        found[table] = sorted(rows, key=repr)
    if connection.dialect.name == "postgresql":
        search = (
            "SELECT resource, record_id, day, title, body, title_words, "
            "title_vector::text, document::text FROM search_index"
        )
    else:
        search = "SELECT rowid, resource, record_id, title, body FROM search_index"
        found["search_index_terms"] = sorted(
            tuple(row) for row in connection.execute(text("SELECT * FROM search_index_terms"))
        )
    found["search_index"] = sorted(
        (tuple(row) for row in connection.execute(text(search))), key=repr
    )
    return found


def _rows_written(connection: Connection) -> int:
    """Rows inserted, updated or deleted so far by the connection's open transaction."""
    if connection.dialect.name == "postgresql":
        return int(
            connection.execute(
                text(
                    "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                    "FROM pg_stat_xact_user_tables"
                )
            ).scalar_one()
        )
    raw = connection.connection.driver_connection
    return int(raw.total_changes)  # type: ignore[union-attr]


def _reload(url: str, seed: Path) -> tuple[dict[str, int] | None, int]:
    """Load `seed` as `load_seed` does; what was refreshed, and the rows written."""
    with transaction_on(url) as connection:
        before = _rows_written(connection)
        countries = write_dataset(connection, country_rows())
        report = write_dataset(connection, validate_seed(seed))
        refreshed = refresh_after_load(connection, changes(countries, report))
        return refreshed, _rows_written(connection) - before


def _snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with transaction_on(url) as connection:
        return _derived(connection)


def _rebuilt(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """The derived data of a full rebuild of `url`'s tables, left unwritten."""
    engine = create_write_engine(url)
    try:
        with engine.connect() as connection:
            transaction = connection.begin()
            refresh(connection, EVERYTHING)
            rebuilt = _derived(connection)
            transaction.rollback()
    finally:
        engine.dispose()
    return rebuilt


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[str]:
    """A database of its own holding the seed, on the engine under test."""
    with database_of(SEED_DIR, tmp_path / "db") as url:
        yield url


# What a reload of the seed changed, and the records whose derived data it then rebuilds.
RELOADS = {
    "a visit's summary": (
        (TOUR, HAVANA_SUMMARY, "    summary: The last leg of the tour."),
        # The visit itself, its tour (which lists it), its meetings (whose list entries
        # carry the visit's countries and tour); its visitor, countries and topics, which
        # count it.
        {"country": 2, "meeting": 7, "participant": 1, "topic": 7, "tour": 1, "visit": 1},
    ),
    # The only business forum: its pair's count drops to none (the pair goes), that of
    # courtesy calls moves up by one.
    "a meeting's kind, to one in use": (
        (TOUR, BUSINESS_FORUM, "        kind: courtesy_call"),
        # The meeting and its visit's others (whose details show it), the visit, and the
        # countries and topics that count them.
        {"country": 2, "meeting": 7, "topic": 7, "visit": 1},
    ),
    # One of three bilateral talks: their pair's count moves down, to two.
    "a meeting's kind, from one shared": (
        (
            TOUR,
            "      - id: 2023-06-raisi-maduro-talks\n        kind: bilateral_talks",
            "      - id: 2023-06-raisi-maduro-talks\n        kind: courtesy_call",
        ),
        {"country": 2, "meeting": 2, "visit": 1},
    ),
    # A kind no record had: its pair is made.
    "a meeting's kind, to one new": (
        (TOUR, BUSINESS_FORUM, "        kind: press_conference"),
        {"country": 2, "meeting": 7, "topic": 7, "visit": 1},
    ),
    "a participant's name": (
        (Path("participants.yaml"), RAISI_NAME, "  name: Ebrahim Raeisi Al-Sadati\n"),
        # Him; the visits, meetings, statements and tour that show his name; the countries
        # and topics that count those.
        {
            "country": 4,
            "meeting": 10,
            "participant": 1,
            "statement": 6,
            "topic": 7,
            "tour": 1,
            "visit": 3,
        },
    ),
}


@pytest.mark.parametrize("change", RELOADS)
def test_a_reload_rebuilds_what_it_changed_as_a_full_rebuild_would(
    change: str, seeded: str, tmp_path: Path
) -> None:
    (path, old, new), expected = RELOADS[change]
    before = _snapshot(seeded)
    refreshed, _ = _reload(seeded, _seed_changed(tmp_path / "seed", path, old, new))
    assert refreshed == expected  # not a full rebuild
    after = _snapshot(seeded)
    assert after != before
    assert after == _rebuilt(seeded)


def test_a_participants_new_name_reaches_the_visits_and_meetings_that_show_him(
    seeded: str, tmp_path: Path
) -> None:
    seed = _seed_changed(
        tmp_path / "seed", Path("participants.yaml"), RAISI_NAME, "  name: Ebrahim Raeisi\n"
    )
    _reload(seeded, seed)
    with transaction_on(seeded) as connection:
        details = {
            (resource, record_id): gzip.decompress(bytes(detail)).decode()
            for resource, record_id, detail in connection.execute(
                text(
                    "SELECT resource, record_id, detail FROM record_detail "
                    "WHERE resource IN ('visit', 'meeting', 'tour')"
                )
            )
        }
        found = connection.execute(
            text(
                "SELECT resource, record_id FROM search_index WHERE resource IN "
                "('visit', 'meeting') AND body LIKE '%Ebrahim Raeisi%' ORDER BY 1, 2"
            )
        ).all()
        his_meetings = sorted(
            ("meeting", row[0])
            for row in connection.execute(
                text(
                    "SELECT DISTINCT meeting_id FROM participation "
                    "WHERE participant_id = 'ebrahim-raisi' AND meeting_id IS NOT NULL"
                )
            )
        )
    showing = sorted(key for key, detail in details.items() if '"name":"Ebrahim Raeisi"' in detail)
    assert not [key for key, detail in details.items() if '"name":"Ebrahim Raisi"' in detail]
    assert [key for key in showing if key[0] == "visit"] == [
        ("visit", "2023-06-raisi-cuba"),
        ("visit", "2023-06-raisi-nicaragua"),
        ("visit", "2023-06-raisi-venezuela"),
    ]
    assert ("tour", "2023-06-raisi-latin-america") in showing
    meetings = [key for key in showing if key[0] == "meeting"]
    assert meetings == his_meetings
    assert len(meetings) == 10
    # A visit's search document names its participants; a meeting's, its own.
    assert [tuple(row) for row in found if row[0] == "visit"] == [
        ("visit", "2023-06-raisi-cuba"),
        ("visit", "2023-06-raisi-nicaragua"),
        ("visit", "2023-06-raisi-venezuela"),
    ]
    assert len([row for row in found if row[0] == "meeting"]) == len(meetings)


def test_a_reload_that_changes_nothing_rewrites_nothing(seeded: str) -> None:
    before = _snapshot(seeded)
    refreshed, written = _reload(seeded, SEED_DIR)
    assert (refreshed, written) == ({}, 0)
    assert _snapshot(seeded) == before


def test_derived_data_lost_is_built_again_by_the_next_load(seeded: str) -> None:
    before = _snapshot(seeded)
    with transaction_on(seeded) as connection:
        connection.execute(text("DELETE FROM record_item WHERE resource = 'visit'"))
    refreshed, _ = _reload(seeded, SEED_DIR)
    assert refreshed is None  # a full rebuild
    assert _snapshot(seeded) == before


def test_a_load_that_would_leave_derived_data_missing_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Visits' items lost, and a defect that builds no documents for visits: the load that
    # would rebuild them fails, loudly, and changes nothing.
    with database_of(SEED_DIR, tmp_path / "db") as url:
        with transaction_on(url) as connection:
            connection.execute(text("DELETE FROM record_item WHERE resource = 'visit'"))
        damaged = _snapshot(url)
        monkeypatch.setattr(
            app.derived, "DOCUMENTS", tuple(d for d in DOCUMENTS if d.resource != "visit")
        )
        # The error leaves the load's transaction, which rolls back.
        with (
            pytest.raises(DerivedDataMissing, match=r"building it: no visit items \(derived"),
            transaction_on(url) as connection,
        ):
            load_seed(connection, SEED_DIR)
        assert _snapshot(url) == damaged
        monkeypatch.setenv("DATABASE_URL", url)
        get_settings.cache_clear()
        try:
            assert main(["seed"]) == 1
        finally:
            get_settings.cache_clear()
        assert capsys.readouterr().err == (
            "seed not loaded, nothing changed: derived data missing after building it: "
            f"no visit items (derived data version {app.derived.DERIVED_VERSION})\n"
        )
