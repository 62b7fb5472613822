"""Query models parsed by `app.api.query.from_query` exactly as FastAPI parses them.

Each query string goes to two probe routes over the same model: one declared the FastAPI way
(`Annotated[Model, Query()]`), one with `from_query(Model)`. Values and errors must be equal.
"""

from typing import Annotated, Any, get_args

import pytest
from fastapi import FastAPI, Query
from fastapi.testclient import TestClient
from pydantic import BaseModel

from app.api.filters import (
    AgreementFilters,
    CountryFilters,
    MeetingFilters,
    OnePageParams,
    ParticipantFilters,
    SearchParams,
    SourceFilters,
    TopicFilters,
    TourFilters,
    VisitFilters,
    VisitPartParams,
)
from app.api.query import documented_parameters, from_query
from app.storage import SEARCHABLE

MODELS: list[type[BaseModel]] = [
    VisitFilters,
    MeetingFilters,
    AgreementFilters,
    ParticipantFilters,
    TourFilters,
    CountryFilters,
    TopicFilters,
    SourceFilters,
    SearchParams,
    VisitPartParams,
    OnePageParams,
]

QUERIES = [
    "",
    "limit=10",
    "limit=0",
    "limit=abc",
    "limit=",
    "sort=-start_date",
    "sort=nope",
    "format=csv",
    "format=xml",
    "cursor=" + "x" * 1001,
    "q=diaz canel",
    "q=",
    "country=cu&host_country=IRN",
    "country=ZZZ",
    "visitor_country=1",
    "from=2023-06-01&to=2023-06-30",
    "from=2023-13-01",
    "from=2023-06-30&to=2023-06-01",
    "updated_since=2023-06-16T00:00:00Z",
    "updated_since=yesterday",
    "facet=host_country&facet=year",
    "facet=host_country,year",
    "facet=nope",
    "facet=",
    "kind=official&participant=ebrahim-raisi&topic=energy&tour=x",
    "status=signed&visit=2023-06-raisi-cuba",
    "type=visit",
    "nope=1",
    "limit=5&nope=1&other=2&other=3",
]


def _probe(model: type[BaseModel]) -> TestClient:
    probe = FastAPI()

    @probe.get("/fastapi")
    def fastapi_way(params: Annotated[model, Query()]) -> Any:  # type: ignore[valid-type]
        return params.model_dump(mode="json")

    @probe.get("/ours")
    def our_way(params: Annotated[model, from_query(model)]) -> Any:  # type: ignore[valid-type]
        return params.model_dump(mode="json")

    return TestClient(probe)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_from_query_parses_as_fastapi_does(model: type[BaseModel]) -> None:
    client = _probe(model)
    for query in QUERIES:
        theirs = client.get(f"/fastapi?{query}")
        ours = client.get(f"/ours?{query}")
        assert (ours.status_code, ours.json()) == (theirs.status_code, theirs.json()), query


def test_the_probe_sees_values_and_errors() -> None:
    # The comparison above is only worth something if both sides parse: spot-check one.
    client = _probe(VisitFilters)
    body = client.get("/ours?limit=20&facet=host_country&facet=year").json()
    assert (body["limit"], body["facet"]) == (20, ["host_country", "year"])
    errors = client.get("/ours?limit=0&format=xml").json()["detail"]
    assert [error["loc"] for error in errors] == [["query", "limit"], ["query", "format"]]


def test_parameters_are_documented_as_fastapi_documents_them() -> None:
    probe = FastAPI()

    @probe.get("/")
    def endpoint(params: Annotated[VisitFilters, Query()]) -> None:
        """The FastAPI way."""

    expected = probe.openapi()["paths"]["/"]["get"]["parameters"]
    assert list(documented_parameters(VisitFilters)) == expected
    assert [p["name"] for p in expected][:4] == ["limit", "cursor", "format", "from"]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("limit=10&limit=20", ["limit"]),
        ("sort=id&sort=-id&q=a&q=b&kind=a&kind=b", ["sort", "q"]),
    ],
)
def test_a_single_value_given_twice_is_refused_not_dropped(
    client: TestClient, query: str, named: list[str]
) -> None:
    # FastAPI would keep the last value and drop the others without a word.
    answer = client.get(f"/v1/visits?{query}")
    assert answer.status_code == 422
    assert [error["name"] for error in answer.json()["errors"]] == named
    assert {error["message"] for error in answer.json()["errors"]} == {
        "given more than once; give one value"
    }


def test_the_search_s_type_names_exactly_what_storage_searches() -> None:
    # Two lists of one set (a Literal for the parameter's schema and errors, a tuple for the
    # index): kept equal here.
    annotation = SearchParams.model_fields["type"].annotation
    (literal, _none) = get_args(annotation)
    assert get_args(literal) == SEARCHABLE
