"""`/v1/visits`: lists, filters, paging, the embedded detail and the visit's parts."""

import csv
import gzip
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.queries import visits

CUBA = "2023-06-raisi-cuba"
ALL_VISITS = ["2023-06-raisi-cuba", "2023-06-raisi-nicaragua", "2023-06-raisi-venezuela"]


def ids(body: dict[str, Any]) -> list[str]:
    return [item["id"] for item in body["items"]]


def test_list_is_compact_and_newest_first(client: TestClient) -> None:
    response = client.get("/v1/visits")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert ids(body) == ALL_VISITS
    assert body["total"] == 3
    assert body["next_cursor"] is None
    assert "Link" not in response.headers
    cuba = body["items"][0]
    assert cuba["visitor"] == {
        "id": "ebrahim-raisi",
        "name": "Ebrahim Raisi",
        "country": {"code": "IR", "name": "Iran"},
    }
    assert cuba["host_country"] == {"code": "CU", "name": "Cuba"}
    assert cuba["visitor_country"] == {"code": "IR", "name": "Iran"}
    assert (cuba["tour_id"], cuba["leg"], cuba["city"], cuba["kind"]) == (
        "2023-06-raisi-latin-america",
        3,
        "Havana",
        "official",
    )
    assert (cuba["start_date"], cuba["end_date"]) == ("2023-06-14", "2023-06-15")
    assert [t["id"] for t in cuba["topics"]] == [
        "biotechnology",
        "energy",
        "medicine",
        "mining",
        "nanotechnology",
        "power-plant-construction",
        "technology",
    ]
    assert "meetings" not in cuba
    assert cuba["created_at"].endswith("Z")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("host_country=CU", [CUBA]),
        ("host_country=cub", [CUBA]),
        ("host_country=ve", ["2023-06-raisi-venezuela"]),
        ("visitor_country=IRN", ALL_VISITS),
        ("visitor_country=US", []),
        ("country=NI", ["2023-06-raisi-nicaragua"]),
        ("country=ir&host_country=cu", [CUBA]),
        ("participant=miguel-diaz-canel", [CUBA]),
        ("participant=ebrahim-raisi", ALL_VISITS),
        ("participant=nobody", []),
        ("tour=2023-06-raisi-latin-america", ALL_VISITS),
        ("topic=nanotechnology", [CUBA]),
        ("kind=official", [CUBA]),
        ("from=2023-06-13&to=2023-06-13", ["2023-06-raisi-nicaragua"]),
        ("from=2023-06-15", [CUBA]),
        ("to=2023-06-12", ["2023-06-raisi-venezuela"]),
        ("from=2023-06-16", []),
        ("q=havana", [CUBA]),
        ("q=diaz%20canel", [CUBA]),
        ("q=D%C3%8DAZ-CANEL", [CUBA]),
        ("q=Ra%C3%BAl", [CUBA]),
        # A report cited on both visits says the tour "went first to Caracas, then Managua".
        ("q=caracas", ["2023-06-raisi-nicaragua", "2023-06-raisi-venezuela"]),
        ("q=biotech&host_country=VE", []),
        ("sort=start_date", list(reversed(ALL_VISITS))),
        ("sort=id", ["2023-06-raisi-cuba", "2023-06-raisi-nicaragua", "2023-06-raisi-venezuela"]),
        ("sort=-id", ["2023-06-raisi-venezuela", "2023-06-raisi-nicaragua", "2023-06-raisi-cuba"]),
        # Null end dates sort first ascending and last descending.
        ("sort=end_date", ["2023-06-raisi-nicaragua", "2023-06-raisi-venezuela", CUBA]),
        ("sort=-end_date", [CUBA, "2023-06-raisi-venezuela", "2023-06-raisi-nicaragua"]),
    ],
)
def test_filters_compose(client: TestClient, query: str, expected: list[str]) -> None:
    response = client.get(f"/v1/visits?{query}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert ids(body) == expected
    assert body["total"] == len(expected)


@pytest.mark.parametrize(
    "sort", ["start_date", "-start_date", "end_date", "-end_date", "id", "-id"]
)
def test_walking_pages_of_one_returns_every_visit_once(client: TestClient, sort: str) -> None:
    everything = ids(client.get(f"/v1/visits?sort={sort}").json())
    seen: list[str] = []
    url: str | None = f"/v1/visits?sort={sort}&limit=1"
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["total"] == 3
        seen += ids(body)
        link = response.headers.get("Link")
        if body["next_cursor"] is None:
            assert link is None
            url = None
        else:
            assert link is not None
            assert link.endswith('>; rel="next"')
            url = link[1 : link.index(">")]
            assert f"cursor={body['next_cursor']}" in url
    assert seen == everything


def test_cursor_keeps_the_other_filters(client: TestClient) -> None:
    first = client.get("/v1/visits?visitor_country=IR&limit=2").json()
    second = client.get(f"/v1/visits?visitor_country=IR&limit=2&cursor={first['next_cursor']}")
    assert ids(second.json()) == ["2023-06-raisi-venezuela"]
    other = client.get(f"/v1/visits?visitor_country=CU&limit=2&cursor={first['next_cursor']}")
    assert other.status_code == 422
    assert other.json()["errors"] == [
        {
            "name": "cursor",
            "location": "query",
            "message": "this cursor belongs to another sort or other filters",
        }
    ]


def test_detail_embeds_everything(client: TestClient) -> None:
    response = client.get(f"/v1/visits/{CUBA}")
    assert response.status_code == 200
    visit = response.json()
    # The same order as /v1/visits/{id}/meetings: by date, undated first.
    assert [m["id"] for m in visit["meetings"]] == [
        "2023-06-havana-business-meeting",
        "2023-06-havana-cigb-visit",
        "2023-06-havana-raisi-raul-castro-meeting",
        "2023-06-havana-welcoming-ceremony",
        "2023-06-14-havana-airport-arrival",
        "2023-06-15-havana-raisi-diaz-canel-talks",
        "2023-06-15-havana-signing-ceremony",
    ]
    assert all(m["citations"] for m in visit["meetings"])
    assert [(a["kind"], a["count"], a["status"]) for a in visit["agreements"]] == [
        ("cooperation_document", 6, "signed"),
        ("memorandum_of_understanding", 1, "signed"),
        ("joint_commission", 1, "agreed"),
    ]
    documents = visit["agreements"][0]
    assert [p["code"] for p in documents["parties"]] == ["CU", "IR"]
    assert [
        (s["participant"]["name"], s["title"], s["role"]) for s in documents["signatories"]
    ] == [
        ("Bruno Rodriguez Parrilla", "Foreign Minister", "signatory"),
        ("Hossein Amir-Abdollahian", "Foreign Minister", "signatory"),
    ]
    assert len(visit["participants"]) == 21
    assert visit["participants"][0]["role"] == "visitor"
    assert len(visit["statements"]) == 11
    assert {c["source"]["id"] for c in visit["citations"]} == {
        "tdi-2023-06-16-raisi-havana",
        "efe-2023-06-16-cuba-iran-accords",
        "acn-2023-06-12-raisi-official-visit",
        "radio-reloj-2023-06-15-iran-cuba-agenda",
    }
    quoted = [c["quote"] for c in visit["citations"] if c["quote"]]
    assert quoted == [
        "Following his visits to Venezuela and Nicaragua, Iranian President Ebrahim Raisi "
        "concluded his three-nation tour of Latin America with a visit to Cuba."
    ]


def test_unknown_visit_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/v1/visits/no-such-visit")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "https://diplomatic-visits.example/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "No visit has the id 'no-such-visit'.",
        "instance": "/v1/visits/no-such-visit",
        "errors": [],
    }


