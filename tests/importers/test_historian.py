"""The Office of the Historian's travels and visits: parsing, countries, provenance, atomicity."""

import gc
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pycountry
import pytest
from fastapi.testclient import TestClient

from app import cli
from app.config import Settings, get_settings
from app.countries import HISTORICAL, all_countries, lookup_country
from app.importers.historian import (
    HistorianError,
    ImportReport,
    historian_files,
    parse_xml,
    read_historian,
    visit_kind,
)
from app.importers.historian_countries import (
    ADDITIONS,
    CORRECTIONS,
    VIA_ADDITION,
    VIA_CORRECTION,
    VIA_COUNTRIES_OLD,
    VIA_TERRITORIES,
    CountryResolver,
)
from app.importers.historian_names import Person, name_key, parse_visitor
from app.main import create_app
from tests.importers.support import FIXTURES, SHARED_DATA, dump, query, run_import

SITE = "https://history.state.gov/departmenthistory"

# What the fixtures hold: 14 trips (one to an unknown country) and 17 foreign-leader visits.
FIXTURE_TRIPS = 14
FIXTURE_VISITS = 17


def visit_row(url: str, visit_id: str) -> dict[str, Any]:
    columns = [
        "visitor_id",
        "visitor_country_code",
        "host_country_code",
        "city",
        "start_date",
        "end_date",
        "kind",
        "summary",
        "latitude",
        "longitude",
        "dataset",
    ]
    (row,) = query(url, f"SELECT {', '.join(columns)} FROM visit WHERE id = ?", visit_id)
    return dict(zip(columns, row, strict=True))


def participations(url: str, visit_id: str) -> list[tuple[Any, ...]]:
    return query(
        url,
        "SELECT pa.participant_id, p.name, pa.role, pa.title, p.country_code FROM participation pa "
        "JOIN participant p ON p.id = pa.participant_id WHERE pa.visit_id = ? ORDER BY pa.id",
        visit_id,
    )


# --- Visitor lines: titles, names, particles -------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Prime Minister Benjamin Netanyahu", [Person("Prime Minister", "Benjamin Netanyahu")]),
        ("King Juan Carlos I", [Person("King", "Juan Carlos I")]),
        (
            "President of the Council of Ministers Hussain Mohammad Ershad",
            [Person("President of the Council of Ministers", "Hussain Mohammad Ershad")],
        ),
        ("President de Gaulle", [Person("President", "de Gaulle")]),
        (
            "Prime Minister Andreas A. M. van Agt",
            [Person("Prime Minister", "Andreas A. M. van Agt")],
        ),
        ("Amir Tamim bin Hamad al-Thani", [Person("Amir", "Tamim bin Hamad al-Thani")]),
        ("President Benigno S. Aquino, 3rd", [Person("President", "Benigno S. Aquino, 3rd")]),
        ("President Surangel Whipps, Jr.", [Person("President", "Surangel Whipps, Jr.")]),
        ("Governor General Earl of Athlone", [Person("Governor General", "Earl of Athlone")]),
        ("President-Elect Carlos Salinas", [Person("President-Elect", "Carlos Salinas")]),
        ("Pope John Paul II", [Person("Pope", "John Paul II")]),
        (
            "President Andrzej Duda and Prime Minister Donald Tusk",
            [Person("President", "Andrzej Duda"), Person("Prime Minister", "Donald Tusk")],
        ),
        (
            "President Anwar Sadat, Prime Minister Mustafa Khalil",
            [Person("President", "Anwar Sadat"), Person("Prime Minister", "Mustafa Khalil")],
        ),
        ("  Prime Minister \n   Shinzō Abe ", [Person("Prime Minister", "Shinzō Abe")]),
        # No title: the line is the name.
        ("Valdas Adamkus", [Person(None, "Valdas Adamkus")]),
        # Not safely parsed: kept whole, no title guessed.
        ("Premier & Prince Sihanouk", [Person(None, "Premier & Prince Sihanouk")]),
        ("Premier and Prince Sihanouk", [Person(None, "Premier and Prince Sihanouk")]),
        ("Prime MinisterHaidar al- Abadi", [Person(None, "Prime MinisterHaidar al- Abadi")]),
        ("Prime Minster Adrian Nastase", [Person(None, "Prime Minster Adrian Nastase")]),
        ("President- elect Ernesto Zedillo", [Person(None, "President- elect Ernesto Zedillo")]),
        (
            "Prime Minister-Prince Norodom Kantol",
            [Person(None, "Prime Minister-Prince Norodom Kantol")],
        ),
        ("", []),
    ],
)
def test_visitor_lines_parse_into_title_and_name(line: str, expected: list[Person]) -> None:
    assert parse_visitor(line) == expected


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Kim Dae-Jung", "Kim Dae-jung"),
        ("Shinzō Abe", "Shinzo Abe"),
        ("Fiame Naomi Mata'afa", "Fiamē Naomi Mata’afa"),
        ("Simeon Saxe-Coburg Gotha", "Simeon Saxe-Coburg-Gotha"),
        ("Surangel Whipps, Jr", "Surangel Whipps Jr."),
        ("Sheikh Tamim bin Hamad Al-Thani", "Tamim bin Hamad al-Thani"),
        ("Jonas Gahr Støre", "Jonas Gahr Store"),
    ],
)
def test_spellings_of_one_name_share_a_key(one: str, other: str) -> None:
    assert name_key(one) == name_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("Nouri al-Maliki", "Nuri al-Maliki"), ("Erhard", "Ludwig Erhard"), ("Sheikh", "Shah")],
)
def test_different_names_keep_different_keys(one: str, other: str) -> None:
    assert name_key(one) != name_key(other)


