"""A list's sorts and facets are declared once, in its `Listing` (app/queries/): the API's
parameters, the exports, the pages and the client offer exactly those."""

import typing
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
