"""Request headers read from the scope (app.edge.headers), as Starlette's `Headers` reads them."""

import pytest
from starlette.datastructures import Headers

from app.edge.headers import accepts_gzip, header, media_ranges, prefers_html, varying

SCOPE = {
    "type": "http",
    "headers": [
        (b"accept", b"text/csv"),
        (b"accept-encoding", b"identity"),
        (b"x-note", b"caf\xe9"),
        (b"accept", b"application/json"),
        (b"accept-encoding", b"br, gzip;q=0.5"),
    ],
}


def test_a_header_is_its_first_value_as_starlette_reads_it() -> None:
    starlette = Headers(scope=SCOPE)
    for name in ("accept", "x-note", "if-none-match"):
        assert header(SCOPE, name.encode()) == starlette.get(name)
    assert header(SCOPE, b"accept") == "text/csv"
    assert header(SCOPE, b"x-note") == "café"
    assert header(SCOPE, b"if-none-match") is None


def test_gzip_is_accepted_when_any_accept_encoding_line_names_it() -> None:
    assert accepts_gzip(SCOPE)
    assert not accepts_gzip({"headers": SCOPE["headers"][:4]})
    assert not accepts_gzip({"headers": []})


def test_varying_joins_every_vary_line_and_names_the_token_once() -> None:
    headers = [(b"vary", b"Accept"), (b"content-length", b"9"), (b"vary", b"Cookie")]
    assert varying(headers, {b"content-length"}, b"Origin") == [
        (b"vary", b"Accept, Cookie, Origin")
    ]
    assert varying([(b"vary", b"accept, ORIGIN")], (), b"Origin") == [(b"vary", b"accept, ORIGIN")]
    assert varying([(b"vary", b"*")], (), b"Origin") == [(b"vary", b"*")]
    assert varying([(b"etag", b'"1"')], (), b"Origin") == [(b"etag", b'"1"'), (b"vary", b"Origin")]


def _accepting(accept: str) -> dict[str, object]:
    return {"type": "http", "headers": [(b"accept", accept.encode())]}


def test_accept_is_read_as_ranges_with_their_quality_in_the_order_sent() -> None:
    assert media_ranges(_accepting("Text/CSV;q=0.5, application/json ;charset=x, */*;q=x")) == [
        ("text/csv", 0.5),
        ("application/json", 1.0),
        ("*/*", 0.0),
    ]
    assert media_ranges(_accepting("  ")) == []
    assert media_ranges({"headers": []}) == []


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),  # Firefox
        ("application/xhtml+xml", True),
        ("text/html;q=0.9, application/json;q=0.5", True),
        ("*/*", False),  # curl
        ("application/json", False),
        ("application/problem+json, text/html;q=0.1", False),
        ("text/html, */*", False),  # alike: the API's own answer
        ("text/csv", False),
        ("", False),
    ],
)
def test_html_is_preferred_only_when_ranked_above_json(accept: str, html: bool) -> None:
    assert prefers_html(_accepting(accept)) is html