@pytest.mark.parametrize(
    ("description", "kind"),
    [
        ("Working visit.", "working"),
        ("State Visit. Met with the President.", "state"),
        ("Official working visit", "official_working"),
        ("Official Visit.", "official"),
        ("Private visit.", "private"),
        ("Official visits to three cities.", None),
        ("Attended the NATO Summit.", None),
        (None, None),
    ],
)
def test_visit_kind_from_the_opening_words(description: str | None, kind: str | None) -> None:
    assert visit_kind(description) == kind


# --- Countries ---------------------------------------------------------------------------------


def test_countries_resolve_in_the_documented_order() -> None:
    resolver = CountryResolver(
        {"france": "fr", "cook-islands": "cw", "estonia": "ew", "czechoslovakia": "xe", "an": "an"},
        {"estonia": ["Estonia"], "niue": ["Niue"], "congo-kinshasa": ["Congo (Kinshasa)"]},
    )
    found = {
        country_id: (r.code, r.via) if (r := resolver.resolve(country_id)) else None
        for country_id in (
            "france",
            "cook-islands",
            "estonia",
            "niue",
            "czechoslovakia",
            "congo-kinshasa",
            "an",
            "atlantis",
        )
    }
    assert found == {
        "france": ("FR", VIA_COUNTRIES_OLD),
        "cook-islands": ("CK", VIA_CORRECTION),  # countries-old's cw is Curaçao
        "estonia": ("EE", VIA_TERRITORIES),  # ew is no code; the territory's name is
        "niue": ("NU", VIA_TERRITORIES),
        "czechoslovakia": ("CS", VIA_ADDITION),  # xe is a gsh placeholder, not a code
        "congo-kinshasa": ("CD", VIA_ADDITION),
        "an": ("AN", VIA_COUNTRIES_OLD),  # a historical code the project knows
        "atlantis": None,
    }


def test_project_mapping_gives_only_known_two_letter_codes() -> None:
    for mapped in (*CORRECTIONS.values(), *ADDITIONS.values()):
        known = lookup_country(mapped.code)
        assert known is not None
        assert known.code == mapped.code
        assert mapped.reason


def test_historical_codes_are_reserved_from_today_s_list_and_not_seeded() -> None:
    current = {c.alpha_2 for c in pycountry.countries} | {c.code for c in all_countries()}
    for entity in HISTORICAL:
        assert len(entity.code) == 2
        assert entity.code.isalpha()
        assert entity.code.isupper()
        assert entity.code not in current
        assert lookup_country(entity.alpha3.lower()) == entity
    assert len({c.alpha3 for c in HISTORICAL} | {c.alpha3 for c in all_countries()}) == len(
        HISTORICAL
    ) + len(all_countries())


# --- The import, on the fixtures ---------------------------------------------------------------


def test_every_record_read_is_written_or_reported(imported: tuple[str, ImportReport]) -> None:
    url, report = imported
    assert report.read == {
        "president trips": 4,
        "secretary trips": 10,
        "foreign-leader visits": FIXTURE_VISITS,
        "countries-old": 21,
        "territories": 4,
        "locales": 9,
    }
    (visits,) = query(url, "SELECT count(*) FROM visit WHERE dataset = 'historian'")[0]
    assert visits == FIXTURE_TRIPS + FIXTURE_VISITS - 1
    assert [str(u) for u in report.unresolved] == [
        "travels/secretary-travels/kissinger-henry-a.xml:43: trip 1503: country id 'atlantis' "
        "does not resolve to a country code; skipped"
    ]
    assert query(url, "SELECT count(*) FROM visit WHERE id = 'us-secretary-trip-1503'") == [(0,)]
    assert report.kept_whole == ["Premier & Prince Sihanouk"]


