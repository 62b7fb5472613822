"""The real server (`python -m app serve`): headers and banners, the JSON access log, what
its HTTP parser does with broken requests, the docs under their content security policy in
a real browser, and rate limits shared by two workers through Redis."""

import json
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import served


@pytest.fixture(scope="module")
def server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """A server over the seeded database, and the file its logs go to."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    with served(database_url, log) as url:
        yield url, log


def log_lines(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]


def access_lines(log: Path, *request_ids: str) -> dict[str, dict[str, Any]]:
    """The access-log lines of these requests, by id (each is written once its answer has
    gone out, so it may trail the answer by a moment)."""
    deadline = time.monotonic() + 10
    while True:
        lines = {
            line["request_id"]: line
            for line in log_lines(log)
            if line["logger"] == "app.access" and line.get("request_id") in request_ids
        }
        if len(lines) == len(request_ids) or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def test_security_headers_and_no_server_banner(server: tuple[str, Path]) -> None:
    url, _ = server
    for path in ("/v1/visits", "/v1/visits/nope", "/docs", "/static/docs/swagger-ui.css"):
        response = httpx.get(url + path)
        assert "server" not in response.headers, path
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-frame-options"] == "DENY"
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy
        if path == "/docs":
            assert "script-src 'self' 'sha256-" in policy
        else:
            assert policy.startswith("default-src 'none'")


def test_request_ids_are_echoed_and_logged(server: tuple[str, Path]) -> None:
    url, log = server
    mine = f"trace-{uuid.uuid4().hex}"
    echoed = httpx.get(f"{url}/v1/visits/no-such-visit", headers={"X-Request-ID": mine})
    assert echoed.status_code == 404
    assert echoed.headers["x-request-id"] == mine
    made = httpx.get(f"{url}/v1/topics", headers={"X-Request-ID": ("not an id; " * 30).strip()})
    generated = made.headers["x-request-id"]
    assert len(generated) == 32

    lines = access_lines(log, mine, generated)
    problem = lines[mine]
    assert problem["method"] == "GET"
    assert problem["path"] == "/v1/visits/no-such-visit"
    assert problem["status"] == 404
    assert problem["problem"] == "not-found"
    assert problem["client"] == "127.0.0.1"
    assert problem["duration_ms"] >= 0
    assert problem["time"].endswith("+00:00")
    assert lines[generated]["status"] == 200
    assert not [line for line in log_lines(log) if line["logger"] == "uvicorn.access"]


def _raw(url: str, request: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


BROKEN_REQUESTS = {
    "raw byte in the query": b"GET /v1/visits?q=\xff HTTP/1.1\r\nHost: x\r\n",
    "raw byte in the path": b"GET /v1/visits/\xff HTTP/1.1\r\nHost: x\r\n",
    "space in the target": b"GET /v1/visits?q=a b HTTP/1.1\r\nHost: x\r\n",
    "NUL in a header": b"GET /v1/visits HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n",
    "1 MB header": b"GET /v1/visits HTTP/1.1\r\nHost: x\r\nBig: " + b"a" * 2**20 + b"\r\n",
    "4,000 headers": b"GET /v1/visits HTTP/1.1\r\nHost: x\r\n"
    + b"".join(b"H%d: v\r\n" % n for n in range(4000)),
    "100 KB target": b"GET /v1/visits?q=" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n",
    "length and chunked": b"GET /v1/visits HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
    b"Transfer-Encoding: chunked\r\n",
    "not HTTP": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,
}


@pytest.mark.parametrize("name", BROKEN_REQUESTS)
def test_broken_requests_get_a_4xx_and_the_server_stays_up(
    server: tuple[str, Path], name: str
) -> None:
    url, _ = server
    request = BROKEN_REQUESTS[name]
    if request.startswith(b"GET"):
        request += b"Connection: close\r\n\r\n"
    answer = _raw(url, request)
    status = int(answer.split(b" ", 2)[1])
    assert 400 <= status < 500, (name, answer[:200])
    assert b"Traceback" not in answer
    if b"application/problem+json" not in answer:
        # Refused by uvicorn's HTTP parser before the app: its own plain-text 400.
        assert status == 400, answer[:300]
        assert answer.endswith(b"Invalid HTTP request received."), answer[:300]
    assert httpx.get(f"{url}/healthz").status_code == 200


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# ReDoc's sidebar shows a logo from Redocly's CDN; the policy blocks it (the docs work
# offline) and the browser reports that one violation.
REDOC_FOOTER_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (.ci/install-browser)")
def test_the_docs_run_under_their_content_security_policy(server: tuple[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    url, _ = server
    violations: dict[str, list[str]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            for path in ("/docs", "/redoc"):
                page = browser.new_page()
                found: list[str] = violations.setdefault(path, [])
                page.on(
                    "console",
                    lambda message, found=found: (
                        found.append(message.text)
                        if "Content Security Policy" in message.text
                        else None
                    ),
                )
                page.goto(url + path)
                if path == "/docs":
                    operation = page.locator("#operations-visits-list_visits")
                    operation.locator(".opblock-summary").click()
                    operation.get_by_role("button", name="Try it out").click()
                    operation.get_by_role("button", name="Execute").click()
                    answer = operation.locator(".live-responses-table .response").first
                    status = answer.locator(".response-col_status")
                    assert status.inner_text(timeout=20_000) == "200"
                else:
                    page.locator('input[placeholder="Search..."]').fill("visit")
                    results = page.locator('[data-role="search:results"] li')
                    results.first.wait_for(timeout=20_000)  # search runs in a blob worker
                page.close()
        finally:
            browser.close()
    assert violations["/docs"] == []
    assert all(REDOC_FOOTER_LOGO in text for text in violations["/redoc"]), violations


def test_two_workers_share_the_rate_limit_through_redis(
    database_url: str, tmp_path: Path, redis_storage: str
) -> None:
    settings = {"RATE_LIMIT": "10/minute", "RATE_LIMIT_STORAGE": redis_storage}
    log = tmp_path / "server.log"
    with served(database_url, log, "--workers", "2", settings=settings) as url:
        # A new connection per request, so that both workers take some.
        statuses = [
            httpx.get(f"{url}/v1/topics", headers={"Connection": "close"}).status_code
            for _ in range(15)
        ]
    assert statuses == [200] * 10 + [429] * 5
    workers = {line["process"] for line in log_lines(log) if line["logger"] == "app.access"}
    print(f"\nrequests served by {len(workers)} worker process(es)")
