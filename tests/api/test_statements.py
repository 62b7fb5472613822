"""`/v1/statements`: what was said, listed, filtered, exported, on the seed."""

import csv
import io
import json
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from tests.support import ARTICLE, SEED_DIR

CASTRO_MEETING = "2023-06-havana-raisi-raul-castro-meeting"
UNILATERALISM = "2023-06-raul-castro-unilateralism-over"
TDI = "tdi-2023-06-16-raisi-havana"


def seed_statements() -> list[dict[str, Any]]:
    """Every statement the seed files hold, read from the YAML, not through the app."""
    found = []
    for path in sorted((SEED_DIR / "tours").glob("*.yaml")):
        for visit in yaml.safe_load(path.read_text(encoding="utf-8"))["visits"]:
            found += visit.get("statements", [])
            for meeting in visit.get("meetings", []):
                found += meeting.get("statements", [])
    return found


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_every_statement_of_the_seed_is_listed(client: TestClient) -> None:
    statements = seed_statements()
    assert len(statements) == 11
    body = client.get("/v1/statements?limit=100").json()
    assert body["total"] == 11
    assert [item["id"] for item in body["items"]] == sorted(s["id"] for s in statements)
    by_id = {s["id"]: s for s in statements}
    for item in body["items"]:
        stated = by_id[item["id"]]
        assert (item["text"], item["kind"], item["speaker"]["id"]) == (
            stated["text"],
            stated["kind"],
            stated["speaker"],
        )
        assert item["source_ids"] == [stated["source"]]
        assert item["text"] in ARTICLE  # verbatim


def test_a_statement_names_its_record_and_source(client: TestClient) -> None:
    statement = client.get(f"/v1/statements/{UNILATERALISM}").json()
    assert statement["record"] == {"type": "meeting", "id": CASTRO_MEETING}
    assert (statement["visit_id"], statement["meeting_id"]) == (
        "2023-06-raisi-cuba",
        CASTRO_MEETING,
    )
    assert statement["source_ids"] == [TDI]
    assert statement["text"] == (
        "He said that today the era of unilateralism is over and we are moving towards "
        "multilateralism."
    )
    assert [(c["source"]["id"], c["quote"]) for c in statement["citations"]] == [
        (TDI, statement["text"])
    ]
    said_at_no_meeting = client.get("/v1/statements/2023-06-amir-abdollahian-pioneers").json()
    assert said_at_no_meeting["record"] == {"type": "visit", "id": "2023-06-raisi-cuba"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("speaker=raul-castro", ["2023-06-raul-castro-praises-struggle", UNILATERALISM]),
        (
            "kind=direct_quote",
            [
                "2023-06-amir-abdollahian-focus-of-cooperation",
                "2023-06-raisi-business-meeting-hope",
            ],
        ),
        (
            "record_type=visit",
            [
                "2023-06-amir-abdollahian-coalitions",
                "2023-06-amir-abdollahian-focus-of-cooperation",
                "2023-06-amir-abdollahian-pioneers",
            ],
        ),
        (
            f"record={CASTRO_MEETING}",
            [
                "2023-06-raisi-relations-highest-level",
                "2023-06-raisi-unity-against-global-arrogance",
                "2023-06-raul-castro-praises-struggle",
                UNILATERALISM,
            ],
        ),
        (
            "record=2023-06-raisi-cuba&sort=-id&limit=2",
            ["2023-06-amir-abdollahian-pioneers", "2023-06-amir-abdollahian-focus-of-cooperation"],
        ),
        ("source=efe-2023-06-16-cuba-iran-accords", []),
        (
            "q=biotechnology",
            [
                "2023-06-amir-abdollahian-focus-of-cooperation",
                "2023-06-raisi-joint-economic-commissions",
                "2023-06-raisi-praises-cuban-biotechnology",
            ],
        ),
        (
            "q=castro&kind=paraphrase&speaker=raul-castro",
            ["2023-06-raul-castro-praises-struggle", UNILATERALISM],
        ),
    ],
)
def test_statements_are_filtered(client: TestClient, query: str, expected: list[str]) -> None:
    assert ids(client.get(f"/v1/statements?{query}")) == expected


def test_counts_by_filter_and_facets(client: TestClient) -> None:
    assert client.get(f"/v1/statements?source={TDI}").json()["total"] == 11
    assert client.get("/v1/statements?visit=2023-06-raisi-cuba").json()["total"] == 11
    facets = client.get("/v1/statements?facet=kind,record_type,speaker&limit=1").json()["facets"]
    assert {
        name: [(f["value"], f["count"]) for f in values] for name, values in facets.items()
    } == {
        "kind": [("paraphrase", 9), ("direct_quote", 2)],
        "record_type": [("meeting", 8), ("visit", 3)],
        "speaker": [("ebrahim-raisi", 6), ("hossein-amir-abdollahian", 3), ("raul-castro", 2)],
    }


def test_statements_as_csv(client: TestClient) -> None:
    response = client.get("/v1/statements?speaker=raul-castro&format=csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"), newline="")))
    assert list(rows[0])[:4] == ["id", "speaker.id", "speaker.name", "speaker.country.code"]
    assert [
        (r["id"], r["record.type"], r["record.id"], r["source_ids"], r["citations.source.id"])
        for r in rows
    ] == [
        ("2023-06-raul-castro-praises-struggle", "meeting", CASTRO_MEETING, TDI, TDI),
        (UNILATERALISM, "meeting", CASTRO_MEETING, TDI, TDI),
    ]


def test_statements_export_follows_the_filters(client: TestClient) -> None:
    exported = client.get("/v1/export/statements.ndjson?speaker=raul-castro")
    assert exported.status_code == 200
    lines = [json.loads(line) for line in exported.text.splitlines()]
    assert lines == client.get("/v1/statements?speaker=raul-castro").json()["items"]


@pytest.mark.parametrize("path", ["/v1/statements", "/v1/export/statements.csv"])
@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("kind=quote", "kind"),
        ("record_type=tour", "record_type"),
        ("speaker=not%20an%20id", "speaker"),
        ("record=", "record"),
        ("sort=date", "sort"),
        ("q=%21%21%21", "q"),
        ("speech=1", "speech"),
    ],
)
def test_bad_values_are_problems_naming_the_parameter(
    client: TestClient, path: str, query: str, named: str
) -> None:
    response = client.get(f"{path}?{query}")
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert named in [error["name"] for error in response.json()["errors"]]


def test_an_unchanged_list_is_revalidated(client: TestClient) -> None:
    first = client.get("/v1/statements?kind=direct_quote")
    again = client.get(
        "/v1/statements?kind=direct_quote", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
