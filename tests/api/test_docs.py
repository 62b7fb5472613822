"""Interactive docs work offline, and the OpenAPI document describes every part of the API."""

from typing import Any

import pytest
from fastapi.testclient import TestClient


def test_swagger_ui_is_served_from_the_package(client: TestClient) -> None:
    page = client.get("/docs").text
    assert "/static/docs/swagger-ui-bundle.js" in page
    assert "/static/docs/swagger-ui.css" in page
    assert "https://" not in page
    assert "http://" not in page
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        response = client.get(f"/static/docs/{asset}")
        assert response.status_code == 200
        assert len(response.content) > 100_000


def test_redoc_is_served_from_the_package(client: TestClient) -> None:
    page = client.get("/redoc").text
    assert "/static/docs/redoc.standalone.js" in page
    assert "fonts.googleapis.com" not in page


@pytest.fixture(scope="module")
def openapi(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def operations(openapi: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, methods in openapi["paths"].items()
        for method, operation in methods.items()
    ]


def test_every_path_of_the_spec_is_documented(openapi: dict[str, Any]) -> None:
    assert sorted(openapi["paths"]) == [
        "/healthz",
        "/v1",
        "/v1/agreements",
        "/v1/agreements/{agreement_id}",
        "/v1/citations",
        "/v1/citations/{citation_id}",
        "/v1/claims",
        "/v1/claims/{claim_id}",
        "/v1/countries",
        "/v1/countries/{code}",
        "/v1/deletions",
        "/v1/export/agreements.{format}",
        "/v1/export/citations.{format}",
        "/v1/export/claims.{format}",
        "/v1/export/countries.{format}",
        "/v1/export/database.sqlite",
        "/v1/export/events.ndjson",
        "/v1/export/meetings.{format}",
        "/v1/export/participants.{format}",
        "/v1/export/sources.{format}",
        "/v1/export/statements.{format}",
        "/v1/export/topics.{format}",
        "/v1/export/tours.{format}",
        "/v1/export/visits.{format}",
        "/v1/meetings",
        "/v1/meetings/{meeting_id}",
        "/v1/participants",
        "/v1/participants/{participant_id}",
        "/v1/search",
        "/v1/sources",
        "/v1/sources/{source_id}",
        "/v1/statements",
        "/v1/statements/{statement_id}",
        "/v1/topics",
        "/v1/tours",
        "/v1/tours/{tour_id}",
        "/v1/visits",
        "/v1/visits/{visit_id}",
        "/v1/visits/{visit_id}/agreements",
        "/v1/visits/{visit_id}/meetings",
        "/v1/visits/{visit_id}/participants",
    ]


def test_operations_have_clean_ids_tags_and_descriptions(openapi: dict[str, Any]) -> None:
    tags = {tag["name"] for tag in openapi["tags"]}
    for name, operation in operations(openapi):
        assert operation["operationId"].isidentifier(), name
        assert "_v1_" not in operation["operationId"], name
        assert operation.get("description"), name
        assert set(operation["tags"]) <= tags, name
    assert all(tag.get("description") for tag in openapi["tags"])


def test_every_parameter_has_a_description_and_an_example(openapi: dict[str, Any]) -> None:
    for name, operation in operations(openapi):
        for parameter in operation.get("parameters", []):
            label = f"{name} {parameter['name']}"
            assert parameter.get("description"), label
            assert (
                "example" in parameter
                or "examples" in parameter
                or ("examples" in parameter.get("schema", {}))
            ), label


def test_every_schema_field_has_a_description(openapi: dict[str, Any]) -> None:
    for model, schema in openapi["components"]["schemas"].items():
        if model in {"HTTPValidationError", "ValidationError"}:
            continue
        for field, definition in schema.get("properties", {}).items():
            assert definition.get("description"), f"{model}.{field}"


def test_errors_are_documented_as_problems(openapi: dict[str, Any]) -> None:
    for name, operation in operations(openapi):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                assert list(response["content"]) == ["application/problem+json"], name
                schema = response["content"]["application/problem+json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Problem"}, name


def test_every_schema_field_has_an_example(openapi: dict[str, Any]) -> None:
    for model, schema in openapi["components"]["schemas"].items():
        for field, definition in schema.get("properties", {}).items():
            nested = (
                "$ref" in definition
                or "$ref" in definition.get("items", {})
                or any("$ref" in option for option in definition.get("anyOf", []))
            )
            assert nested or "examples" in definition, f"{model}.{field}"
