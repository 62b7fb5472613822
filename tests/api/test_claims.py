"""Claims, disputed fields, event codes and external ids through the API, on the seed."""

import csv
import io
import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.codes import CAMEO
from app.config import Settings
from app.main import create_app
from app.models.claim import disputed
from app.queries.claims import DISPUTED_SQL
from app.queries.events import OWN_FIELDS, PLOVER_FIELDS
from app.storage import Reader, open_reader
from tests.support import (
    BUSINESS_MEETING,
    COLLABORATIONS,
    RAISI_THERE,
    SEED_DIR,
    build_database,
    database_of,
    seed_with_parts_claimed,
)

MEMORANDUM = "2023-06-15-iran-cuba-memorandum-of-understanding"
DOCUMENTS = "2023-06-15-iran-cuba-cooperation-documents"
VENEZUELA = "2023-06-iran-venezuela-agreements"
FOREIGN_MINISTER = "cuba-foreign-minister-2023"
BOOLEAN = "Input should be a valid boolean, unable to interpret input"


def stated(claims: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Each claim as (value, rank, qualifiers, its sources), in a stable order."""
    return sorted(
        (
            (
                json.dumps(c["value"]),
                c["rank"],
                c["qualifiers"],
                tuple(sorted(x["source"]["id"] for x in c["citations"])),
            )
            for c in claims
        ),
        key=repr,
    )


def test_the_memorandum_count_is_disputed_one_against_two(client: TestClient) -> None:
    memorandum = client.get(f"/v1/agreements/{MEMORANDUM}").json()
    assert memorandum["count"] == 1  # the seed article's number stays the record's own
    assert memorandum["disputed"] == ["count"]
    assert sorted(memorandum["claims"]) == ["count", "topics"]
    assert stated(memorandum["claims"]["count"]) == [
        ("1", "normal", None, ("tdi-2023-06-16-raisi-havana",)),
        ("2", "normal", None, ("telesur-2023-06-15-cuba-iran-six-agreements",)),
    ]
    assert all(claim["disputed"] for claim in memorandum["claims"]["count"])
    assert [c["disputed"] for c in memorandum["claims"]["topics"]] == [False]


def test_six_documents_and_six_in_all_are_different_statements(client: TestClient) -> None:
    documents = client.get(f"/v1/agreements/{DOCUMENTS}").json()
    assert documents["count"] == 6
    assert documents["disputed"] == ["count", "topics"]
    assert stated(documents["claims"]["count"]) == [
        (
            "6",
            "normal",
            None,
            ("tdi-2023-06-16-raisi-havana", "telesur-2023-06-15-cuba-iran-six-agreements"),
        ),
        (
            "6",
            "normal",
            {"includes": ["memorandum_of_understanding"]},
            (
                "efe-2023-06-16-cuba-iran-accords",
                "tehran-times-2023-06-15-iran-cuba-six-agreements",
            ),
        ),
    ]
    assert len(documents["claims"]["topics"]) == 3
    # The visit embeds its agreements with their claims, as their own details show them.
    visit = client.get("/v1/visits/2023-06-raisi-cuba").json()
    embedded = {a["id"]: a for a in visit["agreements"]}
    assert embedded[DOCUMENTS]["claims"] == documents["claims"]
    assert embedded[MEMORANDUM]["disputed"] == ["count"]
    assert (visit["claims"], visit["disputed"]) == ({}, [])


def test_more_than_twenty_agreements_is_at_least_21_not_a_count(client: TestClient) -> None:
    venezuela = client.get(f"/v1/agreements/{VENEZUELA}").json()
    assert (venezuela["count"], venezuela["disputed"]) == (None, [])
    assert stated(venezuela["claims"]["count"]) == [
        (
            "null",
            "normal",
            {"at_least": 21},
            ("efe-2023-06-16-cuba-iran-accords", "telesur-2023-06-15-cuba-iran-six-agreements"),
        )
    ]


def test_the_cuban_foreign_minister_s_name_prefers_the_fuller_spelling(
    client: TestClient,
) -> None:
    minister = client.get(f"/v1/participants/{FOREIGN_MINISTER}").json()
    assert (minister["name"], minister["disputed"], minister["external_ids"]) == (
        "Bruno Rodriguez Parrilla",
        [],
        [],
    )
    assert stated(minister["claims"]["name"]) == [
        ('"Bruno Rodriguez Parrilla"', "preferred", None, ("efe-2023-06-16-cuba-iran-accords",)),
        ('"Bruno Rodriguez"', "normal", None, ("radio-reloj-2023-06-15-iran-cuba-agenda",)),
    ]
    assert [c["rank"] for c in minister["claims"]["name"]] == ["preferred", "normal"]


@pytest.mark.parametrize(
    ("query", "total"),
    [
        ("", 11),
        ("property=count", 5),
        ("property=count&disputed=true", 4),
        ("disputed=true", 7),
        ("disputed=false", 4),
        ("rank=preferred", 1),
        ("subject_type=participant", 2),
        (f"subject={MEMORANDUM}", 3),
        ("source=telesur-2023-06-15-cuba-iran-six-agreements", 5),
        ("source=telesur-2023-06-15-cuba-iran-six-agreements&property=count", 3),
        ("subject_type=visit", 0),
    ],
)
def test_the_claims_list_filters(client: TestClient, query: str, total: int) -> None:
    listed = client.get(f"/v1/claims?{query}&limit=100").json()
    assert (listed["total"], len(listed["items"])) == (total, total)


def test_the_claims_list_counts_by_property_and_a_claim_reads_by_id(client: TestClient) -> None:
    listed = client.get("/v1/claims?facet=property,rank&subject_type=agreement").json()
    assert listed["facets"]["property"] == [
        {"value": "count", "label": "count", "count": 5},
        {"value": "topics", "label": "topics", "count": 4},
    ]
    assert listed["facets"]["rank"] == [{"value": "normal", "label": "normal", "count": 9}]
    first = listed["items"][0]
    assert client.get(f"/v1/claims/{first['id']}").json() == first


@pytest.mark.parametrize(
    ("query", "name", "message"),
    [
        (
            "/v1/claims?rank=best",
            "rank",
            "'best': Input should be 'preferred', 'normal' or 'deprecated'",
        ),
        ("/v1/claims?disputed=perhaps", "disputed", BOOLEAN),
        (
            "/v1/claims?property=Count",
            "property",
            "'Count': String should match pattern '^[a-z_]+$'",
        ),
        ("/v1/visits?disputed=perhaps", "disputed", BOOLEAN),
        (
            "/v1/meetings?cameo=999",
            "cameo",
            f"unknown CAMEO code '999'; use one of {', '.join(CAMEO)}",
        ),
        (
            "/v1/agreements?plover=VISIT",
            "plover",
            "unknown PLOVER code 'VISIT'; use one of AGREE, CONSULT, SUPPORT, CONCEDE, "
            "COOPERATE, AID, RETREAT, ACCUSE, DEMAND, REJECT, THREATEN, PROTEST, MOBILIZE, "
            "SANCTION, COERCE, ASSAULT",
        ),
        (
            "/v1/participants?external_id=wikidata:X1",
            "external_id",
            "'wikidata:X1': 'X1' is not a wikidata id",
        ),
        (
            "/v1/participants?external_id=orcid:0000",
            "external_id",
            "'orcid:0000': unknown register 'orcid'; use scheme:id with one of wikidata, viaf, "
            "history-state-gov-people",
        ),
    ],
)
def test_bad_values_are_422_problems_naming_them(
    client: TestClient, query: str, name: str, message: str
) -> None:
    answer = client.get(query)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"] == [{"name": name, "location": "query", "message": message}]


@pytest.mark.parametrize(
    ("resource", "chosen", "ids"),
    [
        ("agreements", "disputed=true", [MEMORANDUM, DOCUMENTS]),
        (
            "agreements",
            "disputed=false",
            [VENEZUELA, "2023-06-iran-cuba-joint-commission-technological-cooperation"],
        ),
        ("visits", "disputed=true", []),
        ("participants", "disputed=true", []),
        ("tours", "disputed=false", ["2023-06-raisi-latin-america"]),
        ("sources", "disputed=true", []),
        ("meetings", "cameo=057", ["2023-06-15-havana-signing-ceremony"]),
        ("meetings", "plover=SUPPORT", ["2023-06-15-havana-signing-ceremony"]),
        (
            "agreements",
            "cameo=030",
            ["2023-06-iran-cuba-joint-commission-technological-cooperation"],
        ),
        ("agreements", "plover=AGREE&disputed=true", []),
        ("visits", "cameo=043&host_country=CU", ["2023-06-raisi-cuba"]),
        ("visits", "plover=SUPPORT", []),
    ],
)
def test_lists_filter_by_disputed_and_codes(
    client: TestClient, resource: str, chosen: str, ids: list[str]
) -> None:
    listed = client.get(f"/v1/{resource}?{chosen}").json()
    assert [item["id"] for item in listed["items"]] == ids
    assert listed["total"] == len(ids)


def test_codes_follow_the_table(client: TestClient) -> None:
    visit = client.get("/v1/visits/2023-06-raisi-cuba").json()
    assert visit["codes"] == [
        {"scheme": "cameo", "code": "042", "label": "Make a visit", "mode": None},
        {"scheme": "cameo", "code": "043", "label": "Host a visit", "mode": None},
        {"scheme": "plover", "code": "CONSULT", "label": "Consult", "mode": "visit"},
    ]
    talks = client.get("/v1/meetings/2023-06-15-havana-raisi-diaz-canel-talks").json()
    assert [(c["code"], c["mode"]) for c in talks["codes"]] == [("040", None), ("CONSULT", "visit")]
    commission = client.get(
        "/v1/agreements/2023-06-iran-cuba-joint-commission-technological-cooperation"
    ).json()
    assert [c["code"] for c in commission["codes"]] == ["030", "AGREE"]


def test_codes_are_in_the_details_and_the_lists_stay_compact(client: TestClient) -> None:
    for resource in ("visits", "meetings", "agreements"):
        items = client.get(f"/v1/{resource}?limit=500").json()["items"]
        assert items
        assert all("codes" not in item and "disputed" in item for item in items)
        header = client.get(f"/v1/export/{resource}.csv").text.splitlines()[0]
        assert "codes" not in header
        assert "disputed" in header.split(",")
        detail = client.get(f"/v1/{resource}/{items[0]['id']}").json()
        assert {code["scheme"] for code in detail["codes"]} == {"cameo", "plover"}
    # A visit's embedded meetings and agreements carry theirs, as their details do.
    visit = client.get("/v1/visits/2023-06-raisi-cuba").json()
    signing = next(m for m in visit["meetings"] if m["id"] == "2023-06-15-havana-signing-ceremony")
    assert [c["code"] for c in signing["codes"]] == ["057", "SUPPORT"]
    memorandum = next(a for a in visit["agreements"] if a["id"] == MEMORANDUM)
    assert [c["code"] for c in memorandum["codes"]] == ["057", "SUPPORT"]


def test_countries_and_topics_carry_disputed_and_countries_claims(client: TestClient) -> None:
    cuba = client.get("/v1/countries/CUB").json()
    assert (cuba["code"], cuba["visits_hosted"], cuba["disputed"], cuba["claims"]) == (
        "CU",
        1,
        [],
        {},
    )
    countries = client.get("/v1/countries?has_visits=true").json()["items"]
    assert [(c["code"], c["disputed"]) for c in countries] == [
        ("CU", []),
        ("IR", []),
        ("NI", []),
        ("VE", []),
    ]
    assert client.get("/v1/countries?disputed=true").json()["total"] == 0
    assert client.get("/v1/countries?disputed=false").json()["total"] == 250
    listed = client.get("/v1/countries?disputed=false&sort=-code&limit=2").json()
    assert [c["code"] for c in listed["items"]] == ["ZW", "ZM"]
    topics = client.get("/v1/topics?limit=500").json()["items"]
    assert len(topics) == 18
    assert all(topic["disputed"] == [] for topic in topics)
    assert client.get("/v1/topics?disputed=true").json()["total"] == 0
    assert "disputed" in client.get("/v1/topics?format=csv").text.splitlines()[0].split(",")
    for resource in ("countries", "topics"):
        refused = client.get(f"/v1/{resource}?disputed=perhaps")
        assert refused.status_code == 422
        assert refused.headers["content-type"] == "application/problem+json"
        assert [e["name"] for e in refused.json()["errors"]] == ["disputed"]


# Two outlets naming one topic two ways (a made-up disagreement, for the test only).
TOPIC_CLAIMS = """
- id: energy
  name: energy
  claims:
    - property: name
      value: energy
      citations:
        - source: tdi-2023-06-16-raisi-havana
          quote: "energy"
    - property: name
      value: power generation
      citations:
        - source: telesur-2023-06-15-cuba-iran-six-agreements
          note: Names the field power generation.
"""


def test_a_topic_with_two_names_is_disputed(tmp_path: Path) -> None:
    seed = tmp_path / "seed_data"
    shutil.copytree(SEED_DIR, seed)
    topics = seed / "topics.yaml"
    text = topics.read_text().replace("- {id: energy, name: energy}\n", "")
    topics.write_text(text + TOPIC_CLAIMS)
    url = build_database(tmp_path / "visits.sqlite3", seed)
    with TestClient(create_app(Settings(database_url=url, cursor_secret="x"))) as other:
        listed = other.get("/v1/topics?disputed=true").json()
        assert [(t["id"], t["disputed"]) for t in listed["items"]] == [("energy", ["name"])]
        assert other.get("/v1/topics?disputed=false").json()["total"] == 17
        claims = other.get("/v1/claims?subject_type=topic&subject=energy").json()["items"]
        assert sorted((c["value"], c["disputed"]) for c in claims) == [
            ("energy", True),
            ("power generation", True),
        ]


def _versions(claims: dict[str, list[dict[str, Any]]]) -> dict[str, list[tuple[Any, ...]]]:
    """Each property's claims as (value, rank, disputed, their sources)."""
    return {
        name: [
            (c["value"], c["rank"], c["disputed"], [x["source"]["id"] for x in c["citations"]])
            for c in found
        ]
        for name, found in claims.items()
    }


TITLES = {
    "title": [
        ("President of Iran", "normal", True, ["efe-2023-06-16-cuba-iran-accords"]),
        ("President", "normal", True, ["tdi-2023-06-16-raisi-havana"]),
    ]
}
WORDS = {
    "text": [
        (
            "He stressed the strategic collaborations in sustainable fields between both "
            "countries.",
            "normal",
            True,
            ["tdi-2023-06-16-raisi-havana"],
        ),
        (
            "He stressed lasting cooperation between both countries.",
            "normal",
            True,
            ["efe-2023-06-16-cuba-iran-accords"],
        ),
    ]
}


def test_participations_and_statements_carry_their_claims(tmp_path: Path) -> None:
    with (
        database_of(seed_with_parts_claimed(tmp_path / "seed"), tmp_path) as url,
        TestClient(create_app(Settings(database_url=url, cursor_secret="x"))) as other,
    ):
        visit = other.get("/v1/visits/2023-06-raisi-cuba").json()
        meeting = other.get(f"/v1/meetings/{BUSINESS_MEETING}").json()
        for detail in (visit, meeting):
            parts = {p["id"]: p for p in detail["participants"]}
            assert parts[RAISI_THERE]["title"] == "President"
            assert parts[RAISI_THERE]["disputed"] == ["title"]
            assert _versions(parts[RAISI_THERE]["claims"]) == TITLES
            said = {s["id"]: s for s in detail["statements"]}
            assert said[COLLABORATIONS]["disputed"] == ["text"]
            assert _versions(said[COLLABORATIONS]["claims"]) == WORDS
            # The other parts: nothing claimed, nothing disputed.
            assert {p["id"] for p in parts.values() if p["disputed"] or p["claims"]} == {
                RAISI_THERE
            }
            assert {s["id"] for s in said.values() if s["disputed"] or s["claims"]} == {
                COLLABORATIONS
            }
        on_its_own = other.get(f"/v1/statements/{COLLABORATIONS}").json()
        assert on_its_own["disputed"] == ["text"]
        assert _versions(on_its_own["claims"]) == WORDS
        assert list(on_its_own)[-3:] == ["claims", "created_at", "updated_at"]
        listed = other.get("/v1/statements?disputed=true").json()
        assert [(s["id"], s["disputed"]) for s in listed["items"]] == [(COLLABORATIONS, ["text"])]
        assert "claims" not in listed["items"][0]  # a list item stays compact
        assert other.get("/v1/statements?disputed=false").json()["total"] == 10
        assert other.get("/v1/statements?disputed=maybe").status_code == 422
        # The participant's own detail lists the part with its claims too.
        raisi = other.get("/v1/participants/ebrahim-raisi").json()
        (there,) = [p for p in raisi["participations"] if p["id"] == RAISI_THERE]
        assert _versions(there["claims"]) == TITLES
        claims = other.get("/v1/claims?subject_type=statement&disputed=true").json()
        assert claims["total"] == 2


def test_the_seed_s_statements_are_not_disputed(client: TestClient) -> None:
    listed = client.get("/v1/statements?disputed=false").json()
    assert listed["total"] == client.get("/v1/statements").json()["total"] == 11
    assert {tuple(s["disputed"]) for s in listed["items"]} == {()}
    assert client.get("/v1/statements?disputed=true").json()["total"] == 0
    detail = client.get("/v1/statements/2023-06-raisi-praises-cuban-biotechnology").json()
    assert (detail["disputed"], detail["claims"]) == ([], {})


def test_exports_carry_claims_and_the_disputed_column(client: TestClient) -> None:
    claims = list(
        csv.DictReader(io.StringIO(client.get("/v1/export/claims.csv").text.lstrip("\ufeff")))
    )
    assert len(claims) == 11
    at_least = [row for row in claims if row["qualifiers.at_least"]]
    assert [(r["subject.id"], r["value"], r["qualifiers.at_least"]) for r in at_least] == [
        (VENEZUELA, "", "21")
    ]
    agreements = csv.DictReader(
        io.StringIO(client.get("/v1/export/agreements.csv").text.lstrip("\ufeff"))
    )
    assert {row["id"]: row["disputed"] for row in agreements} == {
        MEMORANDUM: "count",
        DOCUMENTS: "count; topics",
        VENEZUELA: "",
        "2023-06-iran-cuba-joint-commission-technological-cooperation": "",
    }
    lines = client.get("/v1/export/claims.ndjson").text.splitlines()
    assert sorted(json.loads(line)["id"] for line in lines) == sorted(r["id"] for r in claims)


# PLOVER's event record fields, as its manual's table "PLOVER JSON" lists them
# (github.com/openeventdata/PLOVER, PLOVER_MANUAL.tex), and those it requires.
PLOVER_JSON = (
    "id", "has_event", "date", "time", "enddate", "endtime", "source", "recipient", "event",
    "event_loc", "event_text", "quad_code", "event_scale", "mode", "context", "link", "text",
    "text_info", "cite_info", "coder", "coded_date", "coded_time", "comment",
)  # fmt: skip
PLOVER_REQUIRED = ("id", "date", "source", "event")
DATED_EVENTS = [
    "visit:2023-06-raisi-cuba",
    "visit:2023-06-raisi-nicaragua",
    "visit:2023-06-raisi-venezuela",
    "meeting:2023-06-14-havana-airport-arrival",
    "meeting:2023-06-15-havana-raisi-diaz-canel-talks",
    "meeting:2023-06-15-havana-signing-ceremony",
    f"agreement:{DOCUMENTS}",
    f"agreement:{MEMORANDUM}",
]
# No source gives these a day: the article's Havana meetings after the talks, the other
# outlets' meetings in Caracas and Managua, the Tehran Times' welcome, the agreed joint
# commission and the Venezuela agreements.
UNDATED_EVENTS = [
    "meeting:2023-06-havana-business-meeting",
    "meeting:2023-06-havana-cigb-visit",
    "meeting:2023-06-havana-raisi-raul-castro-meeting",
    "meeting:2023-06-havana-welcoming-ceremony",
    "meeting:2023-06-raisi-jorge-rodriguez-meeting",
    "meeting:2023-06-raisi-maduro-talks",
    "meeting:2023-06-raisi-ortega-talks",
    "agreement:2023-06-iran-cuba-joint-commission-technological-cooperation",
    f"agreement:{VENEZUELA}",
]
PLOVER_ACTOR = (
    "code", "sector", "actor_text", "identifier_id", "identifier_text", "actor_loc",
    "religion", "ethnicity", "office", "gender", "age",
)  # fmt: skip
PLOVER_CITATION = (
    "corpus", "citation", "url", "title", "language", "publication", "license", "copyright",
    "coder", "codebook", "version",
)  # fmt: skip
GEONAMES_LOCATION = ("name", "latitude", "longitude", "country code", "cc3")


def test_events_are_plover_records(client: TestClient) -> None:
    answer = client.get("/v1/export/events.ndjson")
    assert answer.headers["content-type"] == "application/x-ndjson"
    events = [json.loads(line) for line in answer.text.splitlines()]
    assert set(PLOVER_FIELDS) <= set(PLOVER_JSON)
    # Of 3 visits, 10 meetings (none a press conference) and 4 agreements, those a source
    # dates: PLOVER requires a date, and none is guessed.
    assert [event["id"] for event in events] == DATED_EVENTS
    assert answer.headers["X-Undated-Count"] == str(len(UNDATED_EVENTS))
    for event in events:
        assert list(event) == [*PLOVER_FIELDS, *OWN_FIELDS]
        assert all(event[field] not in (None, []) for field in PLOVER_REQUIRED)
        assert date.fromisoformat(event["date"]).isoformat() == event["date"]
        for actor in event["source"] + event["recipient"]:
            assert set(actor) <= set(PLOVER_ACTOR)
        assert set(event["event_loc"]) <= set(GEONAMES_LOCATION)
        assert event["cite_info"] is None or set(event["cite_info"]) <= set(PLOVER_CITATION)
    havana = next(e for e in events if e["id"] == "visit:2023-06-raisi-cuba")
    assert {key: havana[key] for key in PLOVER_FIELDS[:8]} == {
        "id": "visit:2023-06-raisi-cuba",
        "date": "2023-06-14",
        "enddate": "2023-06-15",
        "source": [{"code": "IRN", "actor_text": "Ebrahim Raisi", "identifier_id": None}],
        "recipient": [{"code": "CUB", "actor_text": "Cuba"}],
        "event": ["CONSULT"],
        "mode": ["visit"],
        "context": ["diplomatic"],
    }
    assert havana["event_loc"]["cc3"] == "CUB"
    assert havana["cameo"] == ["042", "043"]
    signed = next(e for e in events if e["id"] == f"agreement:{MEMORANDUM}")
    assert (signed["event"], signed["mode"], signed["cameo"]) == (["SUPPORT"], [], ["057"])
    assert signed["event_loc"]["name"] == "Havana"


def test_the_events_left_out_are_the_records_no_source_dates(client: TestClient) -> None:
    undated = []
    for name, kind, field in (
        ("visits", "visit", "start_date"),
        ("meetings", "meeting", "date"),
        ("agreements", "agreement", "signed_on"),
    ):
        lines = client.get(f"/v1/export/{name}.ndjson").text.splitlines()
        undated += [f"{kind}:{r['id']}" for r in map(json.loads, lines) if r[field] is None]
    assert sorted(undated) == sorted(UNDATED_EVENTS)
    head = client.head("/v1/export/events.ndjson")
    assert (head.status_code, head.headers["X-Undated-Count"]) == (200, "9")


@pytest.fixture
def seeded_reader(database_url: str) -> Iterator[Reader]:
    reader = open_reader(database_url, 60_000)
    yield reader
    reader.close()


def test_the_list_entries_and_the_documents_say_the_same_of_disputes(
    seeded_reader: Reader,
) -> None:
    # The lists' rule in SQL and the documents' in Python, on every claim of the seed.
    rows = seeded_reader.rows(
        "SELECT subject_type, subject_id, property, value, rank, qualifiers FROM claim"
    )
    by_subject: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        by_subject.setdefault((row["subject_type"], row["subject_id"]), []).append(
            {
                "property": row["property"],
                "value": json.loads(row["value"]),
                "rank": row["rank"],
                "qualifiers": None if row["qualifiers"] is None else json.loads(row["qualifiers"]),
            }
        )
    in_python = {
        (subject, record, name)
        for (subject, record), claims in by_subject.items()
        for name in disputed(claims)
    }
    in_sql = {
        (row["subject_type"], row["subject_id"], row["property"])
        for row in seeded_reader.rows(DISPUTED_SQL)
    }
    assert (
        in_sql
        == in_python
        == {
            ("agreement", DOCUMENTS, "count"),
            ("agreement", DOCUMENTS, "topics"),
            ("agreement", MEMORANDUM, "count"),
        }
    )
