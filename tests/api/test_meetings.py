"""`/v1/meetings`: engagements with participants, statements and citations."""

import pytest
from fastapi.testclient import TestClient

TALKS = "2023-06-15-havana-raisi-diaz-canel-talks"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "",
            [
                "2023-06-havana-business-meeting",
                "2023-06-havana-cigb-visit",
                "2023-06-havana-raisi-raul-castro-meeting",
                "2023-06-havana-welcoming-ceremony",
                "2023-06-raisi-jorge-rodriguez-meeting",
                "2023-06-raisi-maduro-talks",
                "2023-06-raisi-ortega-talks",
                "2023-06-14-havana-airport-arrival",
                TALKS,
                "2023-06-15-havana-signing-ceremony",
            ],
        ),
        (
            "kind=bilateral_talks",
            ["2023-06-raisi-maduro-talks", "2023-06-raisi-ortega-talks", TALKS],
        ),
        ("participant=raul-castro", ["2023-06-havana-raisi-raul-castro-meeting"]),
        ("participant=hossein-amir-abdollahian", ["2023-06-15-havana-signing-ceremony"]),
        ("topic=mining", ["2023-06-havana-business-meeting"]),
        ("from=2023-06-15&to=2023-06-15", [TALKS, "2023-06-15-havana-signing-ceremony"]),
        ("host_country=CU&kind=site_visit", ["2023-06-havana-cigb-visit"]),
        ("visitor_country=CU", []),
        (
            "country=IR&kind=courtesy_call",
            ["2023-06-havana-raisi-raul-castro-meeting", "2023-06-raisi-jorge-rodriguez-meeting"],
        ),
        (
            "visit=2023-06-raisi-venezuela",
            ["2023-06-raisi-jorge-rodriguez-meeting", "2023-06-raisi-maduro-talks"],
        ),
        (
            "tour=2023-06-raisi-latin-america&kind=business_forum",
            ["2023-06-havana-business-meeting"],
        ),
        ("q=vaccine", ["2023-06-havana-cigb-visit"]),
        (
            "q=diaz%20canel",
            [
                "2023-06-havana-welcoming-ceremony",
                TALKS,
                "2023-06-15-havana-signing-ceremony",
            ],
        ),
        ("sort=-date&limit=2", ["2023-06-15-havana-signing-ceremony", TALKS]),
    ],
)
def test_filters(client: TestClient, query: str, expected: list[str]) -> None:
    body = client.get(f"/v1/meetings?{query}").json()
    assert [m["id"] for m in body["items"]] == expected


def test_detail(client: TestClient) -> None:
    meeting = client.get(f"/v1/meetings/{TALKS}").json()
    assert (meeting["date"], meeting["venue"], meeting["city"]) == (
        "2023-06-15",
        "Palace of the Revolution",
        "Havana",
    )
    assert [(p["participant"]["name"], p["role"], p["title"]) for p in meeting["participants"]] == [
        ("Ebrahim Raisi", "guest", "President"),
        ("Miguel Diaz-Canel", "host", "President"),
    ]
    assert meeting["citations"][0]["quote"].startswith(
        "President Raisi met with his Cuban counterpart, Miguel Diaz-Canel"
    )
    signing = client.get("/v1/meetings/2023-06-15-havana-signing-ceremony").json()
    assert signing["agreement_ids"] == [
        "2023-06-15-iran-cuba-cooperation-documents",
        "2023-06-15-iran-cuba-memorandum-of-understanding",
    ]
    business = client.get("/v1/meetings/2023-06-havana-business-meeting").json()
    assert [(s["kind"], s["speaker"]["id"]) for s in business["statements"]] == [
        ("direct_quote", "ebrahim-raisi"),
        ("paraphrase", "ebrahim-raisi"),
        ("paraphrase", "ebrahim-raisi"),
    ]
    assert client.get("/v1/meetings/nope").status_code == 404
