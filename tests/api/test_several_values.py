"""Several values per filter: comma-separated or repeated, any of them matches (OR), filters
together all must (AND); every value checked; the schema says exactly what is taken."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.filters import MAX_VALUES

CUBA_MEETINGS = [
    "2023-06-14-havana-airport-arrival",
    "2023-06-15-havana-raisi-diaz-canel-talks",
    "2023-06-15-havana-signing-ceremony",
    "2023-06-havana-business-meeting",
    "2023-06-havana-cigb-visit",
    "2023-06-havana-raisi-raul-castro-meeting",
    "2023-06-havana-welcoming-ceremony",
]


def ids(client: TestClient, path: str) -> tuple[list[str], int]:
    """The ids of a list's page, and its total."""
    answer = client.get(path)
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    return [item["id"] for item in body["items"]], body["total"]


@pytest.mark.parametrize(
    "query", ["host_country=CU,NI", "host_country=CU&host_country=NI", "host_country=ni,CUB"]
)
def test_visits_of_either_host_country(client: TestClient, query: str) -> None:
    assert ids(client, f"/v1/visits?{query}") == (
        ["2023-06-raisi-cuba", "2023-06-raisi-nicaragua"],
        2,
    )
    assert ids(client, "/v1/visits?host_country=CU") == (["2023-06-raisi-cuba"], 1)


@pytest.mark.parametrize("query", ["host_country=CU,NI", "host_country=NI&host_country=CU"])
def test_meetings_of_either_host_country(client: TestClient, query: str) -> None:
    assert ids(client, f"/v1/meetings?{query}&sort=id") == (
        [*CUBA_MEETINGS, "2023-06-raisi-ortega-talks"],
        8,
    )
    assert ids(client, "/v1/meetings?host_country=CU&sort=id") == (CUBA_MEETINGS, 7)


def test_a_record_listed_under_two_of_the_values_comes_once(client: TestClient) -> None:
    # Every visit is Iran's; the Cuban one is listed under both IR and CU (`country`: either
    # side).
    assert ids(client, "/v1/visits?country=IR,CU&sort=id") == (
        ["2023-06-raisi-cuba", "2023-06-raisi-nicaragua", "2023-06-raisi-venezuela"],
        3,
    )


def test_values_or_within_a_filter_and_filters_and_together(client: TestClient) -> None:
    assert ids(client, "/v1/visits?host_country=CU,NI&topic=biotechnology,mining") == (
        ["2023-06-raisi-cuba"],
        1,
    )
    assert ids(
        client, "/v1/agreements?kind=memorandum_of_understanding,cooperation_document&sort=id"
    ) == (
        [
            "2023-06-15-iran-cuba-cooperation-documents",
            "2023-06-15-iran-cuba-memorandum-of-understanding",
        ],
        2,
    )
    assert ids(client, "/v1/participants?country=NI,cu&sort=id&limit=100") == (
        [
            "cuba-foreign-minister-2023",
            "cuban-businesspeople",
            "daniel-ortega",
            "miguel-diaz-canel",
            "raul-castro",
        ],
        5,
    )


