"""List pages: the API's filters as a form, facets as links, keyset paging both ways, the same
list's addresses in the API's formats."""

from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from app.pages.data import RESOURCES
from app.pages.forms import NOT_IN_FORM, controls
from tests.pages.support import BROWSER, Document, read

LISTS = sorted(RESOURCES)
# The sort by id of each list, and the item field its record pages are named by (a country
# has no other id than its code).
BY_ID = {name: "code" if name == "countries" else "id" for name in LISTS}
# Few enough records to page through by two (every ISO country is listed: those with visits).
FEW = {name: "has_visits=true&" if name == "countries" else "" for name in LISTS}


def page(client: TestClient, path: str) -> Document:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return read(response.text)


def record_ids(document: Document, name: str) -> list[str]:
    """The records a list page shows, in order (their headings' links)."""
    prefix = f"/{name}/"
    return [
        href.removeprefix(prefix)
        for _, attributes in document.tags
        if (href := str(attributes.get("href") or "")).startswith(prefix)
        and "?" not in href
        and document.link_texts.get(href)
    ]


@pytest.mark.parametrize("name", LISTS)
def test_the_form_has_a_labelled_control_for_every_filter_of_the_api(
    client: TestClient, name: str
) -> None:
    document = page(client, f"/{name}")
    model = RESOURCES[name].filters
    parameters = {info.alias or field for field, info in model.model_fields.items()}
    named = {str(a["name"]) for t, a in document.tags if t in ("input", "select") and a.get("name")}
    # The site-wide search box aside, the form offers exactly the API's parameters.
    assert named == parameters - NOT_IN_FORM
    assert {c.name for c in controls(model)} == parameters - NOT_IN_FORM
    labelled = {str(a["for"]) for t, a in document.tags if t == "label"}
    ids = {str(a["id"]) for t, a in document.tags if t in ("input", "select")}
    assert ids <= labelled
    assert document.having("form", method="get", action=f"/{name}")


def test_the_visit_list_shows_every_visit_newest_first(client: TestClient) -> None:
    document = page(client, "/visits")
    assert record_ids(document, "visits") == [
        "2023-06-raisi-cuba",
        "2023-06-raisi-nicaragua",
        "2023-06-raisi-venezuela",
    ]
    assert "3 visits match these filters; this page shows 3." in document.text


def test_empty_form_fields_mean_any(client: TestClient) -> None:
    sent = "/visits?q=&from=&to=&country=&host_country=cu&kind=&sort=-start_date&limit=50"
    document = page(client, sent)
    assert record_ids(document, "visits") == ["2023-06-raisi-cuba"]
    # What was sent stays in the form.
    assert document.having("input", name="host_country")[0]["value"] == "cu"
    assert "selected" in document.having("option", value="-start_date")[0]


def test_facets_are_links_with_counts_to_the_filtered_list(client: TestClient) -> None:
    document = page(client, "/visits")
    assert document.link_texts["/visits?host_country=CU"] == "Cuba"
    assert document.link_texts["/visits?from=2023-01-01&to=2023-12-31"] == "2023"
    assert document.link_texts["/visits?topic=biotechnology"] == "biotechnology"
    assert "Year 2023 (3)" in document.text
    assert "Kind not known (2) official (1)" in document.text
    filtered = page(client, "/visits?host_country=CU")
    assert record_ids(filtered, "visits") == ["2023-06-raisi-cuba"]
    assert filtered.having("a", href="/visits?host_country=CU")[0]["aria-current"] == "true"


def test_a_facet_link_keeps_the_other_filters_and_starts_again_from_page_one(
    client: TestClient,
) -> None:
    first = page(client, "/visits?visitor_country=IR&limit=1")
    next_url = first.having("a", rel="next")[0]["href"]
    second = page(client, str(next_url))
    assert second.link_texts["/visits?visitor_country=IR&limit=1&host_country=NI"] == "Nicaragua"


@pytest.mark.parametrize("name", LISTS)
def test_links_to_the_same_list_in_every_format_of_the_api(client: TestClient, name: str) -> None:
    key = BY_ID[name]
    document = page(client, f"/{name}?sort={key}&limit=2")
    for label, format_ in (("JSON", "json"), ("CSV", "csv"), ("NDJSON", "ndjson")):
        address = f"/v1/{name}?sort={key}&limit=2&format={format_}"
        assert document.link_texts[address] == label
        assert client.get(address).status_code == 200
    as_json = client.get(f"/v1/{name}?sort={key}&limit=2").json()
    assert record_ids(document, name) == [item[key] for item in as_json["items"]]


