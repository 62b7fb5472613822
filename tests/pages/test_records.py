"""Record pages: every fact with its citations, every link answering, claims side by side."""

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.pages import records as record_pages
from app.pages.data import RESOURCES
from tests.pages.support import BROWSER, Document, read

# Countries (every ISO country, no citation) have their pages tested in test_countries.py.
RECORD_PAGES = sorted(set(RESOURCES) - {"countries"})


def records(client: TestClient) -> Iterator[tuple[str, str]]:
    for name in RECORD_PAGES:
        for item in client.get(f"/v1/{name}?limit=500").json()["items"]:
            yield name, item["id"]


def citations(value: Any, embedded: bool = False) -> Iterator[dict[str, Any]]:
    """Every citation a record's page shows: its own, its parts', its claims' (an embedded
    record's claims are on that record's own page)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "citations":
                yield from inner
            elif not (key == "claims" and embedded):
                yield from citations(inner, embedded)
    elif isinstance(value, list):
        for inner in value:
            yield from citations(inner, True)


def page(client: TestClient, path: str) -> Document:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200, path
    return read(response.text)


def test_every_record_of_the_seed_has_a_page(client: TestClient) -> None:
    found = list(records(client))
    assert len(found) == 3 + 10 + 4 + 13 + 1 + 7
    for name, record_id in found:
        document = page(client, f"/{name}/{record_id}")
        assert document.headings[0][0] == 1
        assert document.link_texts[f"/v1/{name}/{record_id}"] == "JSON"


def test_every_citation_of_every_record_is_on_its_page(client: TestClient) -> None:
    checked: set[str] = set()
    for name, record_id in records(client):
        detail = client.get(f"/v1/{name}/{record_id}").json()
        document = page(client, f"/{name}/{record_id}")
        for citation in citations(detail):
            source = client.get(f"/v1/sources/{citation['source']['id']}").json()
            if citation["quote"] is not None:
                # The exact words, as a quotation.
                assert " ".join(citation["quote"].split()) in document.quotes
            if citation["note"] is not None:
                assert " ".join(citation["note"].split()) in document.text
            assert document.link_texts[f"/sources/{source['id']}"] == source["title"]
            assert f"{source['title']}, {source['publisher']}, {source['published_on']}." in (
                document.text
            )
            if source["url"] is not None:
                assert document.link_texts[source["url"]] == source["url"]
            checked.add(citation["id"])
    # Every citation the data holds is on the page of the record it supports, the 14 that
    # support claims included.
    assert len(checked) == client.get("/v1").json()["counts"]["citations"] == 101


def test_the_havana_visit_page_says_what_happened_with_its_sources(client: TestClient) -> None:
    document = page(client, "/visits/2023-06-raisi-cuba")
    assert document.headings[0] == (1, "Ebrahim Raisi in Cuba, Havana")
    assert "Dates 2023-06-14 to 2023-06-15" in document.text
    assert document.link_texts["/participants/ebrahim-raisi"] == "Ebrahim Raisi"
    assert document.link_texts["/tours/2023-06-raisi-latin-america"] == (
        "2023-06-raisi-latin-america"
    )
    assert (2, "Meetings (7)") in document.headings
    assert (2, "Agreements (3)") in document.headings
    assert document.link_texts["/meetings/2023-06-havana-cigb-visit"] == (
        "Visit to the Center for Genetic Engineering and Biotechnology (CIGB) and the vaccine "
        "production line"
    )
    assert document.link_texts["/agreements/2023-06-15-iran-cuba-cooperation-documents"] == (
        "Cooperation document"
    )
    # Iran's oil minister in the delegation stays unnamed; EFE and Radio Reloj name Cuba's
    # foreign minister.
    assert document.link_texts["/participants/iran-oil-minister-2023"] == (
        "not named in the sources"
    )
    assert document.link_texts["/participants/cuba-foreign-minister-2023"] == (
        "Bruno Rodriguez Parrilla"
    )


def internal_links(document: Document) -> set[str]:
    return {
        link.split("#")[0] for link in document.links if link.startswith("/") and link.split("#")[0]
    }


def test_every_link_on_every_page_answers(client: TestClient) -> None:
    start = ["/", "/search?q=havana", "/countries/CU", *[f"/{name}" for name in RESOURCES]]
    start += [f"/{name}/{record_id}" for name, record_id in records(client)]
    seen: set[str] = set()
    for path in start:
        for link in internal_links(page(client, path)) - seen:
            seen.add(link)
            response = client.get(link, headers=BROWSER)
            assert response.status_code == 200, f"{link} (on {path})"
    assert len(seen) > 100


def with_claims(detail: dict[str, Any]) -> dict[str, Any]:
    """The memorandum of understanding as issue #16 records it: one in the seed article, two
    per teleSUR."""
    record = copy.deepcopy(detail)
    seed, telesur = (
        {
            "id": "tdi",
            "source": {
                "id": "tdi-2023-06-16-raisi-havana",
                "title": "TDI report",
                "publisher": "TDI",
                "url": None,
            },
            "quote": "a memorandum of understanding",
            "note": None,
        },
        {
            "id": "telesur",
            "source": {
                "id": "telesur-2023-06-15-cuba-iran-six-agreements",
                "title": "Cuba and Iran Sign Six Cooperation Agreements",
                "publisher": "teleSUR English",
                "url": "https://www.telesurenglish.net/news/x.html",
            },
            "quote": None,
            "note": "teleSUR counts two memorandums <of understanding>.",
        },
    )
    record["claims"] = {
        "count": [
            {"value": 1, "rank": "normal", "qualifiers": None, "citations": [seed]},
            {"value": 2, "rank": "normal", "qualifiers": {"at_least": 2}, "citations": [telesur]},
        ],
        "title": [{"value": "MoU", "rank": "deprecated", "qualifiers": None, "citations": [seed]}],
    }
    record["disputed"] = ["count"]
    return record


def test_a_disputed_fact_shows_each_version_beside_its_source(client: TestClient) -> None:
    agreement = "2023-06-15-iran-cuba-memorandum-of-understanding"
    record = with_claims(client.get(f"/v1/agreements/{agreement}").json())
    reader = client.app.state.reader  # type: ignore[attr-defined]
    html = record_pages.record_html(reader, RESOURCES["agreements"], record)
    document = read(html)
    assert document.having("a", href="#claim-count")[0]["class"] == "disputed"
    assert "How many 1 disputed: see each source's version" in document.text
    assert (3, "count disputed") in document.headings
    assert (3, "title") in document.headings  # an alternative, not disputed: after
    headings = [text for level, text in document.headings if level == 3]
    assert headings.index("count disputed") < headings.index("title")
    assert "Value 1 Rank: normal a memorandum of understanding TDI report, TDI, 2023-06-16." in (
        document.text
    )
    assert (
        "Value 2 (at least: 2) Rank: normal What the source reports, in our words: teleSUR counts "
        "two memorandums <of understanding>. Cuba and Iran Sign Six Cooperation Agreements, "
        "teleSUR English, 2023-06-15."
    ) in document.text
    assert "&lt;of understanding&gt;" in html
    assert document.link_texts["https://www.telesurenglish.net/news/x.html"] == (
        "https://www.telesurenglish.net/news/x.html"
    )
    assert "Value MoU Rank: deprecated" in document.text


def test_a_record_without_claims_has_no_claims_section(client: TestClient) -> None:
    html = client.get(
        "/agreements/2023-06-iran-cuba-joint-commission-technological-cooperation",
        headers=BROWSER,
    ).text
    assert 'id="claims-heading"' not in html
    assert "disputed" not in read(html).text


def test_the_memorandum_page_shows_both_counts_from_the_api_s_claims(client: TestClient) -> None:
    # The page renders the stored detail's `claims` and `disputed` (the API's data).
    detail = client.get("/v1/agreements/2023-06-15-iran-cuba-memorandum-of-understanding").json()
    assert detail["disputed"] == ["count"]
    assert sorted(claim["value"] for claim in detail["claims"]["count"]) == [1, 2]
    document = page(client, "/agreements/2023-06-15-iran-cuba-memorandum-of-understanding")
    assert (2, "What the sources say, version by version") in document.headings
    assert (3, "count disputed") in document.headings
    assert "Value 1" in document.text
    assert "Value 2" in document.text


@pytest.mark.parametrize("name", RECORD_PAGES)
def test_an_unknown_id_is_a_404_page(client: TestClient, name: str) -> None:
    response = client.get(f"/{name}/no-such-record", headers=BROWSER)
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    document = read(response.text)
    assert document.headings[0] == (1, "Not found")
    singular = RESOURCES[name].singular
    assert f"No {singular} has the id 'no-such-record'." in document.text


def test_a_part_in_a_visit_not_listed_on_the_participant_s_page_names_it_by_id(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Their page lists their first SHOWN visits and meetings; their parts in the others
    # link by id (the lookup of a part's visit among those listed once failed with a 500).
    # (Rendered here: the stored page was made with every visit listed.)
    monkeypatch.setattr(record_pages, "SHOWN", 1)
    with TestClient(create_app(settings)) as fresh:
        record = fresh.get("/v1/participants/ebrahim-raisi").json()
        html = record_pages.record_html(fresh.app.state.reader, RESOURCES["participants"], record)  # type: ignore[attr-defined]
    document = read(html)
    visits = {link for link in document.links if link.startswith("/visits/")}
    by_id = {link for link in visits if document.link_texts[link] == link.removeprefix("/visits/")}
    assert (len(visits), len(by_id)) == (3, 2)