def test_a_trip_is_a_visit_of_the_traveller_with_the_office_as_title(
    imported: tuple[str, ImportReport],
) -> None:
    url, _ = imported
    assert visit_row(url, "us-secretary-trip-3913") == {
        "visitor_id": "historian-tillerson-rex-w",
        "visitor_country_code": "US",
        "host_country_code": "DE",
        "city": "Bonn",
        "start_date": "2017-02-15",
        "end_date": "2017-02-17",
        "kind": None,
        "summary": "Attended a G-20 Foreign Ministers’ Meeting.",
        "latitude": 50.733333,
        "longitude": 7.1,
        "dataset": "historian",
    }
    assert participations(url, "us-secretary-trip-3913") == [
        ("historian-tillerson-rex-w", "Rex W. Tillerson", "visitor", "Secretary of State", "US")
    ]
    assert participations(url, "us-president-trip-2961")[0][3] == "President"
    # Remarks wrapped over lines in the XML read as one paragraph.
    assert visit_row(url, "us-secretary-trip-3916")["summary"] == (
        "Met with Acting President Hwang Kyo-ahn and Foreign Minister Yun Byung-se. Visited "
        "the Demilitarized Zone."
    )


def test_one_participant_per_traveller_with_other_spellings_as_aliases(
    imported: tuple[str, ImportReport],
) -> None:
    url, _ = imported
    assert query(url, "SELECT id, name FROM participant WHERE id LIKE 'historian-t%'") == [
        ("historian-tillerson-rex-w", "Rex W. Tillerson")
    ]
    assert query(
        url,
        "SELECT alias FROM participant_alias WHERE participant_id = 'historian-tillerson-rex-w'",
    ) == [("Rex Tillerson",)]
    (trips,) = query(
        url, "SELECT count(*) FROM visit WHERE visitor_id = 'historian-tillerson-rex-w'"
    )[0]
    assert trips == 3


def test_a_city_takes_coordinates_only_from_a_locale_in_the_same_country(
    imported: tuple[str, ImportReport],
) -> None:
    url, report = imported
    london = visit_row(url, "us-president-trip-2961")
    assert (london["latitude"], london["longitude"]) == (51.507222, -0.1275)  # not Ontario's
    rangoon = visit_row(url, "us-president-trip-2999")  # by the locale's alternate name
    assert (rangoon["city"], rangoon["latitude"], rangoon["longitude"]) == ("Rangoon", 16.8, 96.15)
    assert visit_row(url, "us-secretary-trip-3917")["latitude"] is None  # no Tallinn in gsh
    assert report.with_coordinates == 5


def test_several_cities_stay_as_given_without_coordinates(
    imported: tuple[str, ImportReport],
) -> None:
    url, _ = imported
    visit = visit_row(url, "us-secretary-trip-1501")
    assert (visit["city"], visit["latitude"], visit["longitude"]) == (
        "Tel Aviv, Jerusalem",
        None,
        None,
    )


def test_renamed_and_historical_countries(imported: tuple[str, ImportReport]) -> None:
    url, report = imported
    hosts = {
        visit_id: visit_row(url, visit_id)["host_country_code"]
        for visit_id in (
            "us-president-trip-2999",  # burma
            "us-secretary-trip-1500",  # czechoslovakia
            "us-president-trip-3050",  # cook-islands (countries-old: Curaçao's code)
            "us-secretary-trip-3917",  # estonia (countries-old: ew)
            "us-secretary-trip-1502",  # french-polynesia (territories only)
        )
    }
    assert hosts == {
        "us-president-trip-2999": "MM",
        "us-secretary-trip-1500": "CS",
        "us-president-trip-3050": "CK",
        "us-secretary-trip-3917": "EE",
        "us-secretary-trip-1502": "PF",
    }
    assert visit_row(url, "foreign-leader-visit-1")["visitor_country_code"] == "XL"  # Hawaii
    assert visit_row(url, "foreign-leader-visit-2209")["visitor_country_code"] == "CZ"  # czechia
    # Historical entities get their country rows from the import that uses them.
    assert query(
        url, "SELECT code, alpha3, name, dataset FROM country WHERE dataset = 'historian'"
    ) == [
        ("CS", "CSK", "Czechoslovakia", "historian"),
        ("SU", "SUN", "Soviet Union", "historian"),
        ("XL", "XLX", "Hawaii", "historian"),
    ]
    assert report.resolutions["estonia"].via == VIA_TERRITORIES


