"""`/v1/search` on the seed: snippets show the words matched in the field they matched, and
`type=` chooses results without changing their scores."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

TYPES = ["visit", "meeting", "participant", "agreement", "tour", "statement", "source"]


def hits(client: TestClient, query: str) -> list[tuple[str, str, str]]:
    response = client.get(f"/v1/search?{query}&limit=100")
    assert response.status_code == 200, response.text
    return [(i["resource"], i["id"], i["snippet"]) for i in response.json()["items"]]


def test_statements_snippets_mark_the_words_found_and_never_the_type(
    client: TestClient,
) -> None:
    assert hits(client, "q=biotech&type=statement") == [
        (
            "statement",
            "2023-06-raisi-praises-cuban-biotechnology",
            "He also praised Cuba’s research and capabilities in the field of "
            "<mark>biotechnology</mark>.",
        ),
        (
            "statement",
            "2023-06-amir-abdollahian-focus-of-cooperation",
            "The focus of cooperation is in the fields of <mark>biotechnology</mark>, "
            "technology, medicine, and energy,",
        ),
        (
            "statement",
            "2023-06-raisi-joint-economic-commissions",
            "…Economic Commissions of Iran and Cuba should cooperate in nanotechnology, "
            "<mark>biotechnology</mark>, mining, and power plant construction.",
        ),
    ]


def test_a_snippet_is_one_field_not_the_index_fields_stitched_together(
    client: TestClient,
) -> None:
    # A visit's search document also holds its city, countries, people, meetings and
    # quotes; the snippet is the one field with the most of the words.
    assert hits(client, "q=raisi&type=visit") == [
        ("visit", "2023-06-raisi-cuba", "Ebrahim <mark>Raisi</mark> visit to Cuba"),
        ("visit", "2023-06-raisi-nicaragua", "Ebrahim <mark>Raisi</mark> visit to Nicaragua"),
        ("visit", "2023-06-raisi-venezuela", "Ebrahim <mark>Raisi</mark> visit to Venezuela"),
    ]
    assert hits(client, "q=raisi havana&type=visit") == [
        (
            "visit",
            "2023-06-raisi-cuba",
            "<mark>Raisi</mark> arrived in <mark>Havana</mark> late on Wednesday 14 June 2023; "
            "<mark>Havana</mark> was the last stop of…",
        )
    ]
    assert hits(client, "q=castro&type=meeting") == [
        (
            "meeting",
            "2023-06-havana-raisi-raul-castro-meeting",
            "Meeting with former President Raul <mark>Castro</mark>",
        )
    ]
    assert hits(client, "q=biotech&type=agreement") == [
        (
            "agreement",
            "2023-06-iran-cuba-joint-commission-technological-cooperation",
            "…to collaborate in nanotechnology and <mark>biotechnology</mark> and agreed to "
            "form a joint commission on technological cooperation.",
        )
    ]


def test_the_same_snippets_with_or_without_type(client: TestClient) -> None:
    for query in ("raisi", "cuba", "biotech", "havana talks"):
        every = hits(client, f"q={query}")
        for kind in TYPES:
            assert hits(client, f"q={query}&type={kind}") == [h for h in every if h[0] == kind]


def _scores(body: dict[str, Any]) -> dict[tuple[str, str], float]:
    return {(i["resource"], i["id"]): i["score"] for i in body["items"]}


@pytest.mark.parametrize("query", ["raisi", "cuba", "biotech", "havana", "diaz canel"])
def test_type_does_not_change_a_score(client: TestClient, query: str) -> None:
    every = _scores(client.get(f"/v1/search?q={query}&limit=500").json())
    assert every
    for kind in TYPES:
        typed = _scores(client.get(f"/v1/search?q={query}&type={kind}&limit=500").json())
        assert typed == {key: score for key, score in every.items() if key[0] == kind}


def test_scores_are_pinned(client: TestClient) -> None:
    body = client.get("/v1/search?q=castro").json()
    assert [(i["resource"], i["id"], i["score"]) for i in body["items"]] == [
        ("participant", "raul-castro", 1.5),
        ("meeting", "2023-06-havana-raisi-raul-castro-meeting", 1.166667),
        ("statement", "2023-06-raul-castro-praises-struggle", 1.071429),
        ("visit", "2023-06-raisi-cuba", 1.0),
        ("statement", "2023-06-raul-castro-unilateralism-over", 1.0),
    ]
    typed = client.get("/v1/search?q=castro&type=statement").json()
    assert [i["score"] for i in typed["items"]] == [1.071429, 1.0]
