"""The same data on SQLite and on PostgreSQL answers byte for byte the same on every list,
detail, export and page (search answers too: the same hits, scores and snippets in the
same order, the database's character type being UTF-8; a search page's cursors hold each
engine's own positions). The seeded
SQLite database is copied to PostgreSQL (`python -m app copy`: the same timestamps), whose
search index, stored documents and list entries are then built on PostgreSQL.

Runs where a PostgreSQL server answers at POSTGRES_URL (default 127.0.0.1:5432, user root):
a fresh database with a random name, dropped afterwards (tests/postgres.py).
"""

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.copy import copy_database
from app.main import create_app
from tests.postgres import fresh_database
from tests.support import DETAIL_PATHS, RESOURCE_NAMES

# The shared `client` is the SQLite one in the SQLite run, the only run this module is in.
pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.backend_independent(reason="compares SQLite with PostgreSQL itself: once"),
]


@pytest.fixture(scope="module")
def pg_client(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client on the app over the seeded database copied to a fresh PostgreSQL one."""
    with fresh_database() as url:
        report = copy_database(database_url, url)
        assert all(table.matches for table in report)
        settings = Settings(
            database_url=url,
            cursor_secret="test-secret",
            export_dir=tmp_path_factory.mktemp("pg-exports"),
        )
        with TestClient(create_app(settings)) as client:
            yield client


def _ids(client: TestClient, resource: str) -> list[str]:
    found = client.get(f"/v1/{resource}", params={"limit": 200}).json()["items"]
    return [item.get("id") or item.get("code") for item in found]


def _paths(client: TestClient) -> list[str]:
    """Every list (default and sorted, faceted, filtered, paged), detail and export."""
    paths = []
    for resource in RESOURCE_NAMES:
        paths += [
            f"/v1/{resource}",
            f"/v1/{resource}?limit=2",
            f"/v1/{resource}?limit=200",
            f"/v1/{resource}?format=csv&limit=200",
        ]
    paths += [
        "/v1/visits?sort=-start_date",
        "/v1/visits?sort=start_date&limit=1",
        "/v1/visits?facets=year,host_country,visitor_country,kind",
        "/v1/visits?host_country=CU",
        "/v1/visits?q=havana",
        "/v1/visits?q=diaz%2A%20canel",
        "/v1/visits?q=havana&sort=-start_date",
        "/v1/meetings?q=raisi",
        "/v1/meetings?sort=-date",
        "/v1/agreements?sort=-signed_on",
        "/v1/participants?q=raisi",
        "/v1/changes",
        "/v1/export/visits.csv",
        "/v1/export/visits.jsonl",
        "/healthz",
    ]
    return paths + NEWER_PATHS + _detail_paths(client)


# Statements, citations, disputed countries and topics, fields= and the newer exports.
NEWER_PATHS = [
    "/v1/statements?record_type=meeting",
    "/v1/statements?facet=kind,record_type,speaker",
    "/v1/statements?q=unilateralism",
    "/v1/statements?sort=-id&limit=3",
    "/v1/citations?kind=quote",
    "/v1/citations?record_type=visit&limit=5",
    "/v1/citations?facet=kind,record_type,source",
    "/v1/countries?disputed=true",
    "/v1/countries?disputed=false&limit=5",
    "/v1/topics?disputed=true",
    "/v1/topics?disputed=false",
    "/v1/visits?fields=id,start_date,host_country",
    "/v1/visits?fields=city,id&format=csv",
    "/v1/statements?fields=id,speaker&limit=4",
    "/v1/citations?fields=id,kind",
    "/v1/countries?fields=code,disputed",
    "/v1/export/visits.csv?fields=id,host_country",
    "/v1/export/statements.csv",
    "/v1/export/statements.ndjson",
    "/v1/export/citations.csv",
    "/v1/export/citations.ndjson?fields=id,kind",
    "/v1/export/countries.csv",
    "/v1/export/topics.ndjson",
    "/v1/export/claims.csv",
    "/v1/export/events.ndjson",
    "/v1/search?q=cuba&limit=100",
    "/v1/search?q=havana&limit=100",
    "/v1/search?q=castro&type=meeting",
    "/v1/search?q=diaz%20canel&limit=100",
    "/v1/search?q=iran&limit=100",
]


def _detail_paths(client: TestClient) -> list[str]:
    paths = []
    for template in DETAIL_PATHS:
        resource = template.split("/")[2]
        for record in _ids(client, resource)[:25]:
            paths.append(template.format(record))
    visit = _ids(client, "visits")[0]
    paths += [f"/v1/visits/{visit}?fields=id,city", f"/v1/visits/{visit}/meetings?fields=id"]
    return paths


def test_every_list_detail_and_export_is_the_same_on_both(
    client: TestClient, pg_client: TestClient
) -> None:
    compared = 0
    for path in _paths(client):
        on_sqlite = client.get(path)
        on_postgres = pg_client.get(path)
        assert on_postgres.status_code == on_sqlite.status_code, path
        assert on_postgres.content == on_sqlite.content, path
        compared += 1
    assert compared > 100
    for path in NEWER_PATHS:
        assert client.get(path).status_code == 200, path


def test_cursors_walk_the_same_pages(client: TestClient, pg_client: TestClient) -> None:
    for first in ("/v1/visits?limit=1", "/v1/participants?limit=3", "/v1/visits?q=visit&limit=1"):
        path, pages = first, 0
        while path:
            on_sqlite, on_postgres = client.get(path), pg_client.get(path)
            assert on_postgres.content == on_sqlite.content, path
            cursor = on_sqlite.json()["next_cursor"]
            path = f"{first}&cursor={cursor}" if cursor else ""
            pages += 1
        assert pages > 1, first


@pytest.mark.parametrize("query", ["havana", "diaz* canel", "DÍAZ-CANEL", "raisi visit", "cuba"])
def test_search_finds_the_same_records(
    client: TestClient, pg_client: TestClient, query: str
) -> None:
    def found(c: TestClient) -> list[tuple[str, str]]:
        body = c.get("/v1/search", params={"q": query, "limit": 100}).json()
        return sorted((hit["resource"], hit["id"]) for hit in body["items"])

    on_sqlite = found(client)
    assert on_sqlite
    assert found(pg_client) == on_sqlite


@pytest.mark.parametrize(
    "params",
    [
        {"q": "castro", "limit": "2"},
        {"q": "talks"},
        {"q": "talks", "type": "meeting"},
        {"q": "diaz canel", "type": "participant"},
        {"q": "havana"},
    ],
)
def test_the_documented_searches_keep_their_order(
    client: TestClient, pg_client: TestClient, params: dict[str, str]
) -> None:
    def ranked(c: TestClient) -> list[tuple[str, str]]:
        body = c.get("/v1/search", params=params).json()
        return [(hit["resource"], hit["id"]) for hit in body["items"]]

    assert ranked(pg_client) == ranked(client)


@pytest.mark.parametrize("query", ["havana", "castro", "DÍAZ-CANEL", "raisi visit", "cuba"])
def test_search_answers_the_same_snippets(
    client: TestClient, pg_client: TestClient, query: str
) -> None:
    def snippets(c: TestClient) -> dict[tuple[str, str], str]:
        body = c.get("/v1/search", params={"q": query, "limit": 100}).json()
        return {(hit["resource"], hit["id"]): hit["snippet"] for hit in body["items"]}

    on_sqlite = snippets(client)
    assert any("<mark>" in snippet for snippet in on_sqlite.values())
    assert snippets(pg_client) == on_sqlite


def _link(html: str, label: str) -> str | None:
    found = re.search(rf'<a[^>]*href="([^"]+)"[^>]*>\s*{label}', html)
    return None if found is None else found.group(1).replace("&amp;", "&")


def test_search_pages_page_forward_and_back_the_same(
    client: TestClient, pg_client: TestClient
) -> None:
    """Each engine walks by its own links (a search cursor holds the engine's position of a
    hit); the pages are the same but for those cursors."""

    def walk(c: TestClient) -> list[str]:
        path: str | None = "/search?q=havana&limit=2"
        pages = []
        while path is not None and len(pages) < 4:
            shown = c.get(path)
            assert shown.status_code == 200, path
            pages.append(shown.text)
            path = _link(shown.text, "Next")
        back = _link(pages[-1], "Previous")
        assert back is not None
        assert "before=" in back
        pages.append(c.get(back).text)
        return pages

    on_sqlite, on_postgres = walk(client), walk(pg_client)
    assert len(on_sqlite) == 5
    assert [_masked(page) for page in on_postgres] == [_masked(page) for page in on_sqlite]
    assert _hits(on_sqlite[-1]) == _hits(on_sqlite[-3])  # back: the page before the last


def _hits(html: str) -> list[str]:
    return re.findall(r'href="(/[a-z]+/[^"?/]+)"', html)


def _masked(html: str) -> str:
    return re.sub(r"(cursor|before)=[^\"&]+", r"\1=…", html)


def test_pages_are_the_same_on_both(client: TestClient, pg_client: TestClient) -> None:
    visit = _ids(client, "visits")[0]
    participant = _ids(client, "participants")[0]
    for path in (
        "/",
        "/visits",
        "/visits?host_country=CU",
        f"/visits/{visit}",
        "/countries",
        f"/participants/{participant}",
        "/sources",
    ):
        on_sqlite, on_postgres = client.get(path), pg_client.get(path)
        assert (on_sqlite.status_code, on_postgres.content) == (200, on_sqlite.content), path
