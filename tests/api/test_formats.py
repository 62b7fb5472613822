"""CSV and NDJSON on every list: the same records as the JSON, flat and spreadsheet-ready."""

import csv
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

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