def test_a_foreign_leader_visit_is_a_visit_to_the_us(imported: tuple[str, ImportReport]) -> None:
    url, _ = imported
    assert visit_row(url, "foreign-leader-visit-2076") == {
        "visitor_id": "historian-es-juan-carlos-i",
        "visitor_country_code": "ES",
        "host_country_code": "US",
        "city": None,
        "start_date": "2010-02-17",
        "end_date": "2010-02-17",
        "kind": "working",
        "summary": "Working visit.",
        "latitude": None,
        "longitude": None,
        "dataset": "historian",
    }
    assert participations(url, "foreign-leader-visit-2076") == [
        ("historian-es-juan-carlos-i", "Juan Carlos I", "visitor", "King", "ES")
    ]
    # Markup inside a description is kept as text.
    assert visit_row(url, "foreign-leader-visit-2090")["summary"] == (
        "Official working visit. Discussed direct talks with the Palestinians."
    )


def test_titles_with_particles_and_long_offices(imported: tuple[str, ImportReport]) -> None:
    url, _ = imported
    found = {
        visit_id: participations(url, visit_id)[0][1:4]
        for visit_id in (
            "foreign-leader-visit-2203",
            "foreign-leader-visit-2204",
            "foreign-leader-visit-2208",
            "foreign-leader-visit-2209",
        )
    }
    assert found == {
        "foreign-leader-visit-2203": (
            "Hussain Mohammad Ershad",
            "visitor",
            "President of the Council of Ministers",
        ),
        "foreign-leader-visit-2204": ("Andreas A. M. van Agt", "visitor", "Prime Minister"),
        "foreign-leader-visit-2208": ("Charles de Gaulle", "visitor", "President"),
        "foreign-leader-visit-2209": ("Andrej Babiš", "visitor", "Prime Minister"),
    }
    assert participations(url, "foreign-leader-visit-2208")[0][0] == (
        "historian-fr-charles-de-gaulle"
    )


def test_the_same_leader_across_visits_is_one_participant(
    imported: tuple[str, ImportReport],
) -> None:
    url, _ = imported
    assert query(
        url,
        "SELECT visitor_id, count(*) FROM visit WHERE visitor_country_code IN ('IL', 'QA') "
        "GROUP BY visitor_id ORDER BY visitor_id",
    ) == [
        ("historian-il-benjamin-netanyahu", 2),
        # Without people/, another spelling is another participant (see the people tests).
        ("historian-il-binyamin-netanyahu", 1),
        ("historian-qa-tamim-bin-hamad-al-thani", 2),
    ]
    assert query(
        url,
        "SELECT alias FROM participant_alias "
        "WHERE participant_id = 'historian-qa-tamim-bin-hamad-al-thani'",
    ) == [("Tamim bin Hamad al-Thani",)]


def test_two_leaders_in_one_line_are_two_participants(imported: tuple[str, ImportReport]) -> None:
    url, _ = imported
    assert visit_row(url, "foreign-leader-visit-2205")["visitor_id"] == "historian-pl-andrzej-duda"
    assert [row[1:4] for row in participations(url, "foreign-leader-visit-2205")] == [
        ("Andrzej Duda", "visitor", "President"),
        ("Donald Tusk", "visitor", "Prime Minister"),
    ]


def test_a_line_that_does_not_parse_is_kept_whole(imported: tuple[str, ImportReport]) -> None:
    url, _ = imported
    assert participations(url, "foreign-leader-visit-2206") == [
        ("historian-kh-premier-prince-sihanouk", "Premier & Prince Sihanouk", "visitor", None, "KH")
    ]


def test_missing_fields_stay_null(imported: tuple[str, ImportReport]) -> None:
    url, _ = imported
    trip = visit_row(url, "us-secretary-trip-1502")  # no end-date, empty locale, no remarks
    assert (trip["start_date"], trip["end_date"], trip["city"], trip["summary"]) == (
        "1976-09-20",
        None,
        None,
        None,
    )
    visit = visit_row(url, "foreign-leader-visit-2207")  # empty visitor, no description
    assert (visit["summary"], visit["kind"], visit["visitor_country_code"]) == (None, None, "IR")
    assert query(
        url,
        "SELECT id, name, description, country_code FROM participant WHERE id = ?",
        visit["visitor_id"],
    ) == [
        (
            "historian-unnamed-visitor-2207",
            None,
            "Visitor from Iran; the Office of the Historian's visit 2207 names no one",
            "IR",
        )
    ]


