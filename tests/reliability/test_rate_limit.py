"""Rate limiting per client address: in memory for one process, in Redis across workers."""

import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app


def limited(database_url: str, limit: str, storage: str = "memory://") -> FastAPI:
    """The app with this rate limit."""
    settings = Settings(database_url=database_url, rate_limit=limit, rate_limit_storage=storage)
    return create_app(settings)


def from_address(app: FastAPI, address: str = "192.0.2.1") -> TestClient:
    """A client of `app` connecting from `address`."""
    return TestClient(app, client=(address, 50000))


def test_off_by_default(client: TestClient) -> None:
    assert Settings().rate_limit is None
    response = client.get("/v1/visits")
    assert "ratelimit-limit" not in response.headers


def test_past_the_limit_a_429_problem_with_retry_after(database_url: str) -> None:
    with from_address(limited(database_url, "3/minute")) as api:
        answers = [api.get("/v1/topics") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
    for answer in answers:
        assert answer.headers["ratelimit-limit"] == "3"
        assert answer.headers["ratelimit-policy"] == "3;w=60"
        assert 1 <= int(answer.headers["ratelimit-reset"]) <= 60
    refused = answers[-1]
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["retry-after"] == refused.headers["ratelimit-reset"]
    body = refused.json()
    assert body["type"] == "https://diplomatic-visits.example/problems/rate-limited"
    assert body["status"] == 429
    assert body["detail"].startswith("This address has made more requests than its limit of 3")


def test_the_tightest_of_several_limits_is_reported(database_url: str) -> None:
    with from_address(limited(database_url, "100/hour;2/minute")) as api:
        answers = [api.get("/v1/topics") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[0].headers["ratelimit-limit"] == "2"
    assert answers[0].headers["ratelimit-policy"] == "100;w=3600, 2;w=60"


def test_health_checks_are_never_limited(database_url: str) -> None:
    with from_address(limited(database_url, "1/minute")) as api:
        assert [api.get("/healthz").status_code for _ in range(5)] == [200] * 5


def test_browsers_can_read_the_limit_headers(database_url: str) -> None:
    with from_address(limited(database_url, "1/minute")) as api:
        api.get("/v1/topics")
        refused = api.get("/v1/topics", headers={"Origin": "https://example.org"})
    assert refused.status_code == 429
    assert refused.headers["access-control-allow-origin"] == "*"
    exposed = refused.headers["access-control-expose-headers"]
    for header in ("Retry-After", "RateLimit-Remaining", "RateLimit-Reset", "X-Request-ID"):
        assert header in exposed


def test_storage_failure_serves_unlimited_and_says_so(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with from_address(limited(database_url, "1/minute", "redis://127.0.0.1:1/0")) as api:
        statuses = [api.get("/v1/topics").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    failures = [r for r in caplog.records if "rate-limit storage failed" in r.getMessage()]
    assert len(failures) == 1  # logged once a minute, not once a request


def test_redis_counts_are_shared_by_every_worker(database_url: str, redis_storage: str) -> None:
    address = f"198.51.100.{uuid.uuid4().int % 250}"
    # Apps on one Redis: worker processes, as far as counting goes (each on its own loop).
    workers = [limited(database_url, "5/minute", redis_storage) for _ in range(3)]
    with (
        from_address(workers[0], address) as first,
        from_address(workers[1], address) as second,
        from_address(workers[2], "198.51.100.254") as elsewhere,
    ):
        statuses = [(first, second)[n % 2].get("/v1/topics").status_code for n in range(7)]
        other = elsewhere.get("/v1/topics")
    assert statuses == [200] * 5 + [429] * 2
    assert other.status_code == 200
    assert other.headers["ratelimit-remaining"] == "4"


def test_memory_counts_are_per_client(database_url: str) -> None:
    app = limited(database_url, "2/minute")
    first = [from_address(app, "192.0.2.10").get("/v1/topics").status_code for _ in range(3)]
    second = from_address(app, "192.0.2.11").get("/v1/topics").status_code
    assert first == [200, 200, 429]
    assert second == 200
