"""`/v1/agreements`: what was signed or agreed."""

import pytest
from fastapi.testclient import TestClient

DOCUMENTS = "2023-06-15-iran-cuba-cooperation-documents"
MOU = "2023-06-15-iran-cuba-memorandum-of-understanding"
COMMISSION = "2023-06-iran-cuba-joint-commission-technological-cooperation"
VENEZUELA = "2023-06-iran-venezuela-agreements"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [MOU, DOCUMENTS, VENEZUELA, COMMISSION]),
        ("sort=id", [DOCUMENTS, MOU, COMMISSION, VENEZUELA]),
        ("status=agreed", [COMMISSION]),
        ("status=signed&kind=memorandum_of_understanding", [MOU]),
        ("country=cub", [MOU, DOCUMENTS, COMMISSION]),
        ("country=VE", [VENEZUELA]),
        ("participant=hossein-amir-abdollahian", [MOU, DOCUMENTS]),
        ("participant=ebrahim-raisi", []),
        ("topic=nanotechnology", [COMMISSION]),
        ("from=2023-06-15&to=2023-06-15", [MOU, DOCUMENTS]),
        ("visit=2023-06-raisi-cuba&status=signed", [MOU, DOCUMENTS]),
        ("q=memorandum", [MOU, DOCUMENTS]),  # the documents are cited by the same sentence
        ("q=technological", [COMMISSION]),
    ],
)
def test_filters(client: TestClient, query: str, expected: list[str]) -> None:
    body = client.get(f"/v1/agreements?{query}").json()
    assert [a["id"] for a in body["items"]] == expected
    assert body["total"] == len(expected)


def test_detail_counts_not_titles(client: TestClient) -> None:
    documents = client.get(f"/v1/agreements/{DOCUMENTS}").json()
    assert (documents["title"], documents["count"], documents["signed_on"]) == (
        None,
        6,
        "2023-06-15",
    )
    assert documents["meeting_id"] == "2023-06-15-havana-signing-ceremony"
    assert [c["source"]["publisher"] for c in documents["citations"]] == ["TDI", "EFE"] or [
        c["source"]["publisher"] for c in documents["citations"]
    ] == ["EFE", "TDI"]
    commission = client.get(f"/v1/agreements/{COMMISSION}").json()
    assert (commission["status"], commission["signatories"], commission["meeting_id"]) == (
        "agreed",
        [],
        None,
    )
    assert client.get("/v1/agreements/nope").status_code == 404