def test_every_visit_and_participation_cites_its_record(
    imported: tuple[str, ImportReport],
) -> None:
    url, _ = imported
    uncited = query(
        url,
        "SELECT v.id FROM visit v WHERE v.dataset = 'historian' AND NOT EXISTS "
        "(SELECT 1 FROM citation c WHERE c.visit_id = v.id AND c.source_id IN "
        "('historian-travels', 'historian-visits')) UNION ALL "
        "SELECT pa.id FROM participation pa WHERE pa.dataset = 'historian' AND NOT EXISTS "
        "(SELECT 1 FROM citation c WHERE c.participation_id = pa.id)",
    )
    assert uncited == []
    notes = query(
        url,
        "SELECT id, source_id, quote, note FROM citation WHERE visit_id IN "
        "('us-secretary-trip-3913', 'foreign-leader-visit-2076') ORDER BY id",
    )
    assert notes == [
        (
            "visit:foreign-leader-visit-2076:historian",
            "historian-visits",
            None,
            "Visit 2076 in the Office of the Historian's visits by foreign leaders (visitor "
            f'"King Juan Carlos I", country "Spain", id spain): {SITE}/visits/2010',
        ),
        (
            "visit:us-secretary-trip-3913:gsh-locale",
            "historian-gsh",
            None,
            "Latitude and longitude of Bonn: locale bonn in the Office of the Historian's gsh data",
        ),
        (
            "visit:us-secretary-trip-3913:historian",
            "historian-travels",
            None,
            "Trip 3913 in the Office of the Historian's travels of the Secretary of State "
            f'(country "Germany", id germany): {SITE}/travels/secretary/tillerson-rex-w',
        ),
    ]
    assert query(
        url,
        "SELECT id, kind, publisher, url, license FROM source WHERE dataset = 'historian'"
        " ORDER BY id",
    ) == [
        (
            source_id,
            "dataset",
            "Office of the Historian, U.S. Department of State",
            f"https://github.com/HistoryAtState/{repository}",
            "Public domain (U.S. government work); CC0 1.0 Universal worldwide",
        )
        for source_id, repository in (
            ("historian-gsh", "gsh"),
            ("historian-travels", "travels"),
            ("historian-visits", "visits"),
        )
    ]


# --- Idempotence, atomicity, the seed ----------------------------------------------------------


def test_importing_twice_changes_nothing(seeded: str) -> None:
    first = run_import(seeded)
    before = dump(seeded)
    second = run_import(seeded)
    assert first.sync.total("created") > 0
    assert not second.sync.changed()
    assert dump(seeded) == before


