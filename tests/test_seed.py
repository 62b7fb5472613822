"""The seed: every fact checked against the Havana article or the other outlet that reports
it, every disagreement kept as claims, and the loader's guarantees."""

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.models.claim import disputed
from app.seed import SeedError, load_seed
from app.storage import create_write_engine
from tests.support import ARTICLE, SEED_DIR, build_database

pytestmark = pytest.mark.sqlite_only(
    # On PostgreSQL the whole suite reads the seed it loads, through the API.
    reason="reads the loaded tables with sqlite3",
    counterpart=None,
)

TDI = "tdi-2023-06-16-raisi-havana"
EFE = "efe-2023-06-16-cuba-iran-accords"
TEHRAN_TIMES = "tehran-times-2023-06-15-iran-cuba-six-agreements"
TELESUR = "telesur-2023-06-15-cuba-iran-six-agreements"
ACN = "acn-2023-06-12-raisi-official-visit"
RADIO_RELOJ = "radio-reloj-2023-06-15-iran-cuba-agenda"
RMOL = "rmol-2023-06-15-raisi-havana"
TOUR_FILE = "tours/2023-06-raisi-latin-america.yaml"
CUBA = "2023-06-raisi-cuba"
COOPERATION_DOCUMENTS = "2023-06-15-iran-cuba-cooperation-documents"
MEMORANDUM = "2023-06-15-iran-cuba-memorandum-of-understanding"
VENEZUELA_AGREEMENTS = "2023-06-iran-venezuela-agreements"


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


def sources_of(db: sqlite3.Connection, column: str, record_id: str) -> list[str]:
    """The sources cited by one record, sorted."""
    return [
        source
        for (source,) in rows(
            db, f"SELECT DISTINCT source_id FROM citation WHERE {column} = ? ORDER BY 1", record_id
        )
    ]


def test_five_havana_engagements_from_the_article(db: sqlite3.Connection) -> None:
    meetings = rows(
        db,
        "SELECT kind, date, venue FROM meeting WHERE visit_id = ? AND id IN "
        "(SELECT meeting_id FROM citation WHERE source_id = ?) ORDER BY kind",
        CUBA,
        TDI,
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
        ("Bruno Rodriguez Parrilla", "Foreign Minister", "signatory"),
        ("Hossein Amir-Abdollahian", "Foreign Minister", "signatory"),
        ("Ebrahim Raisi", "President", "witness"),
        ("Miguel Diaz-Canel", "President", "witness"),
        ("Ebrahim Raisi", "President", "guest"),
        ("Raul Castro", "former President", "host"),
    ]
    for name in ("Ebrahim Raisi", "Miguel Diaz-Canel", "Hossein Amir-Abdollahian", "Raul Castro"):
        assert name in ARTICLE


