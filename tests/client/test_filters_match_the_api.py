"""The client's keyword arguments are exactly the API's query parameters: a filter added to
the API and not to the client (or the other way round) fails here."""

import inspect
from typing import Any

import pytest
from fastapi.testclient import TestClient

from diplomatic_visits_client import DiplomaticVisitsClient, filters
from diplomatic_visits_client._core import PARAMETER_NAMES

pytestmark = pytest.mark.backend_independent(
    reason="the client's filters against the OpenAPI document"
)

RESOURCES = {
    "visits": (filters.VisitFilters, filters.VisitCriteria),
    "meetings": (filters.MeetingFilters, filters.MeetingCriteria),
    "agreements": (filters.AgreementFilters, filters.AgreementCriteria),
    "participants": (filters.ParticipantFilters, filters.ParticipantCriteria),
    "tours": (filters.TourFilters, filters.TourCriteria),
    "countries": (filters.CountryFilters, filters.CountryCriteria),
    "topics": (filters.TopicFilters, filters.TopicCriteria),
    "sources": (filters.SourceFilters, filters.SourceCriteria),
    "claims": (filters.ClaimFilters, filters.ClaimCriteria),
    "statements": (filters.StatementFilters, filters.StatementCriteria),
    "citations": (filters.CitationFilters, filters.CitationCriteria),
}
# The format is the client's business: JSON for lists, `download(format=...)` for files.
FORMAT = {"format"}


@pytest.fixture(scope="module")
def operations(client: TestClient) -> dict[str, dict[str, Any]]:
    """The API's operations by operation id."""
    paths = client.get("/openapi.json").json()["paths"]
    return {op["operationId"]: op for item in paths.values() for op in item.values()}


def query_names(operation: dict[str, Any]) -> set[str]:
    """The operation's query parameter names."""
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}


def keywords(typed: Any) -> set[str]:
    """A TypedDict's keys as query parameter names."""
    keys = typed.__required_keys__ | typed.__optional_keys__
    return {PARAMETER_NAMES.get(key, key) for key in keys}


@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_list_filters(resource: str, operations: dict[str, dict[str, Any]]) -> None:
    list_filters, _ = RESOURCES[resource]
    assert keywords(list_filters) == query_names(operations[f"list_{resource}"]) - FORMAT


@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_export_criteria(resource: str, operations: dict[str, dict[str, Any]]) -> None:
    _, criteria = RESOURCES[resource]
    assert keywords(criteria) == query_names(operations[f"export_{resource}"])


def test_search_parameters(operations: dict[str, dict[str, Any]]) -> None:
    signature = inspect.signature(DiplomaticVisitsClient.search)
    assert set(signature.parameters) - {"self"} == query_names(operations["search"]) - FORMAT