def test_visit_meetings_in_date_order(client: TestClient) -> None:
    body = client.get(f"/v1/visits/{CUBA}/meetings").json()
    assert ids(body) == [
        "2023-06-havana-business-meeting",
        "2023-06-havana-cigb-visit",
        "2023-06-havana-raisi-raul-castro-meeting",
        "2023-06-havana-welcoming-ceremony",
        "2023-06-14-havana-airport-arrival",
        "2023-06-15-havana-raisi-diaz-canel-talks",
        "2023-06-15-havana-signing-ceremony",
    ]
    assert body["total"] == 7


def test_visit_agreements_and_participants(client: TestClient) -> None:
    agreements = client.get(f"/v1/visits/{CUBA}/agreements").json()
    assert agreements["total"] == 3
    participants = client.get(f"/v1/visits/{CUBA}/participants").json()
    assert participants["total"] == 21
    castro = [p for p in participants["items"] if p["participant"]["id"] == "raul-castro"]
    assert [(p["title"], p["role"], p["meeting_id"]) for p in castro] == [
        ("former President", "host", "2023-06-havana-raisi-raul-castro-meeting")
    ]
    assert client.get("/v1/visits/nope/participants").status_code == 404
    assert client.get("/v1/visits/nope/meetings").status_code == 404
    assert client.get("/v1/visits/nope/agreements").status_code == 404
    empty = client.get("/v1/visits/2023-06-raisi-nicaragua/agreements").json()
    assert empty == {"items": [], "total": 0, "next_cursor": None}