def test_agreements_as_the_article_gives_them(db: sqlite3.Connection) -> None:
    agreements = rows(
        db,
        "SELECT kind, title, count, status, signed_on FROM agreement WHERE visit_id = ? "
        "ORDER BY kind",
        CUBA,
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
    parties = rows(
        db,
        "SELECT DISTINCT country_code FROM agreement_party WHERE agreement_id IN "
        "(SELECT id FROM agreement WHERE visit_id = ?) ORDER BY 1",
        CUBA,
    )
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
    # 40 for the article's records, 1 on a delegate's part, 2 on the article's count claims.
    assert len(quotes) == 43
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
        ("claim", "claim_id"),
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


def test_topics_from_the_article_and_from_the_other_outlets(db: sqlite3.Connection) -> None:
    # The article's fields of cooperation tag the article's records.
    tagged = [
        name
        for (name,) in rows(
            db,
            "SELECT name FROM topic WHERE id IN (SELECT topic_id FROM visit_topic WHERE "
            "visit_id = ? UNION SELECT topic_id FROM meeting_topic UNION SELECT topic_id FROM "
            "agreement_topic WHERE agreement_id != ?) ORDER BY name",
            CUBA,
            VENEZUELA_AGREEMENTS,
        )
    ]
    assert tagged == [
        "biotechnology",
        "energy",
        "medicine",
        "mining",
        "nanotechnology",
        "power plant construction",
        "technology",
    ]
    for name in tagged:
        assert name in ARTICLE
    # Every other topic is one an outlet gives: the Venezuela agreements' sectors, or a
    # subject of the Havana agreements in an outlet's claim.
    claimed = {
        topic
        for (value,) in rows(db, "SELECT value FROM claim WHERE property = 'topics'")
        for topic in json.loads(value)
    }
    venezuela = {
        topic
        for (topic,) in rows(
            db,
            "SELECT topic_id FROM agreement_topic WHERE agreement_id = ?",
            VENEZUELA_AGREEMENTS,
        )
    }
    assert venezuela == {"petrochemicals", "transportation", "mining"}
    everything = {topic_id for (topic_id,) in rows(db, "SELECT id FROM topic")}
    article = {
        topic_id
        for (topic_id,) in rows(
            db, "SELECT id FROM topic WHERE name IN (" + ", ".join("?" * len(tagged)) + ")", *tagged
        )
    }
    assert everything - article == (claimed | venezuela) - article
    assert claimed == {
        "foreign-policy",
        "telecommunications",
        "information-technology",
        "customs",
        "justice",
        "comprehensive-political-cooperation",
        "comprehensive-government-cooperation",
        "political-consultations",
        "digital-communication",
    }


def test_full_iso_country_list(db: sqlite3.Connection) -> None:
    assert rows(db, "SELECT count(*) FROM country")[0][0] == 250
    assert rows(
        db, "SELECT code, alpha3, name FROM country WHERE code IN ('CU', 'IR') ORDER BY 1"
    ) == [
        ("CU", "CUB", "Cuba"),
        ("IR", "IRN", "Iran"),
    ]


# The rest of the tour, from the other outlets' reports (sources/CORROBORATION.md).


def claims_of(db: sqlite3.Connection, subject_id: str, name: str) -> list[dict[str, Any]]:
    """A record's claims on one property: value, rank, qualifiers and cited sources."""
    found = []
    for claim_id, value, rank, qualifiers in rows(
        db,
        "SELECT id, value, rank, qualifiers FROM claim WHERE subject_id = ? AND property = ? "
        "ORDER BY id",
        subject_id,
        name,
    ):
        found.append(
            {
                "value": json.loads(value),
                "rank": rank,
                "qualifiers": json.loads(qualifiers) if qualifiers else None,
                "sources": sources_of(db, "claim_id", claim_id),
            }
        )
    return sorted(found, key=lambda claim: (claim["sources"], json.dumps(claim, sort_keys=True)))


def disputed_of(db: sqlite3.Connection, subject_id: str) -> list[str]:
    """The record's disputed properties, from its claims as stored."""
    claims = [
        {
            "property": name,
            "value": json.loads(value),
            "rank": rank,
            "qualifiers": json.loads(qualifiers) if qualifiers else None,
        }
        for name, value, rank, qualifiers in rows(
            db,
            "SELECT property, value, rank, qualifiers FROM claim WHERE subject_id = ?",
            subject_id,
        )
    ]
    return disputed(claims)


def parts_in(db: sqlite3.Connection, context_column: str, context_id: str) -> list[Any]:
    """(participant id, name, role, title, cited sources) of a meeting's or visit's parts."""
    return [
        (participant_id, name, role, title, sources_of(db, "participation_id", part_id))
        for part_id, participant_id, name, role, title in rows(
            db,
            "SELECT pa.id, pa.participant_id, p.name, pa.role, pa.title FROM participation pa "
            f"JOIN participant p ON p.id = pa.participant_id WHERE pa.{context_column} = ? "
            "AND (? = 'meeting_id' OR pa.meeting_id IS NULL) ORDER BY pa.role, pa.participant_id",
            context_id,
            context_column,
        )
    ]


def test_the_venezuela_leg(db: sqlite3.Connection) -> None:
    assert rows(db, "SELECT start_date, city FROM visit WHERE id = '2023-06-raisi-venezuela'") == [
        ("2023-06-12", "Caracas")
    ]
    assert sources_of(db, "visit_id", "2023-06-raisi-venezuela") == [RMOL, TDI, TELESUR]
    meetings = rows(
        db,
        "SELECT id, kind, date FROM meeting WHERE visit_id = '2023-06-raisi-venezuela' ORDER BY id",
    )
    # teleSUR dates neither meeting: no date is given them.
    assert meetings == [
        ("2023-06-raisi-jorge-rodriguez-meeting", "courtesy_call", None),
        ("2023-06-raisi-maduro-talks", "bilateral_talks", None),
    ]
    assert parts_in(db, "meeting_id", "2023-06-raisi-maduro-talks") == [
        ("ebrahim-raisi", "Ebrahim Raisi", "guest", "President", [TELESUR]),
        ("nicolas-maduro", "Nicolas Maduro", "host", "President", [TELESUR]),
    ]
    assert parts_in(db, "meeting_id", "2023-06-raisi-jorge-rodriguez-meeting") == [
        ("ebrahim-raisi", "Ebrahim Raisi", "guest", "President", [TELESUR]),
        (
            "jorge-rodriguez",
            "Jorge Rodriguez",
            "host",
            "President of the National Assembly",
            [TELESUR],
        ),
    ]


def test_more_than_twenty_venezuelan_agreements_and_never_a_guessed_count(
    db: sqlite3.Connection,
) -> None:
    assert rows(
        db,
        "SELECT kind, count, status, signed_on, meeting_id FROM agreement WHERE id = ?",
        VENEZUELA_AGREEMENTS,
    ) == [("agreement", None, "signed", None, None)]
    assert rows(
        db,
        "SELECT country_code FROM agreement_party WHERE agreement_id = ? ORDER BY 1",
        VENEZUELA_AGREEMENTS,
    ) == [("IR",), ("VE",)]
    assert sources_of(db, "agreement_id", VENEZUELA_AGREEMENTS) == [EFE, TELESUR]
    assert claims_of(db, VENEZUELA_AGREEMENTS, "count") == [
        {"value": None, "rank": "normal", "qualifiers": {"at_least": 21}, "sources": [EFE, TELESUR]}
    ]
    assert disputed_of(db, VENEZUELA_AGREEMENTS) == []


def test_the_nicaragua_leg(db: sqlite3.Connection) -> None:
    assert rows(db, "SELECT start_date, city FROM visit WHERE id = '2023-06-raisi-nicaragua'") == [
        ("2023-06-13", "Managua")
    ]
    assert rows(
        db, "SELECT id, kind, date FROM meeting WHERE visit_id = '2023-06-raisi-nicaragua'"
    ) == [("2023-06-raisi-ortega-talks", "bilateral_talks", None)]
    assert parts_in(db, "meeting_id", "2023-06-raisi-ortega-talks") == [
        ("ebrahim-raisi", "Ebrahim Raisi", "guest", "President", [TELESUR]),
        ("daniel-ortega", "Daniel Ortega", "host", "President", [TELESUR]),
    ]


def test_two_welcomes_in_havana(db: sqlite3.Connection) -> None:
    # Radio Reloj: the foreign minister at the airport on 14 June; Tehran Times: Diaz-Canel at a
    # welcoming ceremony, followed by private talks, with no date or place.
    assert rows(
        db,
        "SELECT id, kind, date, venue, city FROM meeting WHERE kind = 'welcome_ceremony' "
        "ORDER BY id",
    ) == [
        (
            "2023-06-14-havana-airport-arrival",
            "welcome_ceremony",
            "2023-06-14",
            "Jose Marti International Airport",
            "Havana",
        ),
        ("2023-06-havana-welcoming-ceremony", "welcome_ceremony", None, None, None),
    ]
    assert sources_of(db, "meeting_id", "2023-06-14-havana-airport-arrival") == [
        EFE,
        RADIO_RELOJ,
        RMOL,
    ]
    assert parts_in(db, "meeting_id", "2023-06-14-havana-airport-arrival") == [
        ("ebrahim-raisi", "Ebrahim Raisi", "guest", "President", [RADIO_RELOJ, RMOL]),
        (
            "cuba-foreign-minister-2023",
            "Bruno Rodriguez Parrilla",
            "host",
            "Foreign Minister",
            [RADIO_RELOJ],
        ),
    ]
    assert parts_in(db, "meeting_id", "2023-06-havana-welcoming-ceremony") == [
        ("ebrahim-raisi", "Ebrahim Raisi", "guest", "President", [TEHRAN_TIMES]),
        ("miguel-diaz-canel", "Miguel Diaz-Canel", "host", "President", [TEHRAN_TIMES]),
    ]


def test_the_delegation_tehran_times_lists(db: sqlite3.Connection) -> None:
    assert parts_in(db, "visit_id", CUBA) == [
        (
            "hossein-amir-abdollahian",
            "Hossein Amir-Abdollahian",
            "delegate",
            "Foreign Minister",
            [TDI, TEHRAN_TIMES],
        ),
        ("iran-defense-minister-2023", None, "delegate", "Minister of Defense", [TEHRAN_TIMES]),
        ("iran-health-minister-2023", None, "delegate", "Minister of Health", [TEHRAN_TIMES]),
        ("iran-oil-minister-2023", None, "delegate", "Minister of Oil", [TEHRAN_TIMES]),
        ("ebrahim-raisi", "Ebrahim Raisi", "visitor", "President", [ACN, EFE, RADIO_RELOJ, TDI]),
    ]


def test_cuba_s_foreign_minister_is_named_by_efe_and_radio_reloj_not_by_the_article(
    db: sqlite3.Connection,
) -> None:
    assert rows(
        db, "SELECT name, country_code FROM participant WHERE id = 'cuba-foreign-minister-2023'"
    ) == [("Bruno Rodriguez Parrilla", "CU")]
    assert "Bruno" not in ARTICLE
    assert "Rodriguez" not in ARTICLE
    assert claims_of(db, "cuba-foreign-minister-2023", "name") == [
        {
            "value": "Bruno Rodriguez Parrilla",
            "rank": "preferred",
            "qualifiers": None,
            "sources": [EFE],
        },
        {
            "value": "Bruno Rodriguez",
            "rank": "normal",
            "qualifiers": None,
            "sources": [RADIO_RELOJ],
        },
    ]
    # Two spellings of one name, the fuller one preferred: not a dispute.
    assert disputed_of(db, "cuba-foreign-minister-2023") == []
    # The article's words about him stay as they are: its quotes never name him.
    quotes = rows(
        db,
        "SELECT quote FROM citation WHERE source_id = ? AND participation_id IN (SELECT id FROM "
        "participation WHERE participant_id = 'cuba-foreign-minister-2023')",
        TDI,
    )
    assert quotes == [
        (
            "The foreign ministers of the two countries signed six cooperation documents and a "
            "memorandum of understanding during the ceremony.",
        )
    ]


def test_the_memorandum_count_one_two_or_six_in_all(db: sqlite3.Connection) -> None:
    # The record keeps the article's number; each outlet's number is a claim with its source.
    assert rows(db, "SELECT count FROM agreement WHERE id = ?", MEMORANDUM) == [(1,)]
    assert claims_of(db, MEMORANDUM, "count") == [
        {"value": 1, "rank": "normal", "qualifiers": None, "sources": [TDI]},
        {"value": 2, "rank": "normal", "qualifiers": None, "sources": [TELESUR]},
    ]
    assert rows(db, "SELECT count FROM agreement WHERE id = ?", COOPERATION_DOCUMENTS) == [(6,)]
    assert claims_of(db, COOPERATION_DOCUMENTS, "count") == [
        {
            "value": 6,
            "rank": "normal",
            "qualifiers": {"includes": ["memorandum_of_understanding"]},
            "sources": [EFE, TEHRAN_TIMES],
        },
        {"value": 6, "rank": "normal", "qualifiers": None, "sources": [TDI, TELESUR]},
    ]


def test_the_havana_agreements_subjects_per_outlet(db: sqlite3.Connection) -> None:
    # The article names no subject for the documents: the record has none of its own.
    assert (
        rows(
            db,
            "SELECT topic_id FROM agreement_topic WHERE agreement_id IN (?, ?)",
            COOPERATION_DOCUMENTS,
            MEMORANDUM,
        )
        == []
    )
    assert claims_of(db, COOPERATION_DOCUMENTS, "topics") == [
        {
            "value": [
                "foreign-policy",
                "telecommunications",
                "information-technology",
                "customs",
                "justice",
            ],
            "rank": "normal",
            "qualifiers": {"includes": ["memorandum_of_understanding"]},
            "sources": [EFE],
        },
        {
            "value": ["comprehensive-political-cooperation", "customs", "digital-communication"],
            "rank": "normal",
            "qualifiers": {"includes": ["memorandum_of_understanding"], "partial": True},
            "sources": [TEHRAN_TIMES],
        },
        {
            "value": [
                "comprehensive-government-cooperation",
                "political-consultations",
                "telecommunications",
                "information-technology",
            ],
            "rank": "normal",
            "qualifiers": {"partial": True},
            "sources": [TELESUR],
        },
    ]
    assert claims_of(db, MEMORANDUM, "topics") == [
        {
            "value": ["customs", "justice"],
            "rank": "normal",
            "qualifiers": None,
            "sources": [TELESUR],
        }
    ]


def test_disputed_properties_per_record(db: sqlite3.Connection) -> None:
    assert {
        subject: disputed_of(db, subject)
        for (subject,) in rows(db, "SELECT DISTINCT subject_id FROM claim ORDER BY 1")
    } == {
        COOPERATION_DOCUMENTS: ["count", "topics"],
        MEMORANDUM: ["count"],
        VENEZUELA_AGREEMENTS: [],
        "cuba-foreign-minister-2023": [],
    }


def test_every_claim_s_subject_exists(db: sqlite3.Connection) -> None:
    for subject_type, subject_id in rows(db, "SELECT subject_type, subject_id FROM claim"):
        assert rows(db, f"SELECT count(*) FROM {subject_type} WHERE id = ?", subject_id) == [(1,)]


def test_other_outlets_are_cited_by_their_address_and_a_note(db: sqlite3.Connection) -> None:
    cited = rows(
        db,
        "SELECT s.id, s.url, count(*), sum(c.note IS NULL) FROM citation c "
        "JOIN source s ON s.id = c.source_id WHERE s.id != ? GROUP BY s.id ORDER BY s.id",
        TDI,
    )
    assert [(source, missing) for source, _, _, missing in cited] == [
        (ACN, 0),
        (EFE, 0),
        (RADIO_RELOJ, 0),
        (RMOL, 0),
        (TEHRAN_TIMES, 0),
        (TELESUR, 0),
    ]
    for source, url, _, _ in cited:
        assert url is not None, source
        assert url.startswith("http"), source


def test_official_visit_and_its_dates_from_acn_and_radio_reloj(db: sqlite3.Connection) -> None:
    assert rows(db, "SELECT kind, start_date, end_date FROM visit WHERE id = ?", CUBA) == [
        ("official", "2023-06-14", "2023-06-15")
    ]
    assert {ACN, RADIO_RELOJ, EFE} <= set(sources_of(db, "visit_id", CUBA))
    assert rows(db, "SELECT start_date, end_date FROM tour") == [("2023-06-12", "2023-06-15")]
    assert TEHRAN_TIMES in sources_of(db, "tour_id", "2023-06-raisi-latin-america")


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


def meeting(data: Any, meeting_id: str) -> Any:
    """One meeting of the tour file's data, by id."""
    return next(m for v in data["visits"] for m in v.get("meetings", []) if m["id"] == meeting_id)


def agreement(data: Any, agreement_id: str) -> Any:
    """One agreement of the tour file's data, by id."""
    return next(
        a for v in data["visits"] for a in v.get("agreements", []) if a["id"] == agreement_id
    )


TALKS = "2023-06-15-havana-raisi-diaz-canel-talks"


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
    assert changed == [
        "visit",
        "data_version",
        "record_item",
        "record_detail",
        "record_page",
        "record_row",  # the summary is on the visit's row of its list page
        "dataset_part",  # the tour file's fingerprint and load time
        "search_index",
    ]
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
    assert left == (9, 7, 0)
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
        lambda d: meeting(d, TALKS).update(date="2023-06-31"),
        "tours/2023-06-raisi-latin-america.yaml: meeting 2023-06-15-havana-raisi-diaz-canel-talks: "
        "field 'date': Input should be a valid date or datetime, "
        "day value is outside expected range",
    ),
    (
        "unknown participant",
        lambda d: meeting(d, TALKS)["participants"][0].update(participant="nobody"),
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
    # Claims: the memorandum's are [count 1 (TDI), count 2 (teleSUR), topics (teleSUR)].
    (
        "claim on a property the record type does not have",
        lambda d: agreement(d, MEMORANDUM)["claims"][0].update(property="colour"),
        f"{TOUR_FILE}: agreement {MEMORANDUM}: field 'claims[0].property': "
        "agreement has no property 'colour'",
    ),
    (
        "claim on a part rather than a field",
        lambda d: agreement(d, MEMORANDUM)["claims"][0].update(property="citations"),
        f"{TOUR_FILE}: agreement {MEMORANDUM}: field 'claims[0].property': "
        "agreement has no property 'citations'",
    ),
    (
        "claimed value of the wrong type",
        lambda d: agreement(d, MEMORANDUM)["claims"][1].update(value="2"),
        f"{TOUR_FILE}: agreement {MEMORANDUM}: field 'claims[1].value': "
        "not a valid count: Input should be a valid integer",
    ),
    (
        "claimed value out of the field's range",
        lambda d: agreement(d, MEMORANDUM)["claims"][1].update(value=0),
        f"{TOUR_FILE}: agreement {MEMORANDUM}: field 'claims[1].value': "
        "not a valid count: Input should be greater than or equal to 1",
    ),
    (
        "claim without a value",
        lambda d: agreement(d, MEMORANDUM)["claims"][1].pop("value"),
        f"{TOUR_FILE}: agreement {MEMORANDUM}: field 'claims[1].value': Field required",
    ),
    (
        "unknown rank",
        lambda d: agreement(d, MEMORANDUM)["claims"][1].update(rank="best"),
        f"{TOUR_FILE}: agreement {MEMORANDUM}: field 'claims[1].rank': "
        "Input should be 'preferred', 'normal' or 'deprecated'",
    ),
    (
        "claim without a citation",
        lambda d: agreement(d, MEMORANDUM)["claims"][1].update(citations=[]),
        f"{TOUR_FILE}: agreement {MEMORANDUM}: field 'claims[1].citations': "
        "List should have at least 1 item after validation, not 0",
    ),
    (
        "claim quoting words the held text does not have",
        lambda d: agreement(d, MEMORANDUM)["claims"][0]["citations"][0].update(
            quote="two memorandums of understanding"
        ),
        f"{TOUR_FILE}: agreement {MEMORANDUM}: field 'claims[0].citations[0].quote': "
        "quote not found verbatim in the source",
    ),
    (
        "claim quoting a source whose text is not held",
        lambda d: agreement(d, MEMORANDUM)["claims"][1]["citations"][0].update(
            quote="two memorandums"
        ),
        f"{TOUR_FILE}: agreement {MEMORANDUM}: field 'claims[1].citations[0].quote': "
        "quotes need the source text; use a note",
    ),
    (
        "unknown qualifier",
        lambda d: agreement(d, MEMORANDUM)["claims"][1].update(qualifiers={"at_most": 3}),
        f"{TOUR_FILE}: agreement {MEMORANDUM}: field 'claims[1].qualifiers.at_most': "
        "Extra inputs are not permitted",
    ),
    (
        "qualifier naming no kind of agreement",
        lambda d: agreement(d, MEMORANDUM)["claims"][1].update(
            qualifiers={"includes": ["treaties"]}
        ),
        f"{TOUR_FILE}: agreement {MEMORANDUM}: field 'claims[1].qualifiers.includes[0]': "
        "not a kind of agreement: 'treaties'",
    ),
    (
        "preferred claim that is not the record's own value",
        lambda d: agreement(d, MEMORANDUM)["claims"][1].update(rank="preferred"),
        f"{TOUR_FILE}: agreement {MEMORANDUM}: field 'claims[1].rank': "
        "a preferred claim's value must be the record's own count (1)",
    ),
    (
        "claimed topic that does not exist",
        lambda d: agreement(d, MEMORANDUM)["claims"][2].update(value=["customs", "piracy"]),
        f"{TOUR_FILE}: agreement {MEMORANDUM}: field 'claims[2].value[1]': unknown topic 'piracy'",
    ),
    (
        "the same claim twice",
        lambda d: agreement(d, MEMORANDUM)["claims"].append(
            dict(agreement(d, MEMORANDUM)["claims"][1])
        ),
        f"{TOUR_FILE}: agreement {MEMORANDUM}: field 'claims[3]': "
        "the same value is claimed twice: give one claim both citations",
    ),
    (
        "claim on a participation naming no known country",
        lambda d: meeting(d, TALKS)["participants"][1].update(
            claims=[
                {"property": "title", "value": 7, "citations": [{"source": TDI, "quote": "Havana"}]}
            ]
        ),
        f"{TOUR_FILE}: meeting {TALKS}: field 'participants[1].claims[0].value': "
        "not a valid title: Input should be a valid string",
    ),
    (
        "claimed country that does not exist",
        lambda d: d["visits"][0].update(
            claims=[
                {
                    "property": "host_country",
                    "value": "ZZ",
                    "citations": [{"source": RMOL, "note": "Venezuela"}],
                }
            ]
        ),
        f"{TOUR_FILE}: visit 2023-06-raisi-venezuela: field 'claims[0].value': "
        "unknown country code 'ZZ' (ISO 3166-1 alpha-2 or alpha-3)",
    ),
    # Event codes given for one record.
    (
        "unknown CAMEO code",
        lambda d: meeting(d, TALKS).update(
            codes=[{"scheme": "cameo", "code": "999", "citations": [{"source": EFE, "note": "x"}]}]
        ),
        f"{TOUR_FILE}: meeting {TALKS}: field 'codes[0]': "
        "unknown CAMEO code '999' (known: 01, 03-06 cue categories)",
    ),
    (
        "unknown PLOVER mode",
        lambda d: meeting(d, TALKS).update(
            codes=[
                {
                    "scheme": "plover",
                    "code": "CONSULT",
                    "mode": "fax",
                    "citations": [{"source": EFE, "note": "x"}],
                }
            ]
        ),
        f"{TOUR_FILE}: meeting {TALKS}: field 'codes[0]': unknown mode 'fax' for PLOVER "
        "CONSULT (known: multilateral, phone, third-party, visit)",
    ),
    (
        "code without a citation",
        lambda d: meeting(d, TALKS).update(codes=[{"scheme": "cameo", "code": "046"}]),
        f"{TOUR_FILE}: meeting {TALKS}: field 'codes[0].citations': Field required",
    ),
    # Parts in the visit as a whole.
    (
        "the visitor listed as a delegate",
        lambda d: d["visits"][2]["participants"].append(
            {
                "participant": "ebrahim-raisi",
                "role": "delegate",
                "citations": [{"source": TEHRAN_TIMES, "note": "x"}],
            }
        ),
        f"{TOUR_FILE}: visit {CUBA}: field 'participants[4]': "
        "the visitor's own part is the visit's",
    ),
]

