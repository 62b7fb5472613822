"""Hostile input on every list and detail route: table-driven, one case per request.

Every answer must be a correct 200 (or 304) or a 4xx problem (RFC 9457 shape); never a 5xx,
and never a stack trace, SQL, a module or a file path that the request did not itself send.
`tests/api/test_errors.py` checks the exact 422s of ordinary mistakes; this suite throws what
an attacker or a broken client would.
"""

import base64
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pytest
from fastapi.testclient import TestClient

from app.config import PROJECT_ROOT
from tests.support import DETAIL_PATHS, raw_get

VISIT = "2023-06-raisi-cuba"

# Every list, with the parameters worth attacking on it (each takes text or a number).
LISTS: dict[str, tuple[str, ...]] = {
    "/v1/visits": ("q", "country", "participant", "kind", "sort", "from", "facet", "cursor"),
    "/v1/meetings": ("q", "host_country", "visit", "kind", "sort", "to", "facet", "cursor"),
    "/v1/agreements": ("q", "country", "participant", "status", "sort", "from", "cursor"),
    "/v1/participants": ("q", "country", "visit", "kind", "sort", "facet", "cursor"),
    "/v1/tours": ("q", "country", "participant", "sort", "from", "facet", "cursor"),
    "/v1/countries": ("q", "has_visits", "sort", "cursor"),
    "/v1/topics": ("q", "sort", "cursor"),
    "/v1/sources": ("q", "kind", "sort", "cursor"),
    "/v1/search?q=havana": ("q", "type", "cursor"),
    "/v1/deletions?since=2023-01-01T00:00:00Z": ("since", "cursor"),
    f"/v1/visits/{VISIT}/meetings": ("cursor", "format"),
    f"/v1/visits/{VISIT}/agreements": ("cursor", "format"),
    f"/v1/visits/{VISIT}/participants": ("format",),
    "/v1/export/visits.csv": ("q", "country", "participant", "sort", "updated_since"),
    "/v1/export/sources.ndjson": ("q", "kind", "sort"),
}
ROUTES = [*LISTS, *(template.format(VISIT) for template in DETAIL_PATHS[:4]), "/v1", "/healthz"]

# Values sent (percent-encoded) as a parameter's value.
INJECTIONS = [
    "' OR '1'='1",
    "1; DROP TABLE visit; --",
    "x' UNION SELECT sql, name FROM sqlite_master --",
    '" OR ""="',
    "%' --",
    "1 OR 1=1",
    "(SELECT load_extension('x'))",
    '"',
    "NEAR(havana cuba, 2)",
    "havana* OR *",
    "title:havana",
    "^havana",
    "{havana cuba}",
    "- NOT AND OR",
]
CONTROL = ["\x00", "a\x00b", "\x1b[31mred", "\r\nSet-Cookie: x=1", "\t\v\f", "\x7f", "\u202egnp.x"]
UNICODE = ["😀", "\ufeff", "\u0301", "\U0010ffff", "ｈａｖａｎａ", "Díaz-Canel", "رئیسی"]
LONG = ["x" * 1001, "havana " * 300, "9" * 5000]
NUMBERS = ["-1", "0", "501", "1e3", "1.5", "NaN", "inf", "0x10", "٣", "99999999999999999999999", ""]
VALUES = INJECTIONS + CONTROL + UNICODE + LONG + NUMBERS

# Raw query strings: invalid UTF-8 and broken percent-encoding, exactly as sent.
RAW_QUERIES = [
    "q=%FF%FE",
    "q=%C0%AF",
    "q=%ED%A0%80",
    "q=%",
    "q=%zz",
    "q=%%%",
    "=value",
    "&&&",
    "limit=1&limit=2&limit=abc",
    "sort=id&sort=-id",
    "cursor=a&cursor=b",
    "q=a&q=b",
    "format=csv&format=ndjson",
    "a[]=1&a[b]=2",
]

# Ids that try to leave the resource, or the text of an id at all.
IDS = [
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..%5C..%5Cwindows%5Cwin.ini",
    "....%2F%2F....%2F%2Fetc%2Fpasswd",
    "%252e%252e%252fetc%252fpasswd",
    "%00",
    "a%00b",
    "%FF",
    "%C0%AE%C0%AE%2F",
    "x" * 2000,
    "%2F",
    "'%20OR%20'1'%3D'1",
    "%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "..",
    ".",
]

# Requests whose headers are hostile.
HEADERS: list[dict[str, str]] = [
    {"Accept": "application/xml"},
    {"Accept": "*/*;q=abc, text/csv;q=0.5"},
    {"Accept": "text/csv;q=0, */*;q=0"},
    {"Accept": "," * 500},
    {"If-None-Match": '"' + "x" * 5000 + '"'},
    {"If-None-Match": "*"},
    {"If-Modified-Since": "Mon, 99 Foo 9999 99:99:99 GMT"},
    {"If-Modified-Since": "0"},
    {"X-Request-ID": "x" * 10_000},
    {"X-Request-ID": "a b\tc"},
    {"Accept-Encoding": "gzip;q=abc, br, *"},
    {"Origin": "null"},
    {"Big": "v" * 64_000},
    {"Range": "bytes=abc"},
    {"Content-Type": "application/json"},
]