def test_no_n_plus_one(client: TestClient, count_queries: Any) -> None:
    client.get("/v1/visits?limit=1&from=2001-02-03")
    one = count_queries()
    assert one == 3  # data version, page (stored documents), total (not asked before)
    client.get("/v1/visits?limit=500&from=2001-02-03")
    # The same filters at the same data version: the total is kept, not counted again.
    assert count_queries() - one == 2
    # The detail is stored: the data version (for the ETag) and one read.
    before = count_queries()
    client.get(f"/v1/visits/{CUBA}")
    assert count_queries() - before == 2


def test_a_client_that_takes_gzip_gets_the_stored_bytes(client: TestClient) -> None:
    stored = visits.get_visit(client.app.state.reader, CUBA)  # type: ignore[attr-defined]
    with client.stream("GET", f"/v1/visits/{CUBA}", headers={"Accept-Encoding": "gzip"}) as sent:
        raw = b"".join(sent.iter_raw())
    assert sent.headers["content-encoding"] == "gzip"
    assert sent.headers["vary"] == "Accept, Accept-Encoding, Origin"
    assert sent.headers["content-length"] == str(len(stored))
    assert raw == stored
    plain = client.get(f"/v1/visits/{CUBA}", headers={"Accept-Encoding": "identity"})
    assert gzip.decompress(raw) == plain.content
    assert sent.headers["etag"] != plain.headers["etag"]  # two representations


def test_a_csv_page_reads_the_stored_rows_alone(client: TestClient, statements: list[str]) -> None:
    as_csv = client.get("/v1/visits", params={"format": "csv", "sort": "start_date"})
    csv_pages = [sql for sql in statements if "CROSS JOIN record_item d" in sql]
    statements.clear()
    as_json = client.get("/v1/visits", params={"sort": "start_date"}).json()
    json_pages = [sql for sql in statements if "CROSS JOIN record_item d" in sql]
    assert csv_pages
    assert all("d.csv_row" in sql and "d.item" not in sql for sql in csv_pages)
    assert json_pages
    assert all("d.item" in sql and "d.csv_row" not in sql for sql in json_pages)
    rows = list(csv.DictReader(io.StringIO(as_csv.text.removeprefix("\ufeff"))))
    assert [row["id"] for row in rows] == [item["id"] for item in as_json["items"]]
    assert rows[2]["host_country.name"] == "Cuba"
