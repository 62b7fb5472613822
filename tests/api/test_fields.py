"""`fields=`: sparse lists, records and exports, in JSON, CSV and NDJSON (app/api/fields.py)."""

import csv
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.main import RESOURCES

VISIT_FIELDS = (
    "created_at, updated_at, id, tour_id, leg, visitor, visitor_country, host_country, city, "
    "latitude, longitude, start_date, end_date, kind, summary, topics, disputed, source_ids"
)


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_a_list_answers_the_fields_named_in_their_order(client: TestClient) -> None:
    page = client.get("/v1/visits?fields=start_date,id&sort=id").json()
    assert page["items"] == [
        {"start_date": "2023-06-14", "id": "2023-06-raisi-cuba"},
        {"start_date": "2023-06-13", "id": "2023-06-raisi-nicaragua"},
        {"start_date": "2023-06-12", "id": "2023-06-raisi-venezuela"},
    ]
    assert [list(item) for item in page["items"]] == [["start_date", "id"]] * 3
    assert page["total"] == 3


def test_repeated_and_comma_separated_mean_the_same(client: TestClient) -> None:
    joined = client.get("/v1/visits?fields=id,city")
    repeated = client.get("/v1/visits?fields=id&fields=city")
    spaced = client.get("/v1/visits?fields=id%2C%20city&fields=id")
    assert joined.json() == repeated.json() == spaced.json()
    assert joined.json()["items"][0] == {"id": "2023-06-raisi-cuba", "city": "Havana"}


def test_csv_columns_follow_the_request_with_a_record_s_columns_in_their_order(
    client: TestClient,
) -> None:
    answer = client.get("/v1/visits?fields=city,visitor,id&format=csv&sort=id&limit=1")
    assert answer.status_code == 200
    assert answer.text.startswith("\ufeff")
    assert csv_rows(answer.text) == [
        [
            "city",
            "visitor.id",
            "visitor.name",
            "visitor.country.code",
            "visitor.country.name",
            "id",
        ],
        ["Havana", "ebrahim-raisi", "Ebrahim Raisi", "IR", "Iran", "2023-06-raisi-cuba"],
    ]


def test_csv_list_fields_are_the_whole_csv_s_columns(client: TestClient) -> None:
    whole = csv_rows(client.get("/v1/meetings?format=csv").text)
    sparse = csv_rows(client.get("/v1/meetings?format=csv&fields=id,topics,date").text)
    header = whole[0]
    wanted = [
        header.index(name)
        for name in ["id", *[h for h in header if h.startswith("topics.")], "date"]
    ]
    assert sparse == [[row[i] for i in wanted] for row in whole]


def test_ndjson_lists_and_exports(client: TestClient) -> None:
    listed = client.get("/v1/agreements?format=ndjson&fields=id,count&sort=id")
    exported = client.get("/v1/export/agreements.ndjson?fields=id,count&sort=id")
    assert listed.text == exported.text
    records = [json.loads(line) for line in exported.text.splitlines()]
    assert records[0] == {"id": "2023-06-15-iran-cuba-cooperation-documents", "count": 6}
    assert {tuple(record) for record in records} == {("id", "count")}
    assert len(records) == client.get("/v1/agreements").json()["total"]


def test_csv_export_with_fields(client: TestClient) -> None:
    answer = client.get("/v1/export/visits.csv?fields=host_country,id&sort=id")
    assert answer.status_code == 200
    assert csv_rows(answer.text) == [
        ["host_country.code", "host_country.name", "id"],
        ["CU", "Cuba", "2023-06-raisi-cuba"],
        ["NI", "Nicaragua", "2023-06-raisi-nicaragua"],
        ["VE", "Venezuela", "2023-06-raisi-venezuela"],
    ]


def test_a_record_by_id_with_fields(client: TestClient) -> None:
    whole = client.get("/v1/visits/2023-06-raisi-cuba").json()
    sparse = client.get("/v1/visits/2023-06-raisi-cuba?fields=meetings,id")
    assert sparse.status_code == 200
    assert sparse.json() == {"meetings": whole["meetings"], "id": "2023-06-raisi-cuba"}
    assert list(sparse.json()) == ["meetings", "id"]
    # A detail's own fields, not only the list item's.
    assert client.get("/v1/countries/CU?fields=name").json() == {"name": "Cuba"}
    gzipped = client.get(
        "/v1/visits/2023-06-raisi-cuba?fields=id", headers={"Accept-Encoding": "gzip"}
    )
    assert gzipped.json() == {"id": "2023-06-raisi-cuba"}


