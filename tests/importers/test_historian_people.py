"""The Historian's people database (one person under many spellings) and the Soviet Union
filed under `russia`: on the fixtures, through the API, and on the full shared data."""

import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.importers.historian import HistorianError, ImportReport
from app.importers.historian_countries import SOVIET_UNION_END
from app.importers.historian_names import collapse
from app.importers.historian_people import PeopleIndex, PersonRecord, Spelling, pages_pattern
from app.main import create_app
from tests.conftest import BACKEND
from tests.importers.support import FIXTURES_WITH_PEOPLE, SHARED_DATA, dump, query, run_import

VISITS = "https://history.state.gov/departmenthistory/visits"
NETANYAHU = "historian-person-109729"
MALIKI = "historian-person-100323"
GSH_NOTE = (
    "Territory soviet-union-1991 in the Office of the Historian's gsh data: the Soviet Union, "
    "until 1991, with Russia among its successors"
)


def visitors(url: str, *visit_ids: str) -> dict[str, str]:
    return {
        visit_id: query(url, "SELECT visitor_id FROM visit WHERE id = ?", visit_id)[0][0]
        for visit_id in visit_ids
    }


def aliases(url: str, participant_id: str) -> list[tuple[str, str | None]]:
    return query(
        url,
        "SELECT alias, page_url FROM participant_alias WHERE participant_id = ? ORDER BY alias",
        participant_id,
    )


def external_ids(url: str, participant_id: str) -> list[tuple[str, str, str, str]]:
    return query(
        url,
        "SELECT e.scheme, e.value, c.source_id, c.note FROM external_id e "
        "JOIN citation c ON c.external_id_id = e.id WHERE e.participant_id = ? ORDER BY 1",
        participant_id,
    )


# --- Matching, without a database -------------------------------------------------------------


def test_a_spelling_matches_as_a_name_key_on_its_country_s_page_only() -> None:
    index = PeopleIndex(
        [
            PersonRecord(
                1, "a.xml", None, (Spelling("Prime Minister Shinzo Abe", f"{VISITS}/japan"),)
            ),
            PersonRecord(2, "b.xml", None, (Spelling("King Hussein", f"{VISITS}/jordan"),)),
        ]
    )
    assert index.leader("japan", "Prime Minister Shinzō Abe").person == 1  # accents aside
    assert index.leader("japan", "prime minister shinzo  abe").person == 1  # case, spaces
    assert index.leader("korea-south", "Prime Minister Shinzo Abe").person is None
    # The title counts: another office is another spelling, never tied by guess.
    assert index.leader("jordan", "Crown Prince Hussein").pages == {}
    assert index.leader("jordan", "King Hussein").pages == {2: f"{VISITS}/jordan"}


def test_a_traveller_matches_by_their_id_on_their_office_s_page() -> None:
    presidents = "https://history.state.gov/cms/apps/presidents/data/presidents.xml"
    people = "https://history.state.gov/departmenthistory/people"
    index = PeopleIndex(
        [
            PersonRecord(
                1, "a.xml", None, (Spelling("W. H. Taft", f"{presidents}#taft-william-howard"),)
            ),
            # The same `who` on a Secretary's page is another office: an ambassador, here.
            PersonRecord(
                2,
                "b.xml",
                None,
                (Spelling("Taft, William Howard, III", f"{people}/taft-william-howard"),),
            ),
        ]
    )
    assert index.traveller("president", "taft-william-howard").person == 1
    assert index.traveller("secretary", "taft-william-howard").person == 2
    assert index.traveller("secretary", "rusk-dean").pages == {}


def test_only_files_naming_a_page_of_the_data_are_parsed() -> None:
    wanted = pages_pattern({("secretary", "rusk-dean")}).search
    url = "<source-url>https://history.state.gov/{}</source-url>"
    assert wanted(url.format("departmenthistory/visits/iraq").encode())
    assert wanted(url.format("departmenthistory/people/rusk-dean").encode())
    assert not wanted(url.format("departmenthistory/people/rusk-dean-jr").encode())
    assert not wanted(url.format("cms/apps/presidents/data/presidents.xml#rusk-dean").encode())
    assert not wanted(url.format("historicaldocuments/frus1961-63v01/persons").encode())


