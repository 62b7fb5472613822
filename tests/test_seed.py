"""The seed: every fact checked against the Havana article, and the loader's guarantees."""

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.seed import SeedError, load_seed
from app.storage import create_write_engine
from tests.support import ARTICLE, SEED_DIR, build_database

TDI = "tdi-2023-06-16-raisi-havana"
TOUR_FILE = "tours/2023-06-raisi-latin-america.yaml"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    path = tmp_path_factory.mktemp("seed") / "seed.sqlite3"
    build_database(path)
    connection = sqlite3.connect(path)
    yield connection
    connection.close()


def rows(db: sqlite3.Connection, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return db.execute(sql, params).fetchall()


def test_article_is_held_in_full(db: sqlite3.Connection) -> None:
    assert rows(db, "SELECT text FROM source WHERE id = ?", TDI) == [(ARTICLE,)]


def test_three_leg_tour_in_order(db: sqlite3.Connection) -> None:
    legs = rows(
        db,
        "SELECT leg, host_country_code, city, visitor_country_code FROM visit "
        "WHERE tour_id = '2023-06-raisi-latin-america' ORDER BY leg",
    )
    assert legs == [
        (1, "VE", "Caracas", "IR"),
        (2, "NI", "Managua", "IR"),
        (3, "CU", "Havana", "IR"),
    ]
    assert "three-nation tour of Latin America" in ARTICLE
    assert "Following his visits to Venezuela and Nicaragua" in ARTICLE


def test_dates_the_article_lacks_are_cited_to_other_reports(db: sqlite3.Connection) -> None:
    # The article dates only the talks (June 15); every visit date comes with a note-citation
    # from a report that gives it, never a guess.
    visits = rows(db, "SELECT id, start_date, end_date FROM visit ORDER BY leg")
    assert visits == [
        ("2023-06-raisi-venezuela", "2023-06-12", None),
        ("2023-06-raisi-nicaragua", "2023-06-13", None),
        ("2023-06-raisi-cuba", "2023-06-14", "2023-06-15"),
    ]
    for visit_id, _, _ in visits:
        noted = rows(
            db,
            "SELECT count(*) FROM citation WHERE visit_id = ? AND note IS NOT NULL "
            "AND source_id != ?",
            visit_id,
            TDI,
        )
        assert noted[0][0] >= 1


def test_five_havana_engagements(db: sqlite3.Connection) -> None:
    meetings = rows(
        db,
        "SELECT kind, date, venue FROM meeting WHERE visit_id = '2023-06-raisi-cuba' ORDER BY kind",
    )
    assert meetings == [
        ("bilateral_talks", "2023-06-15", "Palace of the Revolution"),
        ("business_forum", None, None),
        ("courtesy_call", None, None),
        ("signing_ceremony", "2023-06-15", "Palace of the Revolution"),
        ("site_visit", None, "Center for Genetic Engineering and Biotechnology (CIGB)"),
    ]


def test_participants_and_their_titles(db: sqlite3.Connection) -> None:
    parts = rows(
        db,
        "SELECT p.name, pa.title, pa.role FROM participation pa "
        "JOIN participant p ON p.id = pa.participant_id "
        "WHERE pa.meeting_id IN ('2023-06-15-havana-raisi-diaz-canel-talks', "
        "'2023-06-havana-raisi-raul-castro-meeting', '2023-06-15-havana-signing-ceremony') "
        "ORDER BY pa.meeting_id, pa.role, p.name",
    )
    assert parts == [
        ("Ebrahim Raisi", "President", "guest"),
        ("Miguel Diaz-Canel", "President", "host"),
        (None, "Foreign Minister", "signatory"),
        ("Hossein Amir-Abdollahian", "Foreign Minister", "signatory"),
        ("Ebrahim Raisi", "President", "witness"),
        ("Miguel Diaz-Canel", "President", "witness"),
        ("Ebrahim Raisi", "President", "guest"),
        ("Raul Castro", "former President", "host"),
    ]
    for name in ("Ebrahim Raisi", "Miguel Diaz-Canel", "Hossein Amir-Abdollahian", "Raul Castro"):
        assert name in ARTICLE


def test_cuban_foreign_minister_stays_unnamed(db: sqlite3.Connection) -> None:
    assert rows(
        db, "SELECT name, country_code FROM participant WHERE id = ?", "cuba-foreign-minister-2023"
    ) == [(None, "CU")]


def test_agreements_as_the_article_gives_them(db: sqlite3.Connection) -> None:
    agreements = rows(
        db, "SELECT kind, title, count, status, signed_on FROM agreement ORDER BY kind"
    )
    assert agreements == [
        ("cooperation_document", None, 6, "signed", "2023-06-15"),
        ("joint_commission", "Joint commission on technological cooperation", 1, "agreed", None),
        ("memorandum_of_understanding", None, 1, "signed", "2023-06-15"),
    ]
    assert "signed six cooperation documents and a memorandum of understanding" in ARTICLE
    assert "agreed to form a joint commission on technological cooperation" in ARTICLE
    signatories = rows(
        db,
        "SELECT s.agreement_id, pa.participant_id FROM agreement_signatory s "
        "JOIN participation pa ON pa.id = s.participation_id ORDER BY 1, 2",
    )
    assert signatories == [
        ("2023-06-15-iran-cuba-cooperation-documents", "cuba-foreign-minister-2023"),
        ("2023-06-15-iran-cuba-cooperation-documents", "hossein-amir-abdollahian"),
        ("2023-06-15-iran-cuba-memorandum-of-understanding", "cuba-foreign-minister-2023"),
        ("2023-06-15-iran-cuba-memorandum-of-understanding", "hossein-amir-abdollahian"),
    ]
    parties = rows(db, "SELECT DISTINCT country_code FROM agreement_party ORDER BY 1")
    assert parties == [("CU",), ("IR",)]
    topics = rows(
        db,
        "SELECT topic_id FROM agreement_topic WHERE agreement_id = "
        "'2023-06-iran-cuba-joint-commission-technological-cooperation' ORDER BY 1",
    )
    assert topics == [("biotechnology",), ("nanotechnology",)]


def test_statements_are_verbatim_and_attributed(db: sqlite3.Connection) -> None:
    statements = rows(db, "SELECT speaker_id, kind, channel, text FROM statement ORDER BY id")
    assert len(statements) == 11
    for _, _, _, text in statements:
        assert text in ARTICLE
    quoted = [(s, t) for s, k, _, t in statements if k == "direct_quote"]
    assert quoted == [
        (
            "hossein-amir-abdollahian",
            "The focus of cooperation is in the fields of biotechnology, technology, medicine, "
            "and energy,",
        ),
        (
            "ebrahim-raisi",
            "I hope this meeting will help facilitate integration as well as an exchange of "
            "ideas and opinions.",
        ),
    ]
    for _speaker, text in quoted:
        assert f"“{text}" in ARTICLE
    by_twitter = rows(db, "SELECT count(*) FROM statement WHERE channel = 'Twitter post'")
    assert by_twitter == [(3,)]
    castro = rows(db, "SELECT text FROM statement WHERE speaker_id = 'raul-castro' ORDER BY id")
    assert castro == [
        (
            "For his part, former President Raul Castro praised the Iranian struggle against "
            "international imperialism.",
        ),
        (
            "He said that today the era of unilateralism is over and we are moving towards "
            "multilateralism.",
        ),
    ]


def test_every_quote_is_verbatim_from_its_held_source(db: sqlite3.Connection) -> None:
    quotes = rows(
        db,
        "SELECT c.id, c.quote, s.text FROM citation c JOIN source s ON s.id = c.source_id "
        "WHERE c.quote IS NOT NULL",
    )
    assert len(quotes) == 40
    for citation_id, quote, text in quotes:
        assert text is not None, citation_id
        assert quote in text, citation_id


def test_sources_without_text_are_cited_by_note_only(db: sqlite3.Connection) -> None:
    bad = rows(
        db,
        "SELECT c.id FROM citation c JOIN source s ON s.id = c.source_id "
        "WHERE s.text IS NULL AND (c.quote IS NOT NULL OR c.note IS NULL)",
    )
    assert bad == []


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("tour", "tour_id"),
        ("visit", "visit_id"),
        ("meeting", "meeting_id"),
        ("agreement", "agreement_id"),
        ("participation", "participation_id"),
        ("statement", "statement_id"),
    ],
)
def test_every_fact_bearing_record_is_cited(
    db: sqlite3.Connection, table: str, column: str
) -> None:
    uncited = rows(
        db,
        f"SELECT id FROM {table} WHERE id NOT IN (SELECT {column} FROM citation "
        f"WHERE {column} IS NOT NULL)",
    )
    assert uncited == []
    assert rows(db, f"SELECT count(*) FROM {table}")[0][0] > 0