PARTICIPANT_EDITS = [
    (
        "malformed external id",
        "raul-castro",
        {
            "external_ids": [
                {"scheme": "wikidata", "id": "X1", "citations": [{"source": EFE, "note": "x"}]}
            ]
        },
        "field 'external_ids[0]': not a wikidata id: 'X1'",
    ),
    (
        "unknown register",
        "raul-castro",
        {
            "external_ids": [
                {"scheme": "isni", "id": "1", "citations": [{"source": EFE, "note": "x"}]}
            ]
        },
        "field 'external_ids[0].scheme': "
        "Input should be 'wikidata', 'viaf' or 'history-state-gov-people'",
    ),
    (
        "two ids in one register",
        "raul-castro",
        {
            "external_ids": [
                {"scheme": "viaf", "id": str(n), "citations": [{"source": EFE, "note": "x"}]}
                for n in (1, 2)
            ]
        },
        "field 'external_ids': more than one viaf id",
    ),
    (
        "external id without a citation",
        "raul-castro",
        {"external_ids": [{"scheme": "viaf", "id": "1", "citations": []}]},
        "field 'external_ids[0].citations': List should have at least 1 item after validation, "
        "not 0",
    ),
    (
        "a second preferred name",
        "cuba-foreign-minister-2023",
        {"claims_rank_1": "preferred"},
        "field 'claims[1].rank': "
        "a preferred claim's value must be the record's own name ('Bruno Rodriguez Parrilla')",
    ),
    (
        "unnamed without a description",
        "iran-oil-minister-2023",
        {"description": None},
        "field '-': an unnamed participant needs a description",
    ),
]