@pytest.mark.parametrize("limit", [1, 2, 3, 5])
def test_paging_through_several_values_gives_the_whole_list(client: TestClient, limit: int) -> None:
    for sort, expected in (
        ("id", [*CUBA_MEETINGS, "2023-06-raisi-ortega-talks"]),
        ("-id", ["2023-06-raisi-ortega-talks", *reversed(CUBA_MEETINGS)]),
    ):
        seen: list[str] = []
        path = f"/v1/meetings?host_country=CU,NI&sort={sort}&limit={limit}"
        cursor = None
        while True:
            body = client.get(path + (f"&cursor={cursor}" if cursor else "")).json()
            seen += [item["id"] for item in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert seen == expected


def test_the_facets_count_each_record_once(client: TestClient) -> None:
    body = client.get("/v1/visits?country=IR,CU&facet=host_country").json()
    assert {row["value"]: row["count"] for row in body["facets"]["host_country"]} == {
        "CU": 1,
        "NI": 1,
        "VE": 1,
    }


@pytest.mark.parametrize("format", ["csv", "ndjson"])
def test_exports_take_several_values(client: TestClient, format: str) -> None:
    answer = client.get(f"/v1/export/meetings.{format}?host_country=CU&host_country=NI&sort=id")
    assert answer.status_code == 200
    lines = answer.text.splitlines()
    assert len(lines) == 8 + (format == "csv")
    assert "2023-06-raisi-ortega-talks" in lines[-1]
    assert CUBA_MEETINGS[0] in lines[-8]


@pytest.mark.parametrize(
    ("query", "name", "message"),
    [
        (
            "host_country=CU,XX",
            "host_country",
            "unknown country code 'XX'; use ISO 3166-1 alpha-2 or alpha-3",
        ),
        (
            "host_country=CU&host_country=QQ",
            "host_country",
            "unknown country code 'QQ'; use ISO 3166-1 alpha-2 or alpha-3",
        ),
        (
            "topic=energy,",
            "topic",
            "'': String should match pattern '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$'",
        ),
        ("cameo=057,999", "cameo", "unknown CAMEO code '999'"),
        ("kind=state," + "x" * 41, "kind", "String should have at most 40 characters"),
        (
            "country=" + ",".join(["CU"] * (MAX_VALUES + 1)),
            "country",
            f"at most {MAX_VALUES} values in one, comma-separated",
        ),
        (
            "&".join(["country=CU"] * (MAX_VALUES + 1)),
            "country",
            f"given {MAX_VALUES + 1} times; give it at most {MAX_VALUES} times",
        ),
        ("sort=id&sort=-id", "sort", "given more than once; give one value"),
        ("limit=1&limit=2", "limit", "given more than once; give one value"),
    ],
)
def test_every_value_is_checked_and_a_bad_one_named(
    client: TestClient, query: str, name: str, message: str
) -> None:
    answer = client.get(f"/v1/visits?{query}")
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    (error,) = answer.json()["errors"]
    assert error["name"] == name
    assert message in error["message"]


def _array_filters(operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for parameter in operation.get("parameters", []):
        schema = parameter["schema"]
        for choice in schema.get("anyOf", [schema]):
            # `facet` and `fields` (app/api/fields.py) are lists too, but no filter.
            if choice.get("type") == "array" and parameter["name"] not in ("facet", "fields"):
                found[parameter["name"]] = choice
    return found


def test_the_schema_says_several_values_as_the_api_takes_them(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    visits = document["paths"]["/v1/visits"]["get"]
    arrays = _array_filters(visits)
    assert set(arrays) == {
        "country",
        "visitor_country",
        "host_country",
        "participant",
        "tour",
        "topic",
        "kind",
        "cameo",
        "plover",
    }
    for parameter in visits["parameters"]:
        # Form style, exploded (OpenAPI's default for a query): `name=a&name=b`.
        assert "style" not in parameter
        assert "explode" not in parameter
    countries = arrays["host_country"]
    assert countries["maxItems"] == MAX_VALUES
    assert countries["items"] == {"$ref": "#/components/schemas/CountryCodes"}
    pattern = re.compile(schemas["CountryCodes"]["pattern"])
    assert pattern.search("CU,nic")
    assert not pattern.search("CU,XX")
    assert not pattern.search("CU,")
    assert not pattern.search(",".join(["CU"] * (MAX_VALUES + 1)))
    topics = re.compile(arrays["topic"]["items"]["pattern"])
    assert topics.search("energy,mining")
    assert not topics.search("energy,,mining")
    cameo = re.compile(arrays["cameo"]["items"]["pattern"])
    assert cameo.search("042,057")
    assert not cameo.search("042,999")


def test_every_list_and_export_takes_several_values_of_the_same_filters(
    client: TestClient,
) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    by_list = {
        path.removeprefix("/v1/"): set(_array_filters(item["get"]))
        for path, item in paths.items()
        if path.count("/") == 2 and "parameters" in item["get"] and "{" not in path
    }
    assert by_list["meetings"] >= {"visit", "host_country", "kind"}
    assert by_list["agreements"] >= {"status", "kind", "country"}
    assert by_list["participants"] == {"country", "visit", "kind", "external_id"}
    assert by_list["claims"] == {"subject_type", "subject", "property", "rank", "source"}
    assert by_list["statements"] == {"source", "record_type", "record", "visit", "speaker", "kind"}
    assert by_list["citations"] == {"source", "record_type", "record", "kind"}
    for name, filters in by_list.items():
        export = paths.get(f"/v1/export/{name}.{{format}}")
        if export is not None:
            assert set(_array_filters(export["get"])) == filters, name


@pytest.mark.parametrize("query", ["kind=", "kind=state,", "host_country=", "topic=,energy"])
def test_an_empty_value_is_refused_not_ignored(client: TestClient, query: str) -> None:
    answer = client.get(f"/v1/visits?{query}")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["name"] == query.split("=")[0]


@pytest.mark.parametrize(
    ("path", "name", "values"),
    [
        ("/v1/statements?limit=100", "speaker", ("raul-castro", "ebrahim-raisi")),
        ("/v1/statements?limit=100", "record_type", ("visit", "meeting")),
        ("/v1/statements?limit=100", "kind", ("direct_quote", "paraphrase")),
        ("/v1/citations?limit=100", "record_type", ("agreement", "meeting")),
        ("/v1/citations?limit=100&record_type=agreement", "kind", ("quote", "note")),
    ],
)
def test_statements_and_citations_take_several_values(
    client: TestClient, path: str, name: str, values: tuple[str, str]
) -> None:
    # Each of these records has one value of the filter: either value's records, once each.
    first, first_total = ids(client, f"{path}&{name}={values[0]}")
    second, second_total = ids(client, f"{path}&{name}={values[1]}")
    assert first
    assert second
    assert not set(first) & set(second)
    assert first_total + second_total <= 100
    both = sorted(first + second)
    for query in (f"{name}={values[0]},{values[1]}", f"{name}={values[1]}&{name}={values[0]}"):
        assert ids(client, f"{path}&{query}") == (both, first_total + second_total)
