"""Shared fixtures: a database built by the real migrations and seed loader, and a client."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from app.api.kept import KeptAnswers
from app.config import Settings
from app.edge.limits import KEY_PREFIX
from app.main import create_app
from app.storage import Reader
from tests.support import build_database, served

# Which engine the shared seeded database is on: `sqlite` (the default) or `postgresql` (a
# fresh database with a random name on the server at POSTGRES_URL, dropped at the end).
# `make test` runs the suite once per engine. Where a test runs is declared by a marker:
# - `sqlite_only(reason=..., counterpart=...)` / `postgresql_only(...)`: one engine's own
#   behaviour, skipped on the other; `counterpart` names the test ("path::function") of the
#   same behaviour on the other engine, or is None when the other engine has no such thing;
# - `backend_independent(reason)`: touches no database, or its result cannot depend on the
#   engine (text checks, pure functions, packaging): runs in the SQLite run only.
BACKEND = os.environ.get("TEST_BACKEND", "sqlite")
if BACKEND not in ("sqlite", "postgresql"):
    raise pytest.UsageError(f"TEST_BACKEND must be sqlite or postgresql, not {BACKEND!r}")
ENGINE_MARKERS = ("sqlite_only", "postgresql_only")
TESTS = Path(__file__).parent


def _check_engine_mark(item: pytest.Item, mark: pytest.Mark) -> None:
    """An engine's own test says why and names its counterpart, which exists."""
    if set(mark.kwargs) != {"reason", "counterpart"} or mark.args:
        raise pytest.UsageError(
            f"{item.nodeid}: @{mark.name} takes reason= and counterpart= (a test or None)"
        )
    counterpart = mark.kwargs["counterpart"]
    if counterpart is None:
        return
    path, _, name = str(counterpart).partition("::")
    source = TESTS.parent / path
    if not name or not source.is_file() or f"def {name}(" not in source.read_text():
        raise pytest.UsageError(f"{item.nodeid}: counterpart {counterpart!r} is not a test")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip, by name, the tests of the other engine's own behaviour; under PostgreSQL,
    deselect the tests that do not depend on the engine (the SQLite run has them)."""
    other = "postgresql_only" if BACKEND == "sqlite" else "sqlite_only"
    skip = pytest.mark.skip(reason=f"{other}: not the engine under test ({BACKEND})")
    kept, once = [], []
    for item in items:
        for name in ENGINE_MARKERS:
            for mark in item.iter_markers(name=name):
                _check_engine_mark(item, mark)
        if BACKEND != "sqlite" and item.get_closest_marker("backend_independent"):
            once.append(item)
            continue
        if other in item.keywords:
            item.add_marker(skip)
        kept.append(item)
    if once:
        config.hook.pytest_deselected(items=once)
        items[:] = kept


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the PostgreSQL databases the session's tests made (tests/support.build_database)."""
    if BACKEND == "postgresql":
        from tests.postgres import drop_session_databases

        drop_session_databases()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seeded database shared by read-only tests (on TEST_BACKEND's engine)."""
    if BACKEND == "postgresql":
        from tests.postgres import seeded_copy, server_problem

        problem = server_problem()
        if problem is not None:
            pytest.fail(f"TEST_BACKEND=postgresql: {problem}", pytrace=False)
        yield seeded_copy()  # dropped when the session ends
        return
    yield build_database(tmp_path_factory.mktemp("db") / "visits.sqlite3")


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    """Settings pointing at the seeded database."""
    return Settings(database_url=database_url, cursor_secret="test-secret")


@pytest.fixture(scope="session")
def client(settings: Settings) -> Iterator[TestClient]:
    """An HTTP client on the app over the seeded database."""
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def statements(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every SQL statement the read path runs from now on, in order (no answer kept before
    or from now on: a request asked again is read again)."""
    reader: Reader = client.app.state.reader  # type: ignore[attr-defined]
    # State's own attributes (monkeypatch's `setattr` would delete it when undone).
    state = client.app.state._state  # type: ignore[attr-defined]
    monkeypatch.setitem(state, "kept_answers", KeptAnswers(0))
    ran: list[str] = []
    original = reader.rows

    def recording_rows(sql: str, params: Any = None) -> Any:
        ran.append(sql)
        return original(sql, params)

    monkeypatch.setattr(reader, "rows", recording_rows)
    return ran


@pytest.fixture
def count_queries(statements: list[str]) -> Callable[[], int]:
    """Count the SQL statements the read path runs; call the result to read the count."""
    return lambda: len(statements)


@pytest.fixture(scope="session")
def api_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server (`python -m app serve`) over the seeded database, for end-to-end tests."""
    with served(database_url, tmp_path_factory.mktemp("server") / "server.log") as url:
        yield url


# One Redis database per engine: `make test` runs both engines' suites at once, and their
# rate-limit counters must not meet.
REDIS = f"redis://127.0.0.1:6379/{15 if BACKEND == 'sqlite' else 14}"


@pytest.fixture
def redis_storage() -> Iterator[str]:
    """The engine's Redis database, cleared of this project's counters before and after."""
    connection = redis.Redis.from_url(REDIS, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis at {REDIS}: {error}")

    def clear() -> None:
        for key in connection.scan_iter(f"LIMITS*{KEY_PREFIX}*"):
            connection.delete(key)

    clear()
    try:
        yield REDIS
    finally:
        clear()
        connection.close()