@pytest.mark.parametrize(
    "path",
    [
        "/v1/visits?fields=id,nope",
        "/v1/visits/2023-06-raisi-cuba?fields=nope",
        "/v1/export/visits.csv?fields=nope",
        "/v1/visits?fields=nope&format=csv",
    ],
)
def test_an_unknown_field_is_a_422_naming_it_and_the_known_ones(
    client: TestClient, path: str
) -> None:
    answer = client.get(path)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    detail_fields = "meetings" if "raisi-cuba" in path else None
    [error] = answer.json()["errors"]
    assert error["name"] == "fields"
    assert error["location"] == "query"
    assert "unknown field 'nope'; use " in error["message"]
    if detail_fields:
        assert "meetings" in error["message"]
    else:
        assert error["message"].endswith(VISIT_FIELDS)


def test_an_empty_field_name_is_a_422(client: TestClient) -> None:
    for path in ("/v1/visits?fields=", "/v1/visits?fields=id,,city"):
        answer = client.get(path)
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["name"] == "fields"
        assert "an empty field name" in answer.json()["errors"][0]["message"]


def test_a_detail_field_is_not_a_list_field(client: TestClient) -> None:
    assert client.get("/v1/visits?fields=meetings").status_code == 422
    assert client.get("/v1/visits/2023-06-raisi-cuba?fields=meetings").status_code == 200


def test_etags_differ_per_fields(client: TestClient) -> None:
    tags = {
        client.get(path).headers["etag"]
        for path in (
            "/v1/visits",
            "/v1/visits?fields=id",
            "/v1/visits?fields=id,city",
            "/v1/visits?fields=city,id",
            "/v1/visits/2023-06-raisi-cuba",
            "/v1/visits/2023-06-raisi-cuba?fields=id",
        )
    }
    assert len(tags) == 6
    sparse = client.get("/v1/visits?fields=id")
    again = client.get("/v1/visits?fields=id", headers={"If-None-Match": sparse.headers["etag"]})
    assert again.status_code == 304


def test_paging_with_fields_follows_the_cursor(client: TestClient) -> None:
    first = client.get("/v1/visits?fields=id&limit=2&sort=id").json()
    second = client.get(f"/v1/visits?fields=id&limit=2&sort=id&cursor={first['next_cursor']}")
    assert second.json()["items"] == [{"id": "2023-06-raisi-venezuela"}]
    # The cursor is bound to the filters and sort, not to the fields.
    same = client.get(f"/v1/visits?limit=2&sort=id&cursor={first['next_cursor']}")
    assert same.json()["items"][0]["id"] == "2023-06-raisi-venezuela"


def _parameter(operation: dict[str, Any]) -> dict[str, Any]:
    [found] = [p for p in operation["parameters"] if p["name"] == "fields"]
    return found


def test_the_schema_lists_each_operation_s_fields(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for resource in RESOURCES:
        operations = [
            paths[resource.path]["get"],
            paths[f"/v1/export/{resource.name}.{{format}}"]["get"],
        ]
        known = list(resource.item.model_fields)
        if resource.detail is not None:
            detail = next(
                item["get"]
                for path, item in paths.items()
                if path.startswith(f"{resource.path}/{{") and path.count("/") == 3
            )
            detail_items = _parameter(detail)["schema"]["items"]
            assert detail_items["anyOf"][0]["enum"] == list(resource.detail.model.model_fields)
        for operation in operations:
            items = _parameter(operation)["schema"]["items"]
            assert items["anyOf"][0] == {"type": "string", "enum": known}


def test_the_schema_says_answers_may_hold_some_fields(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    answer = document["paths"]["/v1/visits"]["get"]["responses"]["200"]["content"]
    whole, sparse = answer["application/json"]["schema"]["anyOf"]
    assert whole == {"$ref": "#/components/schemas/ItemList_VisitPublic_"}
    record = sparse["properties"]["items"]["items"]
    assert "required" not in record
    assert record["additionalProperties"] is False
    visit = document["components"]["schemas"]["VisitPublic"]
    assert record["properties"] == visit["properties"]
    detail = document["paths"]["/v1/visits/{visit_id}"]["get"]["responses"]["200"]["content"]
    assert detail["application/json"]["schema"]["anyOf"][0] == {
        "$ref": "#/components/schemas/VisitDetail"
    }


def test_a_record_s_parts_take_fields(client: TestClient) -> None:
    meetings = client.get("/v1/visits/2023-06-raisi-cuba/meetings?fields=id&limit=2").json()
    assert meetings["items"] == [
        {"id": item["id"]}
        for item in client.get("/v1/visits/2023-06-raisi-cuba/meetings?limit=2").json()["items"]
    ]
    assert meetings["total"] == 7
    people = client.get("/v1/visits/2023-06-raisi-cuba/participants?fields=role&format=csv")
    assert csv_rows(people.text)[0] == ["role"]
    wrong = client.get("/v1/visits/2023-06-raisi-cuba/participants?fields=date")
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["name"] == "fields"
