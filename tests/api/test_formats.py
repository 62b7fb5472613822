"""CSV and NDJSON on every list: the same records as the JSON, flat and spreadsheet-ready."""

import csv
import io
import json
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from app.api.formats import csv_lines, ndjson_lines
from app.tabular import csv_layout

LISTS = [
    "/v1/visits",
    "/v1/meetings",
    "/v1/agreements",
    "/v1/participants",
    "/v1/tours",
    "/v1/countries?has_visits=true",
    "/v1/topics",
    "/v1/sources",
    "/v1/search?q=havana",
    "/v1/visits/2023-06-raisi-cuba/meetings",
    "/v1/visits/2023-06-raisi-cuba/agreements",
    "/v1/visits/2023-06-raisi-cuba/participants",
    "/v1/deletions?since=2000-01-01",
]


def with_query(path: str, query: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{query}"


def read_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")  # spreadsheets then read the file as UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def flat(value: Any) -> str:
    if value is None:
        return ""
    return str(value)


@pytest.mark.parametrize("path", LISTS)
def test_csv_rows_match_the_json(client: TestClient, path: str) -> None:
    as_json = client.get(path).json()
    response = client.get(with_query(path, "format=csv"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["x-total-count"] == str(as_json["total"])
    assert "\r\n" in response.text or as_json["total"] == 0  # RFC 4180 line breaks
    rows = read_csv(response.text)
    assert len(rows) == len(as_json["items"]) == min(as_json["total"], 50)
    for row, item in zip(rows, as_json["items"], strict=True):
        for key, value in item.items():
            if isinstance(value, dict | list):
                continue
            assert row[key] == flat(value), (path, key)


def test_csv_flattens_nested_values_readably(client: TestClient) -> None:
    rows = read_csv(client.get("/v1/visits?host_country=CU&format=csv").text)
    (cuba,) = rows
    assert cuba["visitor.id"] == "ebrahim-raisi"
    assert cuba["visitor.name"] == "Ebrahim Raisi"
    assert cuba["host_country.code"] == "CU"
    assert cuba["host_country.name"] == "Cuba"
    assert cuba["topics.id"] == (
        "biotechnology; energy; medicine; mining; nanotechnology; power-plant-construction; "
        "technology"
    )
    assert next(iter(cuba)) == "id"
    assert list(cuba)[-2:] == ["created_at", "updated_at"]
    tours = read_csv(client.get("/v1/tours?format=csv").text)
    assert tours[0]["legs.host_country.code"] == "VE; NI; CU"
    assert tours[0]["legs.city"] == "Caracas; Managua; Havana"


def test_csv_keeps_accents_quotes_and_commas(client: TestClient) -> None:
    text = client.get("/v1/participants?q=raul&format=csv").text
    (castro,) = read_csv(text)
    assert castro["aliases"] == "Raúl Castro"
    meetings = read_csv(client.get("/v1/meetings?kind=business_forum&format=csv").text)
    assert meetings[0]["summary"] == (
        "Raisi said the Joint Economic Commissions of Iran and Cuba should cooperate in "
        "nanotechnology, biotechnology, mining and power plant construction."
    )


def test_empty_csv_still_has_its_header(client: TestClient) -> None:
    text = client.get("/v1/visits?host_country=US&format=csv").text
    assert text.startswith("\ufeffid,tour_id,leg,visitor.id,")
    assert read_csv(text) == []


@pytest.mark.parametrize("path", LISTS)
def test_ndjson_is_one_json_item_per_line(client: TestClient, path: str) -> None:
    as_json = client.get(path).json()
    response = client.get(with_query(path, "format=ndjson"))
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = response.text.splitlines()
    assert [json.loads(line) for line in lines] == as_json["items"]


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/csv", "text/csv; charset=utf-8"),
        ("application/x-ndjson", "application/x-ndjson"),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        ("", "application/json"),
        ("text/html, text/csv;q=0.5", "text/csv; charset=utf-8"),
        ("text/csv;q=0.2, application/json;q=0.9", "application/json"),
        ("text/*", "text/csv; charset=utf-8"),
    ],
)
def test_accept_header_chooses_the_format(client: TestClient, accept: str, media_type: str) -> None:
    response = client.get("/v1/visits", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/v1/visits", {"Accept": "application/xml"}),
        ("/v1/visits", {"Accept": "text/csv;q=0"}),
        ("/v1/visits/2023-06-raisi-cuba", {"Accept": "text/csv"}),
        ("/v1", {"Accept": "application/x-ndjson"}),
    ],
)
def test_what_is_not_offered_is_406(client: TestClient, path: str, headers: dict[str, str]) -> None:
    response = client.get(path, headers=headers)
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Not acceptable"