def test_format_on_a_page_goes_to_the_api(client: TestClient) -> None:
    response = client.get("/visits?host_country=CU&format=csv", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/v1/visits?host_country=CU&format=csv"


def walk(client: TestClient, start: str, rel: str) -> list[list[str]]:
    """The records of each page from `start`, following `rel` links to the end."""
    name = urlsplit(start).path.strip("/")
    pages = []
    address: str | None = start
    while address is not None:
        document = page(client, address)
        pages.append(record_ids(document, name))
        found = document.having("a", rel=rel)
        address = str(found[0]["href"]) if found else None
        assert len(pages) < 20
    return pages


def sorts(name: str) -> list[str]:
    return [
        value
        for value, _ in next(
            c for c in controls(RESOURCES[name].filters) if c.name == "sort"
        ).options
    ]


@pytest.mark.parametrize(("name", "sort"), [(name, sort) for name in LISTS for sort in sorts(name)])
def test_paging_forward_matches_the_api_and_back_retraces_it(
    client: TestClient, name: str, sort: str
) -> None:
    few = FEW[name]
    listed = client.get(f"/v1/{name}?{few}sort={sort}&limit=500").json()["items"]
    api_order = [item[BY_ID[name]] for item in listed]
    forward = walk(client, f"/{name}?{few}sort={sort}&limit=2", "next")
    assert [record for one in forward for record in one] == api_order
    assert all(len(one) == 2 for one in forward[:-1])
    # From the last page, "previous" gives the same pages in reverse, down to the first,
    # which has no previous page.
    last = page(client, f"/{name}?{few}sort={sort}&limit=2")
    for _ in forward[1:]:
        last = page(client, str(last.having("a", rel="next")[0]["href"]))
    back_from = last.having("a", rel="prev")
    if len(forward) == 1:
        assert back_from == []
        return
    backward = walk(client, str(back_from[0]["href"]), "prev")
    assert backward == list(reversed(forward[:-1]))


def test_previous_pages_with_undated_meetings_first(client: TestClient) -> None:
    # Seven meetings have no date (first when sorted by date ascending), two share one:
    # the third page holds the last undated and the first dated.
    forward = walk(client, "/meetings?limit=3", "next")
    assert forward == [
        [
            "2023-06-havana-business-meeting",
            "2023-06-havana-cigb-visit",
            "2023-06-havana-raisi-raul-castro-meeting",
        ],
        [
            "2023-06-havana-welcoming-ceremony",
            "2023-06-raisi-jorge-rodriguez-meeting",
            "2023-06-raisi-maduro-talks",
        ],
        [
            "2023-06-raisi-ortega-talks",
            "2023-06-14-havana-airport-arrival",
            "2023-06-15-havana-raisi-diaz-canel-talks",
        ],
        ["2023-06-15-havana-signing-ceremony"],
    ]
    last = page(client, "/meetings?limit=3")
    for _ in range(2):
        last = page(client, str(last.having("a", rel="next")[0]["href"]))
    previous = str(last.having("a", rel="prev")[0]["href"])
    assert parse_qs(urlsplit(previous).query).keys() == {"limit", "before"}
    assert walk(client, previous, "prev") == [forward[1], forward[0]]


def test_a_cursor_of_other_filters_is_a_422_page_naming_it(client: TestClient) -> None:
    first = page(client, "/visits?limit=1")
    cursor = parse_qs(urlsplit(str(first.having("a", rel="next")[0]["href"])).query)["cursor"][0]
    response = client.get(f"/visits?limit=1&host_country=CU&cursor={cursor}", headers=BROWSER)
    assert response.status_code == 422
    document = read(response.text)
    assert "cursor (query): this cursor belongs to another sort or other filters" in document.text


def test_hostile_filter_values_are_escaped(client: TestClient) -> None:
    hostile = '"><script>alert(1)</script>'
    shown = client.get("/visits", params={"kind": hostile}, headers=BROWSER)
    assert shown.status_code == 200
    assert "<script>" not in shown.text
    assert read(shown.text).having("input", name="kind")[0]["value"] == hostile
    # Refused (the error message repeats the value): escaped in the message and in the form.
    refused = client.get("/visits", params={"country": "<b>"}, headers=BROWSER)
    assert refused.status_code == 422
    assert "<b>" not in refused.text
    document = read(refused.text)
    assert "unknown country code '<b>'" in document.text
    assert document.having("input", name="country")[0]["value"] == "<b>"
    assert document.having("input", name="country")[0]["aria-invalid"] == "true"
