"""`/v1/export/{resource}.{csv,ndjson}`: everything that matches, streamed."""

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

from tests.support import RESOURCE_NAMES


@pytest.mark.parametrize("resource", RESOURCE_NAMES)
def test_csv_export_has_a_row_per_record(client: TestClient, resource: str) -> None:
    total = client.get(f"/v1/{resource}").json()["total"]
    response = client.get(f"/v1/export/{resource}.csv")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="{resource}.csv"'
    rows = list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"), newline="")))
    assert len(rows) == total


@pytest.mark.parametrize("resource", RESOURCE_NAMES)
def test_ndjson_export_equals_every_page(client: TestClient, resource: str) -> None:
    everything = []
    url: str | None = f"/v1/{resource}?limit=100"
    while url:
        page = client.get(url)
        everything += page.json()["items"]
        link = page.headers.get("link")
        url = link[1 : link.index(">")] if link else None
    exported = client.get(f"/v1/export/{resource}.ndjson").text.splitlines()
    assert [json.loads(line) for line in exported] == everything


def test_export_takes_the_list_filters_and_sort(client: TestClient) -> None:
    text = client.get("/v1/export/visits.ndjson?visitor_country=IR&sort=start_date").text
    assert [json.loads(line)["id"] for line in text.splitlines()] == [
        "2023-06-raisi-venezuela",
        "2023-06-raisi-nicaragua",
        "2023-06-raisi-cuba",
    ]
    csv_text = client.get("/v1/export/meetings.csv?q=diaz%20canel").text
    assert csv_text.count("\r\n") == 4  # header and three meetings


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/v1/export/visits.xml", "format"),
        ("/v1/export/visits.csv?limit=10", "limit"),
        ("/v1/export/visits.csv?host_country=ZZ", "host_country"),
        ("/v1/export/visits.csv?q=%21%21", "q"),
        ("/v1/export/visits.csv?sort=colour", "sort"),
    ],
)
def test_bad_export_parameters_fail_before_streaming(
    client: TestClient, url: str, parameter: str
) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert [e["name"] for e in response.json()["errors"]] == [parameter]


def test_unknown_export_is_404(client: TestClient) -> None:
    assert client.get("/v1/export/speeches.csv").status_code == 404