def seed_state(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """The rows the seed loader owns (and the ISO country list), with their timestamps."""
    owned = "dataset IN ('seed', 'iso-3166')"
    tables = ["country", "source", "topic", "participant", "tour", "visit", "meeting"]
    tables += ["participation", "agreement", "statement", "citation"]
    state = {
        table: query(url, f"SELECT * FROM {table} WHERE {owned} ORDER BY 1") for table in tables
    }
    for table in ("visit_topic", "meeting_topic", "agreement_topic", "agreement_party"):
        state[table] = query(url, f"SELECT * FROM {table} ORDER BY 1, 2")
    state["participant_alias"] = query(
        url,
        "SELECT * FROM participant_alias WHERE participant_id IN "
        f"(SELECT id FROM participant WHERE {owned}) ORDER BY 1, 2",
    )
    return state


def test_the_havana_seed_is_not_disturbed(seeded: str) -> None:
    before = seed_state(seeded)
    run_import(seeded)
    assert seed_state(seeded) == before
    assert len(before["visit"]) == 3
    assert len(before["country"]) == 250


def test_ids_are_stable_and_a_record_gone_upstream_is_deleted(seeded: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES, data)
    run_import(seeded, data)
    before = dict(query(seeded, "SELECT id, created_at FROM visit WHERE dataset = 'historian'"))
    trips = data / "travels" / "secretary-travels" / "tillerson-rex-w.xml"
    document = ET.parse(trips)
    document.getroot().remove(document.getroot()[0])  # trip 3913
    document.write(trips, encoding="UTF-8", xml_declaration=True)
    report = run_import(seeded, data)
    after = dict(query(seeded, "SELECT id, created_at FROM visit WHERE dataset = 'historian'"))
    assert report.sync.deleted["visit"] == ["us-secretary-trip-3913"]
    assert after == {k: v for k, v in before.items() if k != "us-secretary-trip-3913"}
    # The visit goes with its participation and citations, and the deletions feed says so.
    assert query(seeded, "SELECT resource, record_id FROM deletion ORDER BY 1, 2") == [
        ("citation", "participation:us-secretary-trip-3913--historian-tillerson-rex-w:historian"),
        ("citation", "visit:us-secretary-trip-3913:gsh-locale"),
        ("citation", "visit:us-secretary-trip-3913:historian"),
        ("participation", "us-secretary-trip-3913--historian-tillerson-rex-w"),
        ("visit", "us-secretary-trip-3913"),
    ]


def break_file(data: Path, relative: str, old: str, new: str) -> None:
    path = data / relative
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def test_a_parsed_tree_is_freed_as_soon_as_it_is_dropped() -> None:
    # The parser's handlers are unhooked: no cycle keeps a file's tree (and the parser) alive
    # until the cycle collector runs, which once took as long as the reading itself.
    files = historian_files(FIXTURES)
    gc.collect()
    document = parse_xml(files.by_folder["visits/data"][-1], "visits/data/2010.xml")
    assert document.children
    del document
    assert gc.collect() == 0


def test_malformed_xml_fails_with_file_and_line_and_changes_nothing(
    seeded: str, tmp_path: Path
) -> None:
    run_import(seeded)
    before = dump(seeded)
    data = tmp_path / "data"
    shutil.copytree(FIXTURES, data)
    break_file(data, "visits/data/2010.xml", "Carlos I</visitor>", "Carlos I</visiter>")
    with pytest.raises(HistorianError) as raised:
        run_import(seeded, data)
    assert str(raised.value) == (
        "visits/data/2010.xml:7: malformed XML: mismatched tag (column 38)"
    )
    assert dump(seeded) == before


def test_bad_values_are_all_reported_with_file_line_record_and_field(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES, data)
    secretary = "travels/secretary-travels/tillerson-rex-w.xml"
    break_file(
        data,
        secretary,
        "<start-date>2017-02-15</start-date>",
        "<start-date>2017-02-30</start-date>",
    )
    break_file(data, secretary, "<id>3916</id>", "<id>3913</id>")
    break_file(data, "gsh/data/locales/bonn.xml", "<latitude>50.733333", "<latitude>north")
    break_file(data, "visits/data/1870.xml", "<id>1</id>", "<id/>")
    with pytest.raises(HistorianError) as raised:
        read_historian(historian_files(data))
    assert [str(problem) for problem in raised.value.problems] == [
        f"{secretary}:7: trip 3913: field 'start-date': not a date (YYYY-MM-DD): '2017-02-30'",
        f"{secretary}:17: trip 3913: field 'id': duplicate id (also at {secretary}:3)",
        "visits/data/1870.xml:4: visit: field 'id': missing",
        "gsh/data/locales/bonn.xml:6: locale bonn: field 'latitude': 'north' is not a number "
        "from -90 to 90",
    ]


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES, data)
    shutil.rmtree(data / "gsh" / "data" / "locales")
    with pytest.raises(HistorianError, match=r"^gsh/data/locales/: folder not found$"):
        historian_files(data)
    with pytest.raises(HistorianError, match=r"absent: not a folder$"):
        historian_files(tmp_path / "absent")


# --- Through the API ---------------------------------------------------------------------------


def items(client: TestClient, query_string: str) -> list[str]:
    response = client.get(f"/v1/visits?{query_string}")
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_imported_visits_are_served_and_filtered(imported_client: TestClient) -> None:
    client = imported_client
    assert items(
        client, "visitor_country=US&host_country=DE&participant=historian-tillerson-rex-w"
    ) == ["us-secretary-trip-3913"]
    assert items(client, "host_country=US&visitor_country=IR") == ["foreign-leader-visit-2207"]
    assert items(client, "host_country=CS") == ["us-secretary-trip-1500"]
    assert client.get("/v1/visits?visitor_country=hawaii").status_code == 422  # codes only
    assert client.get("/v1/visits?visitor_country=XLX").json()["items"][0]["visitor_country"] == {
        "code": "XL",
        "name": "Hawaii",
    }
    assert items(client, "kind=state&host_country=US") == [
        "foreign-leader-visit-2206",
        "foreign-leader-visit-1",
    ]
    assert items(client, "participant=historian-il-benjamin-netanyahu") == [
        "foreign-leader-visit-2200",
        "foreign-leader-visit-2090",
    ]
    # The seed is still served alongside.
    assert "2023-06-raisi-cuba" in items(client, "visitor_country=IR&limit=500")


