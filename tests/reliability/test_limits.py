"""Resource limits: the per-query time limit, the facet and export caps, the request time
limit, and a read-only database that no request can write."""

import hashlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx
import pytest
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.reliability.generated import generated_seed
from tests.support import build_database, build_sqlite

VISITS = 1500


@pytest.fixture(scope="module")
def big_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seed plus 1,500 generated visits hosted across every country."""
    folder = tmp_path_factory.mktemp("limits")
    return build_database(folder / "visits.sqlite3", generated_seed(folder, VISITS, "big"))


def problem(response: httpx.Response, status: int, slug: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    assert body["type"] == f"https://diplomatic-visits.example/problems/{slug}"
    return body


@pytest.mark.sqlite_only(
    reason="SQLite's progress handler stops a query at a limit already reached",
    counterpart="tests/test_postgresql.py::test_the_api_answers_a_statement_timeout_as_503_query_timeout",
)
def test_a_query_past_its_time_limit_is_a_503_with_retry_after(big_url: str) -> None:
    app = create_app(Settings(database_url=big_url, query_time_limit_ms=1))
    # 1 ms can pass unnoticed on a fast machine; a limit already reached interrupts every
    # query at SQLite's first progress check (10,000 steps), as a slow query would be.
    app.state.reader.time_limit = 0.0
    with TestClient(app) as client:
        # Facets counted as the request is answered (with a filter: not stored at load).
        response = client.get(
            "/v1/visits",
            params={
                "facet": "host_country,visitor_country,year,kind,topic",
                "limit": 500,
                "from": "1990-01-01",
            },
        )
        body = problem(response, 503, "query-timeout")
        assert response.headers["retry-after"] == "5"
        assert "SELECT" not in str(body)
        # The connection is still good for the next request.
        assert client.get("/healthz").status_code == 200


def test_facets_count_at_most_30_values(big_url: str) -> None:
    with TestClient(create_app(Settings(database_url=big_url))) as client:
        body = client.get("/v1/visits", params={"facet": "host_country", "limit": 1}).json()
    values = body["facets"]["host_country"]
    assert len(values) == 30  # of the 200-odd host countries the generated visits have
    counts = [value["count"] for value in values]
    assert counts == sorted(counts, reverse=True)
    assert body["total"] == VISITS + 3


def test_an_export_over_the_row_cap_is_refused_before_it_starts(big_url: str) -> None:
    app = create_app(Settings(database_url=big_url, export_max_rows=1000))
    with TestClient(app) as client:
        body = problem(client.get("/v1/export/visits.csv"), 422, "export-too-large")
        assert str(body["detail"]).startswith(
            "1,503 visits match; one export streams at most 1,000."
        )
        cuba = client.get("/v1/visits", params={"host_country": "CU"}).json()["total"]
        narrowed = client.get("/v1/export/visits.ndjson", params={"host_country": "CU"})
        assert narrowed.status_code == 200
        assert len(narrowed.text.splitlines()) == cuba
    assert Settings().export_max_rows == 100_000


def _slow_app(database_url: str, limit_ms: int) -> TestClient:
    app = create_app(Settings(database_url=database_url, request_time_limit_ms=limit_ms))

    @app.get("/slow-sync")
    def slow_sync() -> dict[str, bool]:
        time.sleep(1.5)
        return {"done": True}

    @app.get("/slow-async")
    async def slow_async() -> dict[str, bool]:
        await anyio.sleep(5)
        return {"done": True}

    @app.get("/slow-stream")
    def slow_stream() -> StreamingResponse:
        def chunks() -> Iterator[bytes]:
            yield b"first\n"
            time.sleep(0.6)
            yield b"second\n"

        return StreamingResponse(chunks(), media_type="text/plain")

    return TestClient(app)


@pytest.mark.parametrize("path", ["/slow-sync", "/slow-async"])
def test_a_request_past_its_time_limit_is_a_503(database_url: str, path: str) -> None:
    with _slow_app(database_url, 200) as client:
        started = time.monotonic()
        response = client.get(path)
        took = time.monotonic() - started
    problem(response, 503, "request-timeout")
    assert response.headers["retry-after"] == "5"
    assert response.headers["x-request-id"]
    # Answered on time: before the sync handler's 1.5 s sleep ends (it is dropped), and the
    # async handler cancelled.
    assert took < 1.4, took


def test_an_answer_that_has_started_is_not_cut(database_url: str) -> None:
    with _slow_app(database_url, 300) as client:
        response = client.get("/slow-stream")
    assert response.status_code == 200
    assert response.text == "first\nsecond\n"


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.sqlite_only(
    reason="SQLite's query_only connection and file",
    counterpart="tests/test_postgresql.py::test_a_request_reads_one_snapshot_while_a_write_commits",
)
def test_the_read_connection_refuses_every_write(client: TestClient) -> None:
    reader = client.app.state.reader  # type: ignore[attr-defined]
    assert reader.scalar("PRAGMA query_only") == 1
    for statement in (
        "INSERT INTO topic (id, name) VALUES ('x', 'x')",
        "UPDATE visit SET city = 'x'",
        "DELETE FROM visit",
        "DROP TABLE visit",
        "CREATE TABLE x (y)",
        "PRAGMA user_version = 7",
        "VACUUM",
    ):
        with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only|query_only"):
            reader.rows(statement)


@pytest.mark.sqlite_only(
    reason="SQLite's query_only connection and file",
    counterpart="tests/test_postgresql.py::test_a_request_reads_one_snapshot_while_a_write_commits",
)
def test_no_request_writes_the_database(tmp_path: Path) -> None:
    path = tmp_path / "visits.sqlite3"
    url = build_sqlite(path)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    before = _file_digest(path)
    app = create_app(Settings(database_url=url, export_dir=tmp_path / "exports"))
    examples = {
        "visit_id": "2023-06-raisi-cuba",
        "meeting_id": "2023-06-havana-cigb-visit",
        "agreement_id": "2023-06-15-iran-cuba-cooperation-documents",
        "participant_id": "ebrahim-raisi",
        "tour_id": "2023-06-raisi-latin-america",
        "source_id": "tdi-2023-06-16-raisi-havana",
        "claim_id": "agreement:2023-06-15-iran-cuba-cooperation-documents:count:1d2a017099",
        "statement_id": "2023-06-raul-castro-unilateralism-over",
        "citation_id": "meeting:2023-06-15-havana-raisi-diaz-canel-talks:a066d7f316",
        "code": "CU",
        "format": "csv",
    }
    with TestClient(app) as client:
        paths = client.get("/openapi.json").json()["paths"]
        for template in paths:
            url_path = template.format(**examples)
            query = {"q": "havana"} if template == "/v1/search" else {}
            if template == "/v1/deletions":
                query = {"since": "2000-01-01T00:00:00Z"}
            response = client.get(url_path, params=query)
            assert response.status_code == 200, (url_path, response.text[:200])
    assert len(paths) > 25
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert _file_digest(path) == before