def test_topics_from_the_article(db: sqlite3.Connection) -> None:
    names = [name for (name,) in rows(db, "SELECT name FROM topic ORDER BY name")]
    assert names == [
        "biotechnology",
        "energy",
        "medicine",
        "mining",
        "nanotechnology",
        "power plant construction",
        "technology",
    ]
    for name in names:
        assert name in ARTICLE


def test_full_iso_country_list(db: sqlite3.Connection) -> None:
    assert rows(db, "SELECT count(*) FROM country")[0][0] == 250
    assert rows(
        db, "SELECT code, alpha3, name FROM country WHERE code IN ('CU', 'IR') ORDER BY 1"
    ) == [
        ("CU", "CUB", "Cuba"),
        ("IR", "IRN", "Iran"),
    ]


# The loader: idempotent and atomic.


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    connection = sqlite3.connect(path)
    tables = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search_index%'"
        )
    ]
    content = {
        t: sorted(connection.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables
    }
    content["search_index"] = sorted(
        connection.execute("SELECT resource, record_id, title, body FROM search_index").fetchall()
    )
    connection.close()
    return content


def load(path: Path, seed_dir: Path) -> None:
    engine = create_write_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            load_seed(connection, seed_dir)
    finally:
        engine.dispose()


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seed_data"
    shutil.copytree(SEED_DIR, target)
    return target


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    path = tmp_path / "loaded.sqlite3"
    build_database(path)
    return path


def test_loading_twice_gives_the_same_database(loaded: Path) -> None:
    before = dump(loaded)
    load(loaded, SEED_DIR)
    assert dump(loaded) == before


def edit_tour(seed_dir: Path, change: Any) -> None:
    path = seed_dir / TOUR_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_change_updates_only_that_record(loaded: Path, seed_copy: Path) -> None:
    before = dump(loaded)

    def new_summary(data: Any) -> None:
        data["visits"][0]["summary"] = "First leg of the tour."

    edit_tour(seed_copy, new_summary)
    load(loaded, seed_copy)
    after = dump(loaded)
    changed = [t for t in before if before[t] != after[t]]
    assert changed == ["visit", "data_version", "record_item", "record_detail", "search_index"]
    assert [v for (_, v, _) in after["data_version"]] == [
        v + 1 for (_, v, _) in before["data_version"]
    ]
    connection = sqlite3.connect(loaded)
    stamps = connection.execute(
        "SELECT id, summary, created_at < updated_at FROM visit ORDER BY leg"
    ).fetchall()
    connection.close()
    assert stamps[0] == ("2023-06-raisi-venezuela", "First leg of the tour.", 1)
    assert [s[2] for s in stamps[1:]] == [0, 0]


def test_a_removed_record_is_deleted_with_its_citations(loaded: Path, seed_copy: Path) -> None:
    def drop_castro_meeting(data: Any) -> None:
        meetings = data["visits"][2]["meetings"]
        data["visits"][2]["meetings"] = [
            m for m in meetings if m["id"] != "2023-06-havana-raisi-raul-castro-meeting"
        ]

    edit_tour(seed_copy, drop_castro_meeting)
    load(loaded, seed_copy)
    connection = sqlite3.connect(loaded)
    left = connection.execute(
        "SELECT (SELECT count(*) FROM meeting), (SELECT count(*) FROM statement), "
        "(SELECT count(*) FROM citation "
        "WHERE meeting_id = '2023-06-havana-raisi-raul-castro-meeting')"
    ).fetchone()
    connection.close()
    assert left == (4, 7, 0)
    connection = sqlite3.connect(loaded)
    deleted = connection.execute(
        "SELECT resource, record_id, dataset FROM deletion ORDER BY seq"
    ).fetchall()
    connection.close()
    assert deleted[0] == ("citation", deleted[0][1], "seed")
    assert ("meeting", "2023-06-havana-raisi-raul-castro-meeting", "seed") in deleted
    assert [r for r in deleted if r[0] == "statement"] == [
        ("statement", "2023-06-raisi-relations-highest-level", "seed"),
        ("statement", "2023-06-raisi-unity-against-global-arrogance", "seed"),
        ("statement", "2023-06-raul-castro-praises-struggle", "seed"),
        ("statement", "2023-06-raul-castro-unilateralism-over", "seed"),
    ]


def test_a_changed_alias_updates_its_participant(loaded: Path, seed_copy: Path) -> None:
    path = seed_copy / "participants.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "aliases: [Raúl Castro]", "aliases: [Raúl Castro, Raúl Castro Ruz]"
        ),
        encoding="utf-8",
    )
    load(loaded, seed_copy)
    connection = sqlite3.connect(loaded)
    changed = connection.execute(
        "SELECT id FROM participant WHERE updated_at > created_at"
    ).fetchall()
    aliases = connection.execute(
        "SELECT alias FROM participant_alias WHERE participant_id = 'raul-castro' ORDER BY 1"
    ).fetchall()
    connection.close()
    assert changed == [("raul-castro",)]
    assert aliases == [("Raúl Castro",), ("Raúl Castro Ruz",)]