def test_imported_visits_are_found_by_search(imported_client: TestClient) -> None:
    client = imported_client
    assert items(client, "q=netanyahu") == [
        "foreign-leader-visit-2210",
        "foreign-leader-visit-2200",
        "foreign-leader-visit-2090",
    ]
    assert items(client, "q=babis") == ["foreign-leader-visit-2209"]  # accents folded
    assert items(client, "q=tillerson bonn") == ["us-secretary-trip-3913"]
    hits = client.get("/v1/search?q=juan carlos").json()["items"]
    assert {(h["resource"], h["id"]) for h in hits} >= {
        ("visit", "foreign-leader-visit-2076"),
        ("participant", "historian-es-juan-carlos-i"),
    }


def test_a_visit_s_detail_carries_titles_coordinates_and_citations(
    imported_client: TestClient,
) -> None:
    visit = imported_client.get("/v1/visits/us-secretary-trip-3913").json()
    assert (visit["city"], visit["latitude"], visit["longitude"]) == ("Bonn", 50.733333, 7.1)
    assert [(p["participant"]["id"], p["role"], p["title"]) for p in visit["participants"]] == [
        ("historian-tillerson-rex-w", "visitor", "Secretary of State")
    ]
    assert [c["source"]["id"] for c in visit["citations"]] == ["historian-gsh", "historian-travels"]
    assert visit["participants"][0]["citations"][0]["note"].endswith(
        f"{SITE}/travels/secretary/tillerson-rex-w"
    )
    participant = imported_client.get("/v1/participants/historian-tillerson-rex-w").json()
    assert participant["aliases"] == ["Rex Tillerson"]
    assert imported_client.get("/v1/countries/CS").json()["visits_hosted"] == 1
    seed_visit = imported_client.get("/v1/visits/2023-06-raisi-cuba").json()
    assert (seed_visit["latitude"], seed_visit["longitude"]) == (None, None)


# --- The command line --------------------------------------------------------------------------


def run_cli(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "app", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_cli_imports_and_summarises(seeded: str) -> None:
    result = run_cli("import", "historian", str(FIXTURES), database_url=seeded)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("historian data imported from historian/ in ")
    assert lines[1:] == [
        "read: 4 president trips, 10 secretary trips, 17 foreign-leader visits, "
        "21 countries-old, 4 territories, 9 locales",
        "country: 3 (3 created, 0 updated, 0 deleted)",
        "source: 3 (3 created, 0 updated, 0 deleted)",
        "participant: 20 (20 created, 0 updated, 0 deleted)",
        "visit: 30 (30 created, 0 updated, 0 deleted)",
        "participation: 31 (31 created, 0 updated, 0 deleted)",
        "claim: 6 (6 created, 0 updated, 0 deleted)",
        "citation: 75 (75 created, 0 updated, 0 deleted)",
        "country ids: 21 resolved (15 via gsh countries-old, 2 via gsh territories, "
        "1 via project correction, 3 via project mapping)",
        "coordinates: 5 visits; visitor lines kept whole (no title recognised): 1",
        "countries by date: 2 visits filed under russia before 1991-12-26 are the Soviet "
        "Union's; 1 labelled U.S.S.R. after it are Russia's",
        "unresolved: 1 records skipped",
    ]
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "skipped: travels/secretary-travels/kissinger-henry-a.xml:43: trip 1503: country id "
        "'atlantis' does not resolve to a country code; skipped"
    )
    again = run_cli("import", "historian", str(FIXTURES), database_url=seeded)
    assert "visit: 30 (0 created, 0 updated, 0 deleted)" in again.stdout.splitlines()


def test_cli_fails_on_malformed_data_and_changes_nothing(seeded: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES, data)
    break_file(data, "gsh/data/territories/estonia.xml", "</territory>", "")
    before = dump(seeded)
    result = run_cli("import", "historian", str(data), database_url=seeded)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "historian data not imported, nothing changed:",
        "  gsh/data/territories/estonia.xml:15: malformed XML: no element found (column 1)",
    ]
    assert dump(seeded) == before