@pytest.mark.parametrize(
    ("case", "participant_id", "change", "message"),
    PARTICIPANT_EDITS,
    ids=[c[0] for c in PARTICIPANT_EDITS],
)
def test_a_bad_participant_changes_nothing_and_is_named(
    loaded: Path,
    seed_copy: Path,
    case: str,
    participant_id: str,
    change: dict[str, Any],
    message: str,
) -> None:
    before = dump(loaded)
    path = seed_copy / "participants.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    participant = next(p for p in data if p["id"] == participant_id)
    if "claims_rank_1" in change:
        participant["claims"][1]["rank"] = change["claims_rank_1"]
    else:
        participant.update(change)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(SeedError) as raised:
        load(loaded, seed_copy)
    assert str(raised.value) == f"participants.yaml: participant {participant_id}: {message}"
    assert dump(loaded) == before


def test_codes_and_external_ids_given_in_the_seed_are_stored_with_their_citations(
    loaded: Path, seed_copy: Path
) -> None:
    def negotiation(data: Any) -> None:
        meeting(data, TALKS)["codes"] = [
            {"scheme": "cameo", "code": "046", "citations": [{"source": EFE, "note": "Talks."}]}
        ]

    edit_tour(seed_copy, negotiation)
    path = seed_copy / "participants.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    castro = next(p for p in data if p["id"] == "raul-castro")
    castro["external_ids"] = [
        {"scheme": "wikidata", "id": "Q191", "citations": [{"source": EFE, "note": "An id."}]}
    ]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load(loaded, seed_copy)
    connection = sqlite3.connect(loaded)
    stored = {
        "event_code": connection.execute(
            "SELECT e.id, subject_type, subject_id, scheme, code, mode, c.source_id, c.note "
            "FROM event_code e JOIN citation c ON c.event_code_id = e.id"
        ).fetchall(),
        "external_id": connection.execute(
            "SELECT e.id, participant_id, scheme, value, c.source_id, c.note "
            "FROM external_id e JOIN citation c ON c.external_id_id = e.id"
        ).fetchall(),
        "wikidata_id": connection.execute(
            "SELECT wikidata_id FROM participant WHERE id = 'raul-castro'"
        ).fetchall(),
    }
    connection.close()
    assert stored == {
        "event_code": [
            (f"meeting:{TALKS}:cameo:046", "meeting", TALKS, "cameo", "046", None, EFE, "Talks.")
        ],
        "external_id": [
            ("raul-castro:wikidata:Q191", "raul-castro", "wikidata", "Q191", EFE, "An id.")
        ],
        "wikidata_id": [("Q191",)],
    }
    # The same files again change nothing; the original files take both away again.
    again = dump(loaded)
    load(loaded, seed_copy)
    assert dump(loaded) == again
    load(loaded, SEED_DIR)
    connection = sqlite3.connect(loaded)
    left = connection.execute(
        "SELECT (SELECT count(*) FROM event_code), (SELECT count(*) FROM external_id), "
        "(SELECT count(*) FROM citation WHERE event_code_id IS NOT NULL "
        "OR external_id_id IS NOT NULL)"
    ).fetchone()
    connection.close()
    assert left == (0, 0, 0)


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


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"- {id: energy, name: [unclosed\n",
            "not valid YAML: did not find expected ',' or ']' at line 2, column 1"
            " (while parsing a flow sequence that starts at line 1, column 22)",
        ),
        (
            b"- id: energy\n name: Energy\n",
            "not valid YAML: did not find expected '-' indicator at line 2, column 2"
            " (while parsing a block collection that starts at line 1, column 1)",
        ),
        (
            b"- {id: energy, name: Energy}\n- {id: bank, name: Banque d\xe9veloppement}\n",
            "not valid UTF-8: byte 0xe9 at line 2, byte 28 (invalid continuation byte)",
        ),
        (
            b"- {id: energy, name: Energy}\n- {id: bank, name: Bank, since: 2023-06-31}\n",
            "not valid YAML: day is out of range for month ('2023-06-31') at line 2, column 33",
        ),
        (
            b"- {id: energy, name: Energy}\n- {id: bank, name: Ba\x07nk}\n",
            "not valid YAML: control characters are not allowed at line 2, column 22",
        ),
    ],
    ids=["unclosed", "indentation", "latin-1", "no-such-date", "control-character"],
)
def test_a_file_that_does_not_parse_is_named_with_the_line(
    loaded: Path, seed_copy: Path, data: bytes, message: str
) -> None:
    before = dump(loaded)
    (seed_copy / "topics.yaml").write_bytes(data)
    with pytest.raises(SeedError) as raised:
        load(loaded, seed_copy)
    assert (raised.value.file, raised.value.message) == ("topics.yaml", message)
    assert dump(loaded) == before


