"""Countries, topics, sources, search and health."""

import pytest
from fastapi.testclient import TestClient

from tests.support import ARTICLE


def test_countries_with_visit_counts(client: TestClient) -> None:
    body = client.get("/v1/countries?has_visits=true&sort=name").json()
    assert [(c["code"], c["visits_made"], c["visits_hosted"]) for c in body["items"]] == [
        ("CU", 0, 1),
        ("IR", 3, 0),
        ("NI", 0, 1),
        ("VE", 0, 1),
    ]
    assert client.get("/v1/countries").json()["total"] == 250
    assert client.get("/v1/countries?q=cote%20d%20ivoire").json()["items"][0]["code"] == "CI"


def test_country_by_alpha2_or_alpha3_in_any_case(client: TestClient) -> None:
    for code in ("CU", "cu", "CUB", "cub"):
        country = client.get(f"/v1/countries/{code}").json()
        assert (country["code"], country["alpha3"], country["name"]) == ("CU", "CUB", "Cuba")
    assert client.get("/v1/countries/ZZ").status_code == 404
    assert client.get("/v1/countries/ZZZZ").status_code == 422


def test_topics_with_counts(client: TestClient) -> None:
    body = client.get("/v1/topics").json()
    counts = {
        t["id"]: (t["visit_count"], t["meeting_count"], t["agreement_count"]) for t in body["items"]
    }
    # The subjects other outlets give the Havana agreements are in their claims only: no
    # record carries them (0, 0, 0).
    claimed_only = {
        "comprehensive-government-cooperation",
        "comprehensive-political-cooperation",
        "customs",
        "digital-communication",
        "foreign-policy",
        "information-technology",
        "justice",
        "political-consultations",
        "telecommunications",
    }
    assert counts == {
        "biotechnology": (1, 2, 1),
        "energy": (1, 0, 0),
        "medicine": (1, 0, 0),
        "mining": (1, 1, 1),
        "nanotechnology": (1, 1, 1),
        "power-plant-construction": (1, 1, 0),
        "technology": (1, 0, 0),
        "petrochemicals": (0, 0, 1),
        "transportation": (0, 0, 1),
        **dict.fromkeys(claimed_only, (0, 0, 0)),
    }


def test_sources_and_the_held_text(client: TestClient) -> None:
    body = client.get("/v1/sources?sort=id").json()
    assert body["total"] == 7
    assert "text" not in body["items"][0]
    article = client.get("/v1/sources/tdi-2023-06-16-raisi-havana").json()
    assert article["text"] == ARTICLE
    assert article["citation_count"] == 43
    efe = client.get("/v1/sources/efe-2023-06-16-cuba-iran-accords").json()
    assert (efe["text"], efe["url"]) == (
        None,
        "https://efe.com/en/latest-news/2023-06-16/cuba-iran-boost-ties-with-new-accords/",
    )
    assert client.get("/v1/sources/nope").status_code == 404


def test_search_is_typed_ranked_and_highlighted(client: TestClient) -> None:
    body = client.get("/v1/search?q=biotech&type=meeting").json()
    assert [(h["resource"], h["id"]) for h in body["items"]] == [
        ("meeting", "2023-06-havana-cigb-visit"),
        ("meeting", "2023-06-havana-business-meeting"),
    ]
    assert "<mark>Biotechnology</mark>" in body["items"][0]["snippet"]
    everything = client.get("/v1/search?q=diaz%20canel").json()
    assert {h["resource"] for h in everything["items"]} == {
        "visit",
        "meeting",
        "participant",
        "agreement",
    }
    scores = [h["score"] for h in everything["items"]]
    assert scores == sorted(scores, reverse=True)


def test_search_pages_cover_every_hit_once(client: TestClient) -> None:
    full = client.get("/v1/search?q=havana&limit=500").json()
    seen: list[tuple[str, str]] = []
    cursor = None
    while True:
        url = "/v1/search?q=havana&limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url).json()
        assert body["total"] == full["total"]
        seen += [(h["resource"], h["id"]) for h in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [(h["resource"], h["id"]) for h in full["items"]]


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "visits": 3}


@pytest.mark.parametrize(
    "q", ["diaz canel", "DIAZ-CANEL", "canel", "Díaz-Canel", "díaz", "miguel diaz"]
)
def test_search_finds_diaz_canel_however_typed(client: TestClient, q: str) -> None:
    hits = client.get("/v1/search", params={"q": q, "type": "participant"}).json()["items"]
    assert [h["id"] for h in hits] == ["miguel-diaz-canel"]


def test_search_matches_prefixes(client: TestClient) -> None:
    hits = client.get("/v1/search", params={"q": "biotech", "type": "topic"}).json()["items"]
    assert [h["id"] for h in hits] == ["biotechnology"]