METHODS = ["POST", "PUT", "PATCH", "DELETE", "TRACE", "CONNECT"]

# What a response must never show unless the request itself sent it.
LEAKS = [
    "Traceback",
    'File "',
    "sqlite3",
    "OperationalError",
    "sqlalchemy",
    "SELECT ",
    "sqlite_master",
    "site-packages",
    ".py",
    str(PROJECT_ROOT),
    "/tmp/",
]


def _query(route: str, parameter: str, value: str) -> str:
    joiner = "&" if "?" in route else "?"
    return f"{route}{joiner}{parameter}={quote(value, safe='')}"


def value_cases() -> Iterator[Any]:
    """One request per (list, parameter, hostile value)."""
    for route, parameters in LISTS.items():
        for parameter in parameters:
            for number, value in enumerate(VALUES):
                yield pytest.param(
                    _query(route, parameter, value), id=f"{route}-{parameter}-{number}"
                )
        for number, raw in enumerate(RAW_QUERIES):
            yield pytest.param(
                f"{route}{'&' if '?' in route else '?'}{raw}", id=f"{route}-raw{number}"
            )


def id_cases() -> Iterator[Any]:
    """One request per (detail route, hostile id)."""
    for template in DETAIL_PATHS:
        for number, record_id in enumerate(IDS):
            yield pytest.param(template.format(record_id), id=f"{template}-{number}")


def leaks(response: Any, sent: str) -> list[str]:
    """The tell-tale strings in a response that the request did not send itself."""
    shown = response.text + str(response.headers)
    sent = sent + unquote(sent)
    return [marker for marker in LEAKS if marker in shown and marker not in sent]


def check(response: Any, sent: str) -> None:
    """A correct answer or a 4xx problem; nothing internal shown."""
    status = response.status_code
    assert status < 500, f"{status} for {sent!r}: {response.text[:500]}"
    content_type = response.headers.get("content-type", "")
    if content_type == "application/vnd.sqlite3":
        assert status in (200, 206), sent  # the database itself: its bytes are the data
        return
    assert not leaks(response, sent), f"{leaks(response, sent)} shown for {sent!r}"
    if status >= 400:
        assert content_type == "application/problem+json", (sent, status, content_type)
        body = response.json()
        assert body["status"] == status
        assert {"type", "title", "status", "detail", "instance", "errors"} <= set(body)
    elif status == 200 and content_type.startswith("application/json"):
        response.json()
    else:
        assert status in (200, 206, 304), (sent, status)


CASES = {"count": 0}


def _get(client: TestClient, url: str, **kwargs: Any) -> Any:
    CASES["count"] += 1
    return client.get(url, **kwargs)


@pytest.mark.parametrize("url", list(value_cases()))
def test_hostile_values(client: TestClient, url: str) -> None:
    check(_get(client, url), url)


@pytest.mark.parametrize("url", list(id_cases()))
def test_hostile_ids(client: TestClient, url: str) -> None:
    # Sent as-is (`curl --path-as-is`): an HTTP client would resolve `..` before sending.
    CASES["count"] += 1
    raw = url.encode()
    status, headers, body = raw_get(client.app, raw, b"")
    if status == 307:  # the id ends in an encoded slash: the path without its trailing slash
        location = urlsplit(headers["location"])
        assert location.netloc == "testserver", headers
        assert location.path.startswith("/".join(url.split("/")[:3])), headers
        assert not location.path.endswith("/"), headers
        return
    assert status in (404, 422), (url, status, body[:300])
    assert headers["content-type"] == "application/problem+json"
    shown = body.decode("utf-8", "replace")
    assert not [m for m in LEAKS if m in shown and m not in url + unquote(url)], (url, shown)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("method", METHODS)
def test_unsupported_methods_are_405_problems(client: TestClient, route: str, method: str) -> None:
    CASES["count"] += 1
    response = client.request(method, route, content=b"{}" if method != "TRACE" else None)
    check(response, route)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"


@pytest.mark.parametrize("route", [*ROUTES, "/v1/export/database.sqlite"])
@pytest.mark.parametrize("headers", HEADERS, ids=lambda h: next(iter(h)))
def test_hostile_headers(client: TestClient, route: str, headers: dict[str, str]) -> None:
    response = _get(client, route, headers=headers)
    check(response, route + str(headers))
    if "X-Request-ID" in headers:
        assert response.headers["x-request-id"] != headers["X-Request-ID"]


def _valid_cursor(client: TestClient, url: str) -> str:
    cursor: str = client.get(url).json()["next_cursor"]
    assert cursor
    return cursor


def _flip(cursor: str, position: int) -> str:
    flipped = chr(ord(cursor[position]) ^ 1)
    return cursor[:position] + flipped + cursor[position + 1 :]