# --- On the fixtures, with people/ ------------------------------------------------------------


def test_one_person_s_visits_come_together_under_every_spelling(
    imported_people: tuple[str, ImportReport],
) -> None:
    url, _ = imported_people
    assert visitors(
        url, "foreign-leader-visit-2090", "foreign-leader-visit-2200", "foreign-leader-visit-2210"
    ) == dict.fromkeys(
        ("foreign-leader-visit-2090", "foreign-leader-visit-2200", "foreign-leader-visit-2210"),
        NETANYAHU,
    )
    assert query(url, "SELECT name, country_code FROM participant WHERE id = ?", NETANYAHU) == [
        ("Benjamin Netanyahu", "IL")  # the spelling the data uses most
    ]
    # Every spelling an alias, with the page it was seen on (Benyamin: the record's own).
    assert aliases(url, NETANYAHU) == [
        ("Benyamin Netanyahu", f"{VISITS}/israel"),
        ("Binyamin Netanyahu", f"{VISITS}/israel"),
    ]
    assert visitors(url, "foreign-leader-visit-2211", "foreign-leader-visit-2212") == {
        "foreign-leader-visit-2211": MALIKI,
        "foreign-leader-visit-2212": MALIKI,
    }
    assert aliases(url, MALIKI) == [("Nouri al-Maliki", f"{VISITS}/iraq")]
    assert query(url, "SELECT count(*) FROM participant WHERE id LIKE 'historian-il-%'") == [(0,)]


def test_a_tied_person_s_ids_are_cited_to_their_record(
    imported_people: tuple[str, ImportReport],
) -> None:
    url, _ = imported_people
    netanyahu = (
        "Person 109729 in the Office of the Historian's people data "
        "(data/100000/1/0/9/7/109729.xml)"
    )
    assert external_ids(url, NETANYAHU) == [
        ("history-state-gov-people", "109729", "historian-people", netanyahu),
        ("viaf", "114192441", "historian-people", netanyahu),
    ]
    # No VIAF id in the record: none is entered.
    assert [scheme for scheme, *_ in external_ids(url, MALIKI)] == ["history-state-gov-people"]
    # A traveller keeps the id of their travels, and gains the record's.
    assert [value for _, value, _, _ in external_ids(url, "historian-obama-barack")] == ["110001"]
    assert query(url, "SELECT license FROM source WHERE id = 'historian-people'") == [
        ("Public domain (U.S. government work); the repository carries no licence file",)
    ]


def test_names_tied_to_no_record_or_to_several_are_counted_and_left_as_they_were(
    imported_people: tuple[str, ImportReport],
) -> None:
    url, report = imported_people
    people = report.people
    assert people is not None
    # 120005 names only a documents volume's page: its file is not even parsed.
    assert (people.records, report.read["person records"]) == (7, 7)
    assert sorted(people.persons) == ["historian-obama-barack", MALIKI, NETANYAHU]
    assert people.several_spellings == 2
    # Two records name "King Juan Carlos I" on Spain's page: neither is chosen.
    assert dict(people.ambiguous) == {"spain: King Juan Carlos I": 1}
    assert visitors(url, "foreign-leader-visit-2076") == {
        "foreign-leader-visit-2076": "historian-es-juan-carlos-i"
    }
    assert external_ids(url, "historian-es-juan-carlos-i") == []
    assert dict(people.travellers) == {"tied": 1, "ambiguous": 1, "unmatched": 2}
    assert external_ids(url, "historian-kissinger-henry-a") == []
    assert len(people.unmatched) == 11
    assert people.unmatched["russia: General Secretary Mikhail S. Gorbachev"] == 1
    assert report.findings()[:2] == [
        "people: 7 person records read; 3 participants tied to one (2 under several spellings); "
        "travellers: 1 tied, 2 not found, 1 ambiguous",
        "spellings tied to no person record: 11 (seen 11 times); to several: 1 (seen once)",
    ]