def test_progress_bar_only_on_a_terminal(
    seeded: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", seeded)
    get_settings.cache_clear()
    try:
        assert cli.main(["import", "historian", str(FIXTURES)]) == 0
        assert "reading" not in capsys.readouterr().err
        monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
        assert cli.main(["import", "historian", str(FIXTURES)]) == 0
        assert "reading:" in capsys.readouterr().err  # tqdm's bar, over the fixture files
    finally:
        get_settings.cache_clear()


# --- The full data, when the shared copy is present --------------------------------------------


def independent_count(root: Path) -> dict[str, Any]:
    """Counts made straight from the XML with ElementTree, without the importer's code."""
    trips = [
        trip
        for path in sorted((root / "travels").glob("*-travels/*.xml"))
        for trip in ET.parse(path).getroot().iter("trip")
    ]
    visits = [
        visit
        for path in sorted((root / "visits" / "data").glob("*.xml"))
        for visit in ET.parse(path).getroot().iter("visit")
    ]
    return {
        "trips": len(trips),
        "visits": len(visits),
        "travellers": len({trip.get("who") for trip in trips}),
        "trips to": Counter(trip.find("country").get("id") for trip in trips),  # type: ignore[union-attr]
        "visits from": Counter(visit.find("from").get("id") for visit in visits),  # type: ignore[union-attr]
        "trips by": Counter((trip.get("who"), trip.find("country").get("id")) for trip in trips),  # type: ignore[union-attr]
    }


@pytest.mark.slow
def test_the_full_historian_data_imports_completely(
    fully_imported: tuple[str, ImportReport],
) -> None:
    expected = independent_count(SHARED_DATA)
    seeded, report = fully_imported

    assert report.unresolved == []
    assert report.read["president trips"] + report.read["secretary trips"] == expected["trips"]
    assert report.read["foreign-leader visits"] == expected["visits"]

    def count(sql: str) -> Any:
        return query(seeded, sql)[0][0]

    assert count("SELECT count(*) FROM visit WHERE dataset = 'historian'") == (
        expected["trips"] + expected["visits"]
    )
    assert count("SELECT count(*) FROM visit WHERE id LIKE 'us-%-trip-%'") == expected["trips"]
    assert (
        count(
            "SELECT count(*) FROM participant WHERE id IN (SELECT visitor_id FROM visit "
            "WHERE visitor_country_code = 'US' AND dataset = 'historian')"
        )
        == expected["travellers"]
    )
    # Countries with one id each: the visits per country match the XML's own counts.
    assert (
        count(
            "SELECT count(*) FROM visit WHERE visitor_country_code = 'US' "
            "AND host_country_code = 'FR'"
        )
        == expected["trips to"]["france"]
    )
    assert (
        count(
            "SELECT count(*) FROM visit WHERE visitor_country_code = 'US' "
            "AND host_country_code = 'GB'"
        )
        == expected["trips to"]["united-kingdom"]
    )
    assert (
        count(
            "SELECT count(*) FROM visit WHERE host_country_code = 'US' "
            "AND visitor_country_code = 'IR'"
        )
        == expected["visits from"]["iran"]
    )
    # Every visit has its visitor's participation, and every visit and participation a citation.
    assert (
        count(
            "SELECT count(*) FROM visit v WHERE v.dataset = 'historian' AND NOT EXISTS (SELECT 1 "
            "FROM participation pa WHERE pa.visit_id = v.id AND pa.participant_id = v.visitor_id)"
        )
        == 0
    )
    assert (
        count(
            "SELECT count(*) FROM participation pa WHERE pa.dataset = 'historian' AND NOT EXISTS "
            "(SELECT 1 FROM citation c WHERE c.participation_id = pa.id)"
        )
        == 0
    )
    # The project's mapping is no bigger than the data needs: each entry is used.
    used = set(expected["trips to"]) | set(expected["visits from"])
    assert set(CORRECTIONS) | set(ADDITIONS) <= used
    assert {
        country_id for country_id, r in report.resolutions.items() if r.via == VIA_ADDITION
    } == (set(ADDITIONS))

    # Reachable through the API's filters.
    settings = Settings(database_url=seeded, cursor_secret="test-secret")
    with TestClient(create_app(settings)) as client:
        obama_in_france = client.get(
            "/v1/visits?visitor_country=US&host_country=FR&participant=historian-obama-barack"
        ).json()
        assert obama_in_france["total"] == expected["trips by"][("obama-barack", "france")]
        from_iran = client.get("/v1/visits?host_country=US&visitor_country=IR&limit=500").json()
        assert from_iran["total"] == expected["visits from"]["iran"]
        assert {item["visitor_country"]["code"] for item in from_iran["items"]} == {"IR"}

    again = run_import(seeded, SHARED_DATA)
    assert not again.sync.changed()
