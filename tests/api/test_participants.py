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
        ("visit=2023-06-raisi-venezuela", ["ebrahim-raisi", "jorge-rodriguez", "nicolas-maduro"]),
        ("sort=-id&limit=2", ["raul-castro", "nicolas-maduro"]),
    ],
)
def test_filters(client: TestClient, query: str, expected: list[str]) -> None:
    body = client.get(f"/v1/participants?{query}").json()
    assert [p["id"] for p in body["items"]] == expected


def test_unnamed_sort_first_by_name(client: TestClient) -> None:
    body = client.get("/v1/participants").json()
    assert body["total"] == 13
    assert [p["name"] for p in body["items"]][:4] == [None, None, None, "Bruno Rodriguez Parrilla"]


def test_detail_lists_parts_and_signatures(client: TestClient) -> None:
    minister = client.get("/v1/participants/hossein-amir-abdollahian").json()
    assert minister["aliases"] == ["Hossein Amirabdollahian"]
    assert [(p["meeting_id"], p["role"], p["title"]) for p in minister["participations"]] == [
        (None, "delegate", "Foreign Minister"),
        ("2023-06-15-havana-signing-ceremony", "signatory", "Foreign Minister"),
    ]
    assert minister["signed_agreement_ids"] == [
        "2023-06-15-iran-cuba-cooperation-documents",
        "2023-06-15-iran-cuba-memorandum-of-understanding",
    ]
    raisi = client.get("/v1/participants/ebrahim-raisi").json()
    # Visitor on 3 visits; 7 Havana meetings, 2 in Venezuela, 1 in Nicaragua.
    assert len(raisi["participations"]) == 13
    assert raisi["signed_agreement_ids"] == []
    assert client.get("/v1/participants/nope").status_code == 404
