"""`/v1/citations`, and the sources of every record in its CSV (`source_ids`), on the seed."""

import csv
import io
import json
from typing import Any, get_args

import pytest
import yaml
from fastapi.testclient import TestClient

from app.models.citation import CITED_COLUMNS, CitedType
from app.queries.citing import CITED
from tests.support import ARTICLE, SEED_DIR

TDI = "tdi-2023-06-16-raisi-havana"
EFE = "efe-2023-06-16-cuba-iran-accords"
TEHRAN_TIMES = "tehran-times-2023-06-15-iran-cuba-six-agreements"
TELESUR = "telesur-2023-06-15-cuba-iran-six-agreements"
RADIO_RELOJ = "radio-reloj-2023-06-15-iran-cuba-agenda"
RMOL = "rmol-2023-06-15-raisi-havana"
ACN = "acn-2023-06-12-raisi-official-visit"
TALKS = "2023-06-15-havana-raisi-diaz-canel-talks"


def seed_citations() -> int:
    """How many citations the seed files make, counted from the YAML: every `citations`
    entry, one per statement (its source and its words), and the visits' citations once
    more for the visitor's own part in each visit."""
    counted = 0

    def walk(node: Any, key: str | None) -> None:
        nonlocal counted
        if isinstance(node, dict):
            if key == "statements":
                counted += 1
            for name, value in node.items():
                if name == "citations":
                    counted += len(value)
                walk(value, name if isinstance(value, list) else None)
        elif isinstance(node, list):
            for value in node:
                walk(value, key)

    for path in [*sorted((SEED_DIR / "tours").glob("*.yaml")), SEED_DIR / "participants.yaml"]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        walk(data, None)
        if isinstance(data, dict):
            counted += sum(len(visit.get("citations", [])) for visit in data.get("visits", []))
    return counted


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_every_citation_of_the_seed_is_listed(client: TestClient) -> None:
    assert seed_citations() == 101
    body = client.get("/v1/citations?limit=500&facet=kind,record_type,source").json()
    assert body["total"] == 101
    assert len(body["items"]) == 101
    counts = {
        name: [(f["value"], f["count"]) for f in values] for name, values in body["facets"].items()
    }
    assert counts == {
        "kind": [("note", 58), ("quote", 43)],
        "record_type": [
            ("participation", 40),
            ("meeting", 15),
            ("claim", 14),
            ("statement", 11),
            ("visit", 10),
            ("agreement", 7),
            ("tour", 4),
        ],
        "source": [
            (TDI, 43),
            (TELESUR, 19),
            (EFE, 13),
            (TEHRAN_TIMES, 11),
            (RADIO_RELOJ, 6),
            (RMOL, 6),
            (ACN, 3),
        ],
    }
    for item in body["items"]:
        assert item["kind"] == ("quote" if item["quote"] is not None else "note")
        if item["quote"] is not None:
            assert item["source"]["id"] == TDI
            assert item["quote"] in ARTICLE  # the source's words, verbatim


def test_a_citation_names_its_record_and_source(client: TestClient) -> None:
    citation = client.get(f"/v1/citations/meeting:{TALKS}:a066d7f316").json()
    assert citation["record"] == {"type": "meeting", "id": TALKS}
    assert citation["source"]["id"] == TDI
    assert (citation["kind"], citation["note"]) == ("quote", None)
    assert citation["quote"] == (
        "President Raisi met with his Cuban counterpart, Miguel Diaz-Canel, at the Palace of "
        "the Revolution in Havana on June 15. The two leaders explored various ways and means "
        "to foster their bilateral relations."
    )
    # The meeting's detail embeds the same citation.
    meeting = client.get(f"/v1/meetings/{TALKS}").json()
    assert [c["id"] for c in meeting["citations"]] == [citation["id"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"record={TALKS}", [f"meeting:{TALKS}:a066d7f316"]),
        (
            f"source={ACN}",
            [
                "participation:2023-06-raisi-cuba--ebrahim-raisi:ddfd408f72",
                "tour:2023-06-raisi-latin-america:ddfd408f72",
                "visit:2023-06-raisi-cuba:ddfd408f72",
            ],
        ),
        (
            "record_type=tour&sort=-id",
            [
                "tour:2023-06-raisi-latin-america:ddfd408f72",
                "tour:2023-06-raisi-latin-america:c49bdd509f",
                "tour:2023-06-raisi-latin-america:9b55895694",
                "tour:2023-06-raisi-latin-america:6385320023",
            ],
        ),
        (
            f"record_type=visit&kind=quote&source={TDI}&limit=2",
            [
                "visit:2023-06-raisi-cuba:6385320023",
                "visit:2023-06-raisi-nicaragua:6385320023",
            ],
        ),
        ("record_type=event_code", []),
    ],
)
def test_citations_are_filtered(client: TestClient, query: str, expected: list[str]) -> None:
    assert ids(client.get(f"/v1/citations?{query}")) == expected


def test_totals_by_filter(client: TestClient) -> None:
    totals = {
        query: client.get(f"/v1/citations?{query}").json()["total"]
        for query in ("kind=quote&record_type=statement", f"source={TDI}", "record_type=claim")
    }
    assert totals == {
        "kind=quote&record_type=statement": 11,
        f"source={TDI}": 43,
        "record_type=claim": 14,
    }