BAD_EDITS = [
    (
        "quote not verbatim",
        lambda d: d["visits"][2]["citations"][0].update(quote="Raisi concluded a tour of Asia."),
        "tours/2023-06-raisi-latin-america.yaml: visit 2023-06-raisi-cuba: "
        "field 'citations[0].quote': quote not found verbatim in the source",
    ),
    (
        "bad date",
        lambda d: d["visits"][2]["meetings"][0].update(date="2023-06-31"),
        "tours/2023-06-raisi-latin-america.yaml: meeting 2023-06-15-havana-raisi-diaz-canel-talks: "
        "field 'date': Input should be a valid date or datetime, "
        "day value is outside expected range",
    ),
    (
        "unknown participant",
        lambda d: d["visits"][2]["meetings"][0]["participants"][0].update(participant="nobody"),
        "tours/2023-06-raisi-latin-america.yaml: meeting 2023-06-15-havana-raisi-diaz-canel-talks: "
        "field 'participants[0].participant': unknown participant 'nobody'",
    ),
    (
        "unknown field",
        lambda d: d["visits"][1].update(hots_country="NI"),
        "tours/2023-06-raisi-latin-america.yaml: visit 2023-06-raisi-nicaragua: "
        "field 'hots_country': Extra inputs are not permitted",
    ),
    (
        "unknown country",
        lambda d: d["visits"][0].update(host_country="ZZ"),
        "tours/2023-06-raisi-latin-america.yaml: visit 2023-06-raisi-venezuela: "
        "field 'host_country': unknown country code 'ZZ' (ISO 3166-1 alpha-2 or alpha-3)",
    ),
    (
        "statement not verbatim",
        lambda d: d["visits"][2]["statements"][0].update(text="The two countries are pioneers."),
        "tours/2023-06-raisi-latin-america.yaml: statement 2023-06-amir-abdollahian-pioneers: "
        "field 'text': text not found verbatim in the source",
    ),
    (
        "end before start",
        lambda d: d["visits"][2].update(end_date="2023-06-01"),
        "tours/2023-06-raisi-latin-america.yaml: visit 2023-06-raisi-cuba: "
        "field 'end_date': end_date is before start_date",
    ),
    (
        "citation without quote or note",
        lambda d: d["visits"][0]["citations"][0].pop("quote"),
        "tours/2023-06-raisi-latin-america.yaml: visit 2023-06-raisi-venezuela: "
        "field 'citations[0]': a citation needs a quote (verbatim) or a note",
    ),
]


@pytest.mark.parametrize(("case", "edit", "message"), BAD_EDITS, ids=[c[0] for c in BAD_EDITS])
def test_a_bad_file_changes_nothing_and_names_the_problem(
    loaded: Path, seed_copy: Path, case: str, edit: Any, message: str
) -> None:
    before = dump(loaded)
    edit_tour(seed_copy, edit)
    with pytest.raises(SeedError) as raised:
        load(loaded, seed_copy)
    assert str(raised.value) == message
    assert dump(loaded) == before


def test_invalid_yaml_names_the_file(loaded: Path, seed_copy: Path) -> None:
    (seed_copy / "topics.yaml").write_text("- {id: energy, name: [unclosed\n", encoding="utf-8")
    with pytest.raises(SeedError) as raised:
        load(loaded, seed_copy)
    assert raised.value.file == "topics.yaml"
    assert "not valid YAML" in raised.value.message
