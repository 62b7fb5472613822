"""A list's sorts and facets are declared once, in its `Listing` (app/queries/): the API's
parameters, the exports, the pages and the client offer exactly those."""

import re
import typing
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.main import RESOURCES
from app.api.resource import Resource
from diplomatic_visits_client import filters as client_filters

BY_NAME = {resource.name: resource for resource in RESOURCES}
CLIENT = {
    "visits": client_filters.VisitFilters,
    "meetings": client_filters.MeetingFilters,
    "agreements": client_filters.AgreementFilters,
    "participants": client_filters.ParticipantFilters,
    "tours": client_filters.TourFilters,
    "countries": client_filters.CountryFilters,
    "topics": client_filters.TopicFilters,
    "sources": client_filters.SourceFilters,
    "claims": client_filters.ClaimFilters,
    "statements": client_filters.StatementFilters,
    "citations": client_filters.CitationFilters,
}


def sort_values(resource: Resource) -> list[str]:
    """`name` and `-name` for each sort the listing declares."""
    return [value for name in resource.listing.sort_columns for value in (name, f"-{name}")]


@pytest.fixture(scope="module")
def paths(client: TestClient) -> dict[str, Any]:
    """The OpenAPI document's paths."""
    paths: dict[str, Any] = client.get("/openapi.json").json()["paths"]
    return paths


def parameter(operation: dict[str, Any], name: str) -> dict[str, Any]:
    """One query parameter's schema."""
    (found,) = [p["schema"] for p in operation["parameters"] if p["name"] == name]
    return found


def test_every_resource_has_a_client_filter_model() -> None:
    assert set(CLIENT) == set(BY_NAME)


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_the_sort_parameter_is_the_listing_s(name: str, paths: dict[str, Any]) -> None:
    resource = BY_NAME[name]
    for path in (f"/v1/{name}", f"/v1/export/{name}.{{format}}"):
        sort = parameter(paths[path]["get"], "sort")
        assert sort["enum"] == sort_values(resource)
        assert sort["default"] == resource.listing.default_sort
    assert resource.sorts is resource.listing.sort_columns
    hints = typing.get_type_hints(CLIENT[name])
    assert list(typing.get_args(hints["sort"])) == sort_values(resource)


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_the_facets_are_the_listing_s(name: str, client: TestClient) -> None:
    resource = BY_NAME[name]
    assert resource.facets is resource.listing.facets
    hints = typing.get_type_hints(CLIENT[name])
    if not resource.facets:
        assert "facet" not in resource.filters.model_fields
        assert "facet" not in hints
        return
    (literal,) = typing.get_args(hints["facet"])
    assert typing.get_args(literal) == resource.facets
    answer = client.get(f"/v1/{name}?facet={','.join(resource.facets)}&limit=1")
    assert list(answer.json()["facets"]) == list(resource.facets)
    refused = client.get(f"/v1/{name}?facet=nothing")
    assert refused.json()["errors"][0]["message"] == (
        f"unknown facet 'nothing'; use {', '.join(resource.facets)}"
    )


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_every_sort_is_answered_both_ways(name: str, client: TestClient) -> None:
    for sort in sort_values(BY_NAME[name]):
        assert client.get(f"/v1/{name}?sort={sort}&limit=1").status_code == 200


def _key(item: dict[str, Any], field: str) -> Any:
    value = item[field]
    return value["code"] if isinstance(value, dict) else value  # a country by its code


def _in_order(items: list[dict[str, Any]], field: str, descending: bool) -> list[str]:
    """Ids sorted as the API documents it: by the field, NULLs first ascending and last
    descending, ties by id in the same direction."""
    dated = [item for item in items if _key(item, field) is not None]
    undated = [item for item in items if _key(item, field) is None]
    ordered = sorted(dated, key=lambda item: (_key(item, field), item["id"]), reverse=descending)
    nulls = sorted(undated, key=lambda item: item["id"], reverse=descending)
    return [item["id"] for item in ([*ordered, *nulls] if descending else [*nulls, *ordered])]


NEW_SORTS = [
    ("visits", "host_country"),
    ("visits", "visitor_country"),
    ("visits", "city"),
    ("agreements", "count"),
    ("agreements", "signed_on"),
    ("meetings", "date"),
    ("participants", "name"),
]


@pytest.mark.parametrize(("name", "field"), NEW_SORTS)
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("limit", [1, 2])
def test_paging_a_sort_by_cursor_gives_the_whole_list_in_order(
    client: TestClient, name: str, field: str, descending: bool, limit: int
) -> None:
    every = client.get(f"/v1/{name}?limit=500").json()["items"]
    sort = f"-{field}" if descending else field
    seen: list[str] = []
    cursor = None
    while True:
        suffix = f"&cursor={cursor}" if cursor else ""
        body = client.get(f"/v1/{name}?sort={sort}&limit={limit}{suffix}").json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == _in_order(every, field, descending)


def test_the_seed_s_visits_by_host_country_and_city(client: TestClient) -> None:
    def ids(sort: str) -> list[str]:
        return [item["id"] for item in client.get(f"/v1/visits?sort={sort}").json()["items"]]

    cuba, nicaragua, venezuela = (
        "2023-06-raisi-cuba",
        "2023-06-raisi-nicaragua",
        "2023-06-raisi-venezuela",
    )
    assert ids("host_country") == [cuba, nicaragua, venezuela]
    assert ids("-host_country") == [venezuela, nicaragua, cuba]
    assert ids("city") == [venezuela, cuba, nicaragua]  # Caracas, Havana, Managua
    assert ids("-visitor_country") == [venezuela, nicaragua, cuba]  # all IR: by id
    filtered = client.get("/v1/visits?country=IR&sort=-city&format=csv").text.splitlines()
    assert [line.split(",")[0] for line in filtered[1:]] == [nicaragua, cuba, venezuela]


def test_the_docs_sorts_table_is_the_listings() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs/api.md").read_text()
    table = page.split("## Sorts", 1)[1].split("| list | sorts | default |\n|---|---|---|\n")[1]
    rows = {}
    for line in table.split("\n\n", 1)[0].splitlines():
        name, sorts, default = (cell.strip() for cell in line.strip("|").split("|"))
        rows[name] = (re.findall(r"`([a-z_]+)`", sorts), default.strip("`"))
    assert rows == {
        name: (list(resource.listing.sort_columns), resource.listing.default_sort)
        for name, resource in BY_NAME.items()
    }
