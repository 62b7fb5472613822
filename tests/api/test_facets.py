"""Facets: counts per value over every page of the current filter, most frequent first."""

from fastapi.testclient import TestClient


def test_visit_facets(client: TestClient) -> None:
    body = client.get("/v1/visits?facet=host_country,visitor_country,year&facet=kind,topic").json()
    facets = body["facets"]
    assert facets["host_country"] == [
        {"value": "CU", "label": "Cuba", "count": 1},
        {"value": "NI", "label": "Nicaragua", "count": 1},
        {"value": "VE", "label": "Venezuela", "count": 1},
    ]
    assert facets["visitor_country"] == [{"value": "IR", "label": "Iran", "count": 3}]
    assert facets["year"] == [{"value": "2023", "label": "2023", "count": 3}]
    assert facets["kind"] == [
        {"value": None, "label": None, "count": 2},
        {"value": "official", "label": "official", "count": 1},
    ]
    assert facets["topic"][0] == {"value": "biotechnology", "label": "biotechnology", "count": 1}
    assert len(facets["topic"]) == 7


def test_facets_follow_the_filters_not_the_page(client: TestClient) -> None:
    body = client.get("/v1/visits?facet=host_country&limit=1&host_country=CU").json()
    assert body["facets"] == {"host_country": [{"value": "CU", "label": "Cuba", "count": 1}]}
    paged = client.get("/v1/visits?facet=host_country&limit=1").json()
    assert len(paged["items"]) == 1
    assert sum(v["count"] for v in paged["facets"]["host_country"]) == 3


def test_facets_on_other_lists(client: TestClient) -> None:
    meetings = client.get("/v1/meetings?facet=kind,year").json()["facets"]
    assert meetings["year"] == [
        {"value": None, "label": None, "count": 7},
        {"value": "2023", "label": "2023", "count": 3},
    ]
    agreements = client.get("/v1/agreements?facet=status,country").json()["facets"]
    assert agreements["status"] == [
        {"value": "signed", "label": "signed", "count": 3},
        {"value": "agreed", "label": "agreed", "count": 1},
    ]
    assert agreements["country"] == [
        {"value": "IR", "label": "Iran", "count": 4},
        {"value": "CU", "label": "Cuba", "count": 3},
        {"value": "VE", "label": "Venezuela", "count": 1},
    ]
    people = client.get("/v1/participants?facet=kind").json()["facets"]
    assert people["kind"] == [
        {"value": "person", "label": "person", "count": 11},
        {"value": "group", "label": "group", "count": 2},
    ]


def test_no_facets_unless_asked(client: TestClient) -> None:
    assert "facets" not in client.get("/v1/visits").json()


def test_unknown_facets_are_422(client: TestClient) -> None:
    response = client.get("/v1/visits?facet=host_country,colour")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "name": "facet",
            "location": "query",
            "message": "unknown facet 'colour'; use host_country, visitor_country, year, kind, "
            "topic",
        }
    ]
    assert client.get("/v1/topics?facet=kind").status_code == 422