@pytest.mark.parametrize(
    "url",
    [
        "/v1/visits?limit=1",
        "/v1/meetings?limit=1",
        "/v1/participants?limit=1",
        "/v1/countries?limit=1",
        "/v1/search?q=havana&limit=1",
    ],
)
def test_tampered_cursors_are_422_never_a_query(client: TestClient, url: str) -> None:
    cursor = _valid_cursor(client, url)
    assert client.get(f"{url}&cursor={cursor}").status_code == 200
    for position in range(len(cursor)):
        tampered = _flip(cursor, position)
        if tampered == cursor:
            continue
        response = _get(client, f"{url}&cursor={quote(tampered, safe='')}")
        check(response, tampered)
        assert response.status_code == 422, (position, tampered)
        assert response.json()["errors"][0]["name"] == "cursor"


def test_forged_cursors_are_422(client: TestClient) -> None:
    body = base64.urlsafe_b64encode(b'["-start_date","9999","x","000000000000"]').decode()
    forged = [
        f"{body.rstrip('=')}.AAAAAAAAAAAAAAAAAAAAAA",
        f"{body}.{'A' * 22}",
        ".",
        "..",
        "a.b.c",
        "a" * 999 + ".",
        "%00.%00",
        "eyJ9.e30",
        '.\u00e1"',  # a signature that is not ASCII (was a 500 on a visit's meetings)
        "e30.\u00e9\u00e9",
    ]
    lists = ("/v1/visits", "/v1/visits/2023-06-raisi-nicaragua/meetings", "/v1/statements")
    for path in lists:
        for cursor in forged:
            response = _get(client, f"{path}?cursor={quote(cursor, safe='')}")
            check(response, cursor)
            assert response.status_code == 422, (path, cursor)


def test_a_cursor_is_refused_under_other_filters(client: TestClient) -> None:
    cursor = _valid_cursor(client, "/v1/visits?limit=1")
    for other in ("sort=id", "host_country=CU", "q=raisi", "from=2023-01-01"):
        response = _get(client, f"/v1/visits?limit=1&{other}&cursor={cursor}")
        check(response, other)
        assert response.status_code == 422


RAW_TARGETS = [
    (b"/v1/visits", b"q=\xff\xfe"),
    (b"/v1/visits", b"q=caf\xe9"),
    (b"/v1/visits", b"q=\xc0\xaf"),
    (b"/v1/visits", b"limit=\xff"),
    (b"/v1/visits", b"sort=\x00"),
    (b"/v1/visits", b"\xff=1"),
    (b"/v1/visits", b"q=a b"),
    (b"/v1/search", b"q=\xd8\xb1\xd8\xa6"),
    (b"/v1/visits/\xff", b""),
    (b"/v1/visits/a\x00b", b""),
    (b"/v1/countries/c\xc3\xba", b""),
]


@pytest.mark.parametrize(("path", "query"), RAW_TARGETS)
def test_raw_bytes_in_the_request_target_are_400(
    client: TestClient, path: bytes, query: bytes
) -> None:
    # RFC 9112: a request target is printable ASCII; clients percent-encode everything else.
    CASES["count"] += 1
    status, headers, body = raw_get(client.app, path, query)
    assert status == 400, (path, query, status, body)
    assert headers["content-type"] == "application/problem+json"
    assert b"bad-request-target" in body


@pytest.mark.parametrize("length", [8_000, 64_000, 1_000_000])
def test_very_long_targets_are_answered(client: TestClient, length: int) -> None:
    # The server's HTTP parser bounds the request line (test_server.py); the app answers
    # whatever gets through with a 404 or 422, never echoing all of it.
    for path, query in (
        (b"/v1/visits", b"q=" + b"a" * length),
        (b"/v1/sources/" + b"a" * length, b""),
    ):
        CASES["count"] += 1
        status, headers, body = raw_get(client.app, path, query)
        assert status in (404, 422), (length, status)
        assert headers["content-type"] == "application/problem+json"
        assert len(body) < 20_000


def test_oversized_headers_are_431(client: TestClient) -> None:
    for headers in ({"Big": "v" * 20_000}, {f"H{n}": "v" * 10 for n in range(2_000)}):
        response = _get(client, "/v1/visits", headers=headers)
        check(response, "")
        assert response.status_code == 431


@pytest.mark.backend_independent(reason="counts the cases")
def test_the_count_of_cases() -> None:
    """Not a check: prints how many hostile requests this module sent, for the record."""
    if CASES["count"]:
        print(f"\nhostile-input requests sent: {CASES['count']}")


@pytest.mark.parametrize("path", ["/v1/visits", "/v1/meetings", "/v1/sources"])
def test_a_nul_in_a_free_text_filter_matches_nothing_on_either_engine(
    client: TestClient, path: str
) -> None:
    # PostgreSQL's text cannot hold NUL: the value is bound as one no record holds
    # (app/storage/postgresql/reader.py), not refused by the driver as a 503.
    for value in ("\x00", "state\x00"):
        response = client.get(path, params={"kind": value})
        assert response.status_code == 200, response.text
        assert response.json() == {"items": [], "total": 0, "next_cursor": None}
