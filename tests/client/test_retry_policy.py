"""`RetryPolicy`: how long to wait before each retry, and which failures are retried."""

from datetime import UTC, datetime

import httpx
import pytest

from diplomatic_visits_client import RetryPolicy
from diplomatic_visits_client.retry import parse_retry_after

pytestmark = pytest.mark.backend_independent(reason="the client's retry policy")


def test_backoff_doubles_up_to_the_cap() -> None:
    policy = RetryPolicy(backoff=0.5, max_backoff=3.0, jitter=0.0)
    assert [policy.delay(n) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


@pytest.mark.parametrize(("rand", "expected"), [(0.0, 1.0), (0.5, 1.5), (1.0, 2.0)])
def test_jitter_draws_the_last_fraction_of_each_wait(rand: float, expected: float) -> None:
    policy = RetryPolicy(backoff=2.0, jitter=0.5, rand=lambda: rand)
    assert policy.delay(1) == expected


def test_retry_after_is_a_floor() -> None:
    policy = RetryPolicy(backoff=0.5, jitter=0.0)
    assert policy.delay(1, retry_after=7.0) == 7.0
    assert policy.delay(4, retry_after=1.0) == 4.0


def test_statuses_retried() -> None:
    policy = RetryPolicy(max_retry_after=10)
    assert policy.retries_status(429, None)
    assert policy.retries_status(503, 10.0)
    assert not policy.retries_status(503, 11.0)
    assert not policy.retries_status(500, None)
    assert not policy.retries_status(404, None)


def test_transport_errors_retried() -> None:
    policy = RetryPolicy()
    assert policy.retries_error(httpx.ConnectError("refused"))
    assert policy.retries_error(httpx.ReadTimeout("slow"))
    assert policy.retries_error(httpx.RemoteProtocolError("closed"))
    assert not policy.retries_error(httpx.UnsupportedProtocol("ftp"))


@pytest.mark.parametrize(
    "arguments",
    [{"attempts": 0}, {"backoff": -1}, {"jitter": 1.5}, {"max_retry_after": -1}],
)
def test_invalid_policies_are_refused(arguments: dict[str, float]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each message names its field
        RetryPolicy(**arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Sat, 28 Nov 2026 12:00:30 GMT", 30.0),
        ("Sat, 28 Nov 2026 11:59:00 GMT", 0.0),  # in the past: now
        ("soon", None),
        ("-5", None),
        (None, None),
    ],
)
def test_retry_after_header(header: str | None, seconds: float | None) -> None:
    now = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after(header, now=now) == seconds