def test_reimporting_with_people_changes_nothing(seeded: str) -> None:
    run_import(seeded, FIXTURES_WITH_PEOPLE)
    before = dump(seeded)
    again = run_import(seeded, FIXTURES_WITH_PEOPLE)
    assert not again.sync.changed()
    assert dump(seeded) == before


def test_adding_people_later_merges_spellings_and_tells_the_deletions_feed(seeded: str) -> None:
    from tests.importers.support import FIXTURES

    run_import(seeded, FIXTURES)
    assert visitors(seeded, "foreign-leader-visit-2210") == {
        "foreign-leader-visit-2210": "historian-il-binyamin-netanyahu"
    }
    report = run_import(seeded, FIXTURES_WITH_PEOPLE)
    assert sorted(report.sync.deleted["participant"]) == [
        "historian-il-benjamin-netanyahu",
        "historian-il-binyamin-netanyahu",
        "historian-iq-nouri-al-maliki",
        "historian-iq-nuri-al-maliki",
    ]
    assert query(
        seeded,
        "SELECT record_id FROM deletion WHERE resource = 'participant' ORDER BY record_id",
    ) == [(p,) for p in sorted(report.sync.deleted["participant"])]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "<id>109729</id>",
            "<id>109729</idd>",
            "people/data/100000/1/0/9/7/109729.xml:3: malformed XML: mismatched tag (column 17)",
        ),
        (
            '<authority service="viaf">114192441</authority>',
            '<authority service="viaf">viaf.org/114192441</authority>',
            "people/data/100000/1/0/9/7/109729.xml:5: person 109729: field 'viaf': "
            "not a VIAF id: 'viaf.org/114192441'",
        ),
        (
            "<id>109729</id>",
            "<id>100323</id>",
            "people/data/100000/1/0/9/7/109729.xml:2: person 100323: field 'id': duplicate id "
            "(also at people/data/100000/1/0/0/3/100323.xml:2)",
        ),
    ],
)
def test_a_bad_person_record_fails_the_import_and_names_it(
    seeded: str, tmp_path: Path, old: str, new: str, message: str
) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES_WITH_PEOPLE, data)
    record = data / "people/data/100000/1/0/9/7/109729.xml"
    record.write_text(record.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    before = dump(seeded)
    with pytest.raises(HistorianError) as raised:
        run_import(seeded, data)
    assert [str(problem) for problem in raised.value.problems] == [message]
    assert dump(seeded) == before


def test_people_through_the_api(imported_people: tuple[str, ImportReport]) -> None:
    settings = Settings(database_url=imported_people[0], cursor_secret="test-secret")
    with TestClient(create_app(settings)) as client:
        listed = client.get(f"/v1/visits?participant={NETANYAHU}").json()
        assert [v["id"] for v in listed["items"]] == [
            "foreign-leader-visit-2210",
            "foreign-leader-visit-2200",
            "foreign-leader-visit-2090",
        ]
        person = client.get(f"/v1/participants/{NETANYAHU}").json()
        assert (person["name"], person["aliases"]) == (
            "Benjamin Netanyahu",
            ["Benyamin Netanyahu", "Binyamin Netanyahu"],
        )
        found = client.get("/v1/participants?q=binyamin").json()["items"]
        assert [p["id"] for p in found] == [NETANYAHU]
        # The record's ids, each with its citation, and the list filtered by one of them.
        assert [
            (e["scheme"], e["id"], [c["source"]["id"] for c in e["citations"]])
            for e in person["external_ids"]
        ] == [
            ("history-state-gov-people", "109729", ["historian-people"]),
            ("viaf", "114192441", ["historian-people"]),
        ]
        for registered in ("viaf:114192441", "history-state-gov-people:109729"):
            found = client.get(f"/v1/participants?external_id={registered}").json()
            assert [p["id"] for p in found["items"]] == [NETANYAHU]
        none = client.get("/v1/participants?external_id=viaf:1").json()
        assert (none["items"], none["total"]) == ([], 0)


# --- The Soviet Union, filed under russia ----------------------------------------------------


# Each claim's sources in one string, in each engine's words.
SOURCES_JOINED = (
    "string_agg(c.source_id, ' ')" if BACKEND == "postgresql" else "group_concat(c.source_id, ' ')"
)


def claims(url: str, visit_id: str) -> list[tuple[Any, ...]]:
    return query(
        url,
        f"SELECT property, value, rank, qualifiers, {SOURCES_JOINED} FROM claim k "
        "JOIN citation c ON c.claim_id = k.id WHERE k.subject_id = ? "
        "GROUP BY k.id ORDER BY rank DESC, value",
        visit_id,
    )


def test_before_its_end_the_soviet_union_is_the_country_and_the_data_s_id_a_claim(
    imported: tuple[str, ImportReport],
) -> None:
    url, report = imported
    assert query(
        url,
        "SELECT id, host_country_code, visitor_country_code FROM visit "
        "WHERE id IN ('us-secretary-trip-2001', 'us-secretary-trip-2002', "
        "'us-secretary-trip-2003', 'foreign-leader-visit-1900') ORDER BY id",
    ) == [
        ("foreign-leader-visit-1900", "US", "SU"),
        ("us-secretary-trip-2001", "SU", "US"),
        ("us-secretary-trip-2002", "RU", "US"),
        ("us-secretary-trip-2003", "RU", "US"),
    ]
    assert claims(url, "us-secretary-trip-2001") == [
        (
            "host_country",
            '"SU"',
            "preferred",
            '{"historian_country_id": "russia", "historian_label": "U.S.S.R."}',
            "historian-travels historian-gsh",
        ),
        (
            "host_country",
            '"RU"',
            "normal",
            '{"historian_country_id": "russia"}',
            "historian-travels",
        ),
    ]
    # Labelled U.S.S.R. after its end: Russia by date, the label kept as a claim.
    assert claims(url, "us-secretary-trip-2002") == [
        (
            "host_country",
            '"RU"',
            "preferred",
            '{"historian_country_id": "russia", "historian_label": "U.S.S.R."}',
            "historian-travels historian-gsh",
        ),
        ("host_country", '"SU"', "normal", '{"historian_label": "U.S.S.R."}', "historian-travels"),
    ]
    assert claims(url, "us-secretary-trip-2003") == []
    assert [row[:3] for row in claims(url, "foreign-leader-visit-1900")] == [
        ("visitor_country", '"SU"', "preferred"),
        ("visitor_country", '"RU"', "normal"),
    ]
    assert query(
        url,
        "SELECT note FROM citation WHERE source_id = 'historian-gsh' AND claim_id IS NOT NULL "
        "GROUP BY note",
    ) == [(GSH_NOTE,)]
    assert query(
        url, "SELECT country_code FROM participant WHERE name = 'Mikhail S. Gorbachev'"
    ) == [("SU",)]
    assert (report.dated, report.labelled) == (
        ["us-secretary-trip-2001", "foreign-leader-visit-1900"],
        ["us-secretary-trip-2002"],
    )


def test_the_soviet_union_s_claims_through_the_api(imported_client: TestClient) -> None:
    trip = imported_client.get("/v1/visits/us-secretary-trip-2001").json()
    # A preferred claim settles the host: nothing is disputed.
    assert trip["disputed"] == []
    assert [
        (c["value"], c["rank"], c["qualifiers"], c["disputed"], len(c["citations"]))
        for c in trip["claims"]["host_country"]
    ] == [
        (
            "SU",
            "preferred",
            {"historian_country_id": "russia", "historian_label": "U.S.S.R."},
            False,
            2,
        ),
        ("RU", "normal", {"historian_country_id": "russia"}, False, 1),
    ]
    listed = imported_client.get("/v1/claims?property=host_country&rank=preferred").json()
    assert [c["subject"] for c in listed["items"]] == [
        {"type": "visit", "id": "us-secretary-trip-2001"},
        {"type": "visit", "id": "us-secretary-trip-2002"},
    ]
    visitor = imported_client.get("/v1/claims?subject=foreign-leader-visit-1900").json()
    assert sorted((c["property"], c["value"], c["rank"]) for c in visitor["items"]) == [
        ("visitor_country", "RU", "normal"),
        ("visitor_country", "SU", "preferred"),
    ]
    assert imported_client.get("/v1/visits?disputed=true").json()["total"] == 0


def test_the_soviet_union_through_the_api(imported_client: TestClient) -> None:
    hosted = imported_client.get("/v1/visits?host_country=SU").json()["items"]
    assert [v["id"] for v in hosted] == ["us-secretary-trip-2001"]
    assert hosted[0]["host_country"] == {"code": "SU", "name": "Soviet Union"}
    assert imported_client.get("/v1/countries/SUN").json()["visits_hosted"] == 1
    assert imported_client.get("/v1/countries/SU").json()["visits_made"] == 1


# --- The full data, when the shared copy is present --------------------------------------------


def spelled(root: Path) -> Counter[str]:
    """Visits per visitor line, counted straight from the XML with ElementTree."""
    return Counter(
        collapse("".join(visit.find("visitor").itertext()))  # type: ignore[union-attr]
        for path in sorted((root / "visits" / "data").glob("*.xml"))
        for visit in ET.parse(path).getroot().iter("visit")
    )


def before_the_end(root: Path) -> int:
    """Trips and visits the XML files under `russia` dated before the Soviet Union's end."""
    found = 0
    for path in sorted(root.glob("travels/*-travels/*.xml")):
        for trip in ET.parse(path).getroot().iter("trip"):
            if trip.find("country").get("id") == "russia":  # type: ignore[union-attr]
                found += (trip.findtext("start-date") or "9") < SOVIET_UNION_END.isoformat()
    for path in sorted((root / "visits" / "data").glob("*.xml")):
        for visit in ET.parse(path).getroot().iter("visit"):
            if visit.find("from").get("id") == "russia":  # type: ignore[union-attr]
                found += (visit.findtext("start-date") or "9") < SOVIET_UNION_END.isoformat()
    return found


@pytest.mark.slow
def test_the_full_data_ties_spellings_to_people(fully_imported: tuple[str, ImportReport]) -> None:
    if not (SHARED_DATA / "people").is_dir():
        pytest.skip(f"the people data is not present at {SHARED_DATA.resolve()}")
    seeded, report = fully_imported
    people = report.people
    assert people is not None
    counts = spelled(SHARED_DATA)
    netanyahu = sum(n for line, n in counts.items() if "Netanyahu" in line)
    maliki = sum(n for line, n in counts.items() if "al-Maliki" in line)
    assert query(
        seeded,
        "SELECT visitor_id, count(*) FROM visit WHERE visitor_id IN (?, ?) GROUP BY 1 ORDER BY 1",
        MALIKI,
        NETANYAHU,
    ) == [(MALIKI, maliki), (NETANYAHU, netanyahu)]
    assert (netanyahu, maliki) == (29, 6)
    assert [alias for alias, _ in aliases(seeded, MALIKI)] == ["Nouri al-Maliki"]
    assert [alias for alias, _ in aliases(seeded, NETANYAHU)] == [
        "Benyamin Netanyahu",
        "Binyamin Netanyahu",
    ]
    # The figures the docs give.
    assert (len(people.persons), people.several_spellings) == (1073, 100)
    assert (len(people.unmatched), sum(people.unmatched.values())) == (301, 467)
    assert (len(people.ambiguous), sum(people.ambiguous.values())) == (5, 7)
    assert dict(people.travellers) == {"tied": 49, "unmatched": 6}
    assert query(seeded, "SELECT count(*) FROM participant WHERE dataset = 'historian'") == [
        (1372,)
    ]
    # Every record the XML files under russia before the end is the Soviet Union's.
    assert len(report.dated) == before_the_end(SHARED_DATA) == 46
    assert query(
        seeded,
        "SELECT count(*) FROM visit WHERE dataset = 'historian' AND 'SU' IN "
        "(host_country_code, visitor_country_code)",
    ) == [(46,)]
    assert len(report.labelled) == 3