def test_citations_as_csv_and_export(client: TestClient) -> None:
    response = client.get(f"/v1/citations?record={TALKS}&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"), newline="")))
    assert list(rows[0]) == [
        "id",
        "record.type",
        "record.id",
        "source.id",
        "source.title",
        "source.publisher",
        "source.url",
        "kind",
        "quote",
        "note",
        "created_at",
        "updated_at",
    ]
    assert [(r["record.type"], r["record.id"], r["source.id"], r["kind"]) for r in rows] == [
        ("meeting", TALKS, TDI, "quote")
    ]
    exported = client.get(f"/v1/export/citations.csv?record={TALKS}")
    assert exported.text == response.text
    lines = client.get("/v1/export/citations.ndjson?record_type=tour").text.splitlines()
    assert [json.loads(line)["record"]["type"] for line in lines] == ["tour"] * 4


@pytest.mark.parametrize("path", ["/v1/citations", "/v1/export/citations.ndjson"])
@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("kind=direct_quote", "kind"),
        ("record_type=country", "record_type"),
        ("source=no%20such%20id", "source"),
        ("q=havana", "q"),  # citations are not searched by words
        ("sort=-date", "sort"),
    ],
)
def test_bad_values_are_problems_naming_the_parameter(
    client: TestClient, path: str, query: str, named: str
) -> None:
    response = client.get(f"{path}?{query}")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert named in [error["name"] for error in response.json()["errors"]]


def _source_ids(client: TestClient, path: str) -> dict[str, str]:
    text = client.get(path).text.removeprefix("\ufeff")
    return {row["id"]: row["source_ids"] for row in csv.DictReader(io.StringIO(text, newline=""))}


def test_the_records_csvs_carry_their_sources(client: TestClient) -> None:
    # A record's sources: its own citations' and its claims'; a participant's, those of its
    # parts and external ids. Joined by "; ", sorted.
    assert _source_ids(client, "/v1/visits?format=csv") == {
        "2023-06-raisi-cuba": f"{ACN}; {EFE}; {RADIO_RELOJ}; {TDI}",
        "2023-06-raisi-nicaragua": f"{RMOL}; {TDI}; {TELESUR}",
        "2023-06-raisi-venezuela": f"{RMOL}; {TDI}; {TELESUR}",
    }
    assert _source_ids(client, "/v1/export/tours.csv") == {
        "2023-06-raisi-latin-america": f"{ACN}; {TDI}; {TEHRAN_TIMES}"
    }
    assert _source_ids(client, "/v1/export/agreements.csv") == {
        "2023-06-15-iran-cuba-memorandum-of-understanding": f"{EFE}; {TDI}; {TELESUR}",
        "2023-06-15-iran-cuba-cooperation-documents": f"{EFE}; {TDI}; {TEHRAN_TIMES}; {TELESUR}",
        "2023-06-iran-venezuela-agreements": f"{EFE}; {TELESUR}",
        "2023-06-iran-cuba-joint-commission-technological-cooperation": TDI,
    }
    meetings = _source_ids(client, "/v1/export/meetings.csv")
    assert len(meetings) == 10
    assert meetings["2023-06-14-havana-airport-arrival"] == f"{EFE}; {RADIO_RELOJ}; {RMOL}"
    assert meetings["2023-06-havana-business-meeting"] == f"{EFE}; {TDI}"
    assert meetings[TALKS] == TDI
    participants = _source_ids(client, "/v1/participants?format=csv&limit=100")
    assert participants["ebrahim-raisi"] == "; ".join(
        [ACN, EFE, RADIO_RELOJ, RMOL, TDI, TEHRAN_TIMES, TELESUR]
    )
    # The name's claims cite EFE, which no part of the minister's cites.
    assert participants["cuba-foreign-minister-2023"] == f"{EFE}; {RADIO_RELOJ}; {TDI}"
    assert participants["nicolas-maduro"] == TELESUR
    # JSON carries the same list.
    visit = client.get("/v1/visits/2023-06-raisi-venezuela").json()
    assert visit["source_ids"] == [RMOL, TDI, TELESUR]


def test_the_record_types_are_the_cited_columns() -> None:
    assert get_args(CitedType) == tuple(c.removesuffix("_id") for c in CITED_COLUMNS)


def test_responses_embed_the_citations_of_every_record_type_but_event_codes() -> None:
    # An event-code override is embedded as its code alone; its citations are listed here.
    assert list(CITED) == [t for t in get_args(CitedType) if t != "event_code"]
    assert all(column == f"{kind}_id" for kind, column in CITED.items())


def test_a_citation_keeps_its_keys_in_order_listed_and_embedded(client: TestClient) -> None:
    # The two models share their common fields' definitions, each model in its own order.
    citation = client.get(f"/v1/citations/meeting:{TALKS}:a066d7f316").json()
    assert list(citation) == [
        "id", "record", "source", "kind", "quote", "note", "created_at", "updated_at"
    ]  # fmt: skip
    assert list(client.get(f"/v1/meetings/{TALKS}").json()["citations"][0]) == [
        "id", "source", "quote", "note"
    ]  # fmt: skip
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert list(schemas["CitationItem"]["properties"]) == [
        "created_at", "updated_at", "id", "record", "source", "kind", "quote", "note"
    ]  # fmt: skip
    assert list(schemas["CitationPublic"]["properties"]) == ["id", "source", "quote", "note"]
    embedded = schemas["CitationPublic"]["properties"]
    assert {name: schemas["CitationItem"]["properties"][name] for name in embedded} == embedded