def test_an_older_schema_drops_the_agreements_it_cannot_hold(loaded: Path) -> None:
    # Before 0013 every agreement had an exact count: "more than twenty" cannot be kept there,
    # and no count is invented for it.
    from alembic import command

    from app.storage import alembic_config, upgrade_to_head

    url = f"sqlite:///{loaded}"
    command.downgrade(alembic_config(url), "0012")
    connection = sqlite3.connect(loaded)
    left = connection.execute(
        "SELECT (SELECT group_concat(id) FROM agreement WHERE visit_id != ?), "
        "(SELECT count(*) FROM agreement WHERE id = ?), "
        "(SELECT count(*) FROM claim WHERE subject_id = ?), "
        "(SELECT count(*) FROM citation WHERE agreement_id = ?), "
        "(SELECT count(*) FROM claim)",
        (CUBA, VENEZUELA_AGREEMENTS, VENEZUELA_AGREEMENTS, VENEZUELA_AGREEMENTS),
    ).fetchone()
    connection.close()
    assert left == (None, 0, 0, 0, 10)
    upgrade_to_head(url)
    load(loaded, SEED_DIR)
    connection = sqlite3.connect(loaded)
    assert connection.execute(
        "SELECT count, status FROM agreement WHERE id = ?", (VENEZUELA_AGREEMENTS,)
    ).fetchall() == [(None, "signed")]
    connection.close()