def test_format_parameter_wins_and_is_validated(client: TestClient) -> None:
    response = client.get("/v1/visits?format=csv", headers={"Accept": "application/json"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    bad = client.get("/v1/visits?format=xml")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["name"] == "format"


def test_csv_pages_follow_the_link(client: TestClient) -> None:
    first = client.get("/v1/visits?format=csv&limit=2")
    assert len(read_csv(first.text)) == 2
    link = first.headers["link"]
    second = client.get(link[1 : link.index(">")])
    assert [r["id"] for r in read_csv(second.text)] == ["2023-06-raisi-venezuela"]


# Flattening, record by record: exact text for the awkward cases (the output of the CSV
# export before its columns were compiled, kept byte for byte).


class Country(BaseModel):
    code: str
    name: str | None


class Person(BaseModel):
    id: str
    name: str | None
    country: Country | None


class Leg(BaseModel):
    city: str | None
    host: Country | None
    tags: list[str]


class Record(BaseModel):
    created_at: str
    id: str
    visitor: Person | None
    count: int | None
    share: float | None
    active: bool | None
    day: date | None
    notes: str | None
    legs: list[Leg] | None
    updated_at: str


RECORD_HEADER = (
    "\ufeffid,visitor.id,visitor.name,visitor.country.code,visitor.country.name,count,share,"
    "active,day,notes,legs.city,legs.host.code,legs.host.name,legs.tags,created_at,updated_at\r\n"
)


def as_csv(items: list[dict[str, Any]], header: bool = True) -> str:
    return "".join(csv_lines(items, Record, header=header))


def test_csv_quotes_joins_and_writes_every_kind_of_value() -> None:
    full = {
        "created_at": "2023-06-01T00:00:00Z",
        "id": "a",
        "visitor": {
            "id": "miguel-diaz-canel",
            "name": "Miguel Díaz-Canel",
            "country": {"code": "CU", "name": "Cuba"},
        },
        "count": 3,
        "share": -1.5e-07,
        "active": True,
        "day": date(2023, 6, 14),
        "notes": 'He said "yes", then left;\r\nnext line',
        "legs": [
            {"city": "Caracas, DC", "host": {"code": "VE", "name": "Venezuela"}, "tags": ["oil"]},
            {"city": "Havana", "host": {"code": "CU", "name": "Cuba"}, "tags": ["gas", "sugar"]},
        ],
        "updated_at": "2023-06-02T00:00:00Z",
    }
    assert as_csv([full]) == RECORD_HEADER + (
        "a,miguel-diaz-canel,Miguel Díaz-Canel,CU,Cuba,3,-1.5e-07,true,2023-06-14,"
        '"He said ""yes"", then left;\r\nnext line","Caracas, DC; Havana",VE; CU,'
        "Venezuela; Cuba,oil; gas; sugar,2023-06-01T00:00:00Z,2023-06-02T00:00:00Z\r\n"
    )


def test_csv_leaves_nulls_and_empty_lists_empty() -> None:
    empty = {
        "created_at": "2023-06-01T00:00:00Z",
        "id": "b",
        "visitor": None,
        "count": 0,
        "share": 0.0,
        "active": False,
        "day": None,
        "notes": "",
        "legs": None,
        "updated_at": "2023-06-02T00:00:00Z",
    }
    no_legs = {**empty, "id": "c", "visitor": {"id": "x", "name": None, "country": None}}
    no_legs["legs"] = []
    assert as_csv([empty, no_legs, {"id": "missing-keys"}]) == RECORD_HEADER + (
        "b,,,,,0,0.0,false,,,,,,,2023-06-01T00:00:00Z,2023-06-02T00:00:00Z\r\n"
        "c,x,,,,0,0.0,false,,,,,,,2023-06-01T00:00:00Z,2023-06-02T00:00:00Z\r\n"
        "missing-keys,,,,,,,,,,,,,,,\r\n"
    )


def test_csv_lists_skip_null_records_and_keep_null_values() -> None:
    legs = [
        {"city": None, "host": None, "tags": ["a;b", "ü"]},
        None,
        {"city": "Managua 🇳🇮", "host": {"code": "NI", "name": None}, "tags": []},
    ]
    # A null record adds nothing to a column, a null value adds an empty text: columns of
    # one list need not line up when records are missing.
    assert as_csv([{"id": "d", "legs": legs}], header=False) == (
        "d,,,,,,,,,,; Managua 🇳🇮,NI,,a;b; ü,,\r\n"
    )


class Aliased(BaseModel):
    id: str
    aliases: list[str]


class Named(BaseModel):
    id: str
    aliases: list[str]
    successor: Aliased | None


def test_csv_writes_every_value_of_a_list_outside_lists() -> None:
    item = {
        "id": "ahmed-dolehi",
        "aliases": ["A. Dolehi", "Ahmed Dolehee"],
        "successor": {"id": "x", "aliases": ["X", "Ex, the second"]},
    }
    assert "".join(csv_lines([item], Named)) == (
        "\ufeffid,aliases,successor.id,successor.aliases\r\n"
        'ahmed-dolehi,A. Dolehi; Ahmed Dolehee,x,"X; Ex, the second"\r\n'
    )


def test_csv_layout_is_compiled_once_per_model() -> None:
    assert csv_layout(Record) is csv_layout(Record)
    assert csv_layout(Record).header == tuple(RECORD_HEADER[1:-2].split(","))


def test_csv_refuses_a_list_inside_a_list() -> None:
    class Stop(BaseModel):
        legs: list[Leg]

    class Itinerary(BaseModel):
        stops: list[Stop]

    with pytest.raises(TypeError, match=r"stops\.legs"):
        csv_layout(Itinerary)


def test_ndjson_is_one_compact_document_a_line() -> None:
    lines = ndjson_lines([{"id": "a", "note": "é\n", "legs": []}, {"id": "b", "share": None}])
    assert b"".join(lines) == (
        b'{"id":"a","note":"\xc3\xa9\\n","legs":[]}\n{"id":"b","share":null}\n'
    )
