"""`/v1/participants`: people and groups with what they attended and signed."""

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "country=CU&kind=person",
            ["cuba-foreign-minister-2023", "miguel-diaz-canel", "raul-castro"],
        ),
        ("kind=group", ["cuban-businesspeople", "iranian-businesspeople"]),
        ("q=raeisi", ["ebrahim-raisi"]),
        ("q=amirabdollahian", ["hossein-amir-abdollahian"]),
        ("q=ra%C3%BAl", ["raul-castro"]),
        ("q=diaz%20canel", ["miguel-diaz-canel"]),
        ("q=foreign%20minister", ["cuba-foreign-minister-2023"]),
        ("visit=2023-06-raisi-venezuela", ["ebrahim-raisi"]),
        ("sort=-id&limit=2", ["raul-castro", "miguel-diaz-canel"]),
    ],
)
def test_filters(client: TestClient, query: str, expected: list[str]) -> None:
    body = client.get(f"/v1/participants?{query}").json()
    assert [p["id"] for p in body["items"]] == expected


def test_unnamed_sort_first_by_name(client: TestClient) -> None:
    body = client.get("/v1/participants").json()
    assert body["total"] == 7
    assert [p["name"] for p in body["items"]][:2] == [None, "Cuban businesspeople"]


def test_detail_lists_parts_and_signatures(client: TestClient) -> None:
    minister = client.get("/v1/participants/hossein-amir-abdollahian").json()
    assert minister["aliases"] == ["Hossein Amirabdollahian"]
    assert [(p["meeting_id"], p["role"], p["title"]) for p in minister["participations"]] == [
        ("2023-06-15-havana-signing-ceremony", "signatory", "Foreign Minister")
    ]
    assert minister["signed_agreement_ids"] == [
        "2023-06-15-iran-cuba-cooperation-documents",
        "2023-06-15-iran-cuba-memorandum-of-understanding",
    ]
    raisi = client.get("/v1/participants/ebrahim-raisi").json()
    assert len(raisi["participations"]) == 8  # visitor on 3 visits, 5 Havana meetings
    assert raisi["signed_agreement_ids"] == []
    assert client.get("/v1/participants/nope").status_code == 404
