"""`/v1/tours`: multi-country trips with their legs in order."""

from fastapi.testclient import TestClient

TOUR = "2023-06-raisi-latin-america"


def test_list_and_legs_in_order(client: TestClient) -> None:
    body = client.get("/v1/tours").json()
    assert [t["id"] for t in body["items"]] == [TOUR]
    tour = body["items"][0]
    assert tour["principal"]["id"] == "ebrahim-raisi"
    assert (tour["start_date"], tour["end_date"]) == ("2023-06-12", "2023-06-15")
    assert [(leg["leg"], leg["host_country"]["code"], leg["city"]) for leg in tour["legs"]] == [
        (1, "VE", "Caracas"),
        (2, "NI", "Managua"),
        (3, "CU", "Havana"),
    ]


def test_filters(client: TestClient) -> None:
    for query, expected in [
        ("country=NI", [TOUR]),
        ("country=US", []),
        ("participant=ebrahim-raisi", [TOUR]),
        ("participant=raul-castro", []),
        ("from=2023-06-15", [TOUR]),
        ("to=2023-06-11", []),
        ("q=three%20nation", [TOUR]),
    ]:
        assert [t["id"] for t in client.get(f"/v1/tours?{query}").json()["items"]] == expected, (
            query
        )


def test_detail_with_citations(client: TestClient) -> None:
    tour = client.get(f"/v1/tours/{TOUR}").json()
    assert len(tour["legs"]) == 3
    assert {c["source"]["id"] for c in tour["citations"]} == {
        "tdi-2023-06-16-raisi-havana",
        "tehran-times-2023-06-15-iran-cuba-six-agreements",
        "acn-2023-06-12-raisi-official-visit",
    }
    assert client.get("/v1/tours/nope").status_code == 404
