"""Every route's error paths: one problem shape, naming each bad parameter, never a 500."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from tests.support import DETAIL_PATHS

LISTS = {
    "/v1/visits": {"sort", "from", "country"},
    "/v1/meetings": {"sort", "from", "country"},
    "/v1/agreements": {"sort", "from", "country"},
    "/v1/participants": {"sort", "country"},
    "/v1/tours": {"sort", "from", "country"},
    "/v1/countries": {"sort"},
    "/v1/topics": {"sort"},
    "/v1/sources": {"sort"},
    "/v1/visits/2023-06-raisi-cuba/meetings": set(),
    "/v1/visits/2023-06-raisi-cuba/agreements": set(),
    "/v1/search?q=havana": set(),
}


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert set(body) == {"type", "title", "status", "detail", "instance", "errors"}
    assert body["status"] == status
    assert body["type"].startswith("https://diplomatic-visits.example/problems/")
    return body


def names(body: dict[str, Any]) -> list[str]:
    return [e["name"] for e in body["errors"]]


def join(path: str, query: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{query}"


def list_cases() -> list[tuple[str, str, str]]:
    cases = []
    for path, extra in LISTS.items():
        cases += [
            (path, "limit=0", "limit"),
            (path, "limit=501", "limit"),
            (path, "limit=ten", "limit"),
            (path, "limit=-1", "limit"),
            (path, "limit=99999999999999999999999", "limit"),
            (path, "cursor=not-a-cursor", "cursor"),
            (path, "cursor=eyJ4IjoxfQ.AAAAAAAAAAAAAAAAAAAAAA", "cursor"),
            (path, "colour=red", "colour"),
        ]
        if "sort" in extra:
            cases.append((path, "sort=colour", "sort"))
        if "from" in extra:
            cases += [
                (path, "from=2023-02-30", "from"),
                (path, "from=15/06/2023", "from"),
                (path, "from=1686787200", "from"),
                (path, "from=2023-06-20&to=2023-06-01", "to"),
            ]
        if "country" in extra:
            cases += [(path, "country=ZZ", "country"), (path, "country=CUBA", "country")]
    return cases


@pytest.mark.parametrize(("path", "query", "parameter"), list_cases())
def test_bad_list_parameters_are_422_naming_the_parameter(
    client: TestClient, path: str, query: str, parameter: str
) -> None:
    body = problem(client.get(join(path, query)), 422)
    assert names(body) == [parameter]
    assert body["title"] == "Invalid parameters"
    assert body["instance"] == path.split("?")[0]


def test_several_bad_parameters_are_all_named(client: TestClient) -> None:
    body = problem(client.get("/v1/visits?limit=0&sort=colour&host_country=ZZ"), 422)
    assert sorted(names(body)) == ["host_country", "limit", "sort"]
    assert body["detail"].startswith("limit: ") or "limit: " in body["detail"]


@pytest.mark.parametrize("template", DETAIL_PATHS)
def test_unknown_ids_are_404(client: TestClient, template: str) -> None:
    missing = "ZZ" if template.startswith("/v1/countries") else "no-such-record"
    body = problem(client.get(template.format(missing)), 404)
    assert missing in body["detail"]


@pytest.mark.parametrize("template", DETAIL_PATHS)
def test_details_reject_unknown_parameters(client: TestClient, template: str) -> None:
    known = (
        "CU"
        if template.startswith("/v1/countries")
        else {
            "/v1/meetings/{}": "2023-06-havana-cigb-visit",
            "/v1/agreements/{}": "2023-06-15-iran-cuba-cooperation-documents",
            "/v1/participants/{}": "ebrahim-raisi",
            "/v1/tours/{}": "2023-06-raisi-latin-america",
            "/v1/sources/{}": "tdi-2023-06-16-raisi-havana",
            "/v1/claims/{}": "participant:cuba-foreign-minister-2023:name:02f6565b5e",
            "/v1/statements/{}": "2023-06-raul-castro-unilateralism-over",
            "/v1/citations/{}": "meeting:2023-06-15-havana-raisi-diaz-canel-talks:a066d7f316",
        }.get(template, "2023-06-raisi-cuba")
    )
    assert client.get(template.format(known)).status_code == 200
    body = problem(client.get(template.format(known) + "?expand=all"), 422)
    assert body["errors"] == [
        {"name": "expand", "location": "query", "message": "unknown parameter"}
    ]


def test_unknown_path_and_method(client: TestClient) -> None:
    assert problem(client.get("/v2/visits"), 404)["detail"] == "No resource at /v2/visits."
    body = problem(client.post("/v1/visits", json={}), 405)
    assert body["detail"] == "POST is not allowed here."


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "'",
        "*",
        "AND",
        "NOT",
        "a OR",
        "NEAR(a b)",
        "title:havana",
        "^havana",
        "'; DROP TABLE visit; --",
        'havana" OR 1=1 --',
        "(",
        "x" * 500,
        "😀 havana",
        "\u0000havana",
    ],
)
def test_any_search_string_is_text(client: TestClient, q: str) -> None:
    for path in ("/v1/visits", "/v1/search"):
        response = client.get(path, params={"q": q})
        assert response.status_code in (200, 422), response.text
        if response.status_code == 422:
            assert names(problem(response, 422)) == ["q"]
        else:
            assert "items" in response.json()


def test_search_needs_words(client: TestClient) -> None:
    body = problem(client.get("/v1/search", params={"q": "!!! ???"}), 422)
    assert body["errors"][0]["message"] == (
        "nothing to search for: give at least one letter or digit"
    )
    assert names(problem(client.get("/v1/search", params={"q": "x" * 501}), 422)) == ["q"]
    assert names(problem(client.get("/v1/search"), 422)) == ["q"]


def test_internal_errors_show_nothing_internal(settings: Any) -> None:
    app = create_app(settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("SELECT secret FROM internals")

    with TestClient(app, raise_server_exceptions=False) as broken:
        body = problem(broken.get("/boom"), 500)
    assert body["detail"] == "Something went wrong on our side."
    assert "SELECT" not in str(body)
