"""A scripted API behind `httpx.MockTransport`, for the client's single-behaviour tests."""

import json
from collections.abc import Callable
from typing import Any

import httpx

BASE_URL = "http://api.test"
Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class FakeApi:
    """Answers each request with the next scripted answer, and records the requests."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        assert self.answers, f"unexpected request {request.method} {request.url}"
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return answer(request)

    @property
    def transport(self) -> httpx.MockTransport:
        """A transport that sends every request here."""
        return httpx.MockTransport(self)

    def params(self, index: int = -1) -> dict[str, str]:
        """The query parameters of a recorded request."""
        return dict(self.requests[index].url.params)


def hit(record_id: str, score: float = 1.0) -> dict[str, Any]:
    """A search hit."""
    return {
        "resource": "visit",
        "id": record_id,
        "title": record_id,
        "snippet": record_id,
        "score": score,
    }


def page(
    items: list[dict[str, Any]],
    next_cursor: str | None = None,
    total: int | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """A list response."""
    body = {"items": items, "total": len(items) if total is None else total}
    body["next_cursor"] = next_cursor
    return httpx.Response(200, json=body, headers=headers)


def problem(
    status: int,
    title: str = "Problem",
    detail: str = "Something is wrong.",
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """An `application/problem+json` error response."""
    body = {
        "type": f"https://diplomatic-visits.example/problems/{title.lower().replace(' ', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": "/v1/search",
        "errors": errors or [],
    }
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"Content-Type": "application/problem+json", **(headers or {})},
    )


def csv_response(text: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """A CSV response."""
    return httpx.Response(
        200,
        content=text.encode(),
        headers={"Content-Type": "text/csv; charset=utf-8", **(headers or {})},
    )
