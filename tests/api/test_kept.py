"""Answers (lists, records, the search) are kept per data version: a request asked again is
sent as it was first made, byte for byte, without reading; a load, another host, another
encoding or a revalidation is answered by the route. The data version is read again for a
look-up once the last read is VERSION_CHECK_MS old."""

import gzip
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.responses import Response

from app.api.kept import KeptAnswers, RecentVersion
from app.config import Settings
from app.main import create_app

# A list of each shape (filtered, several pages, CSV, NDJSON, sparse fields), the search,
# and records (stored, stored and compressed, with sparse fields).
ASKED = [
    "/v1/visits?host_country=CU&sort=-start_date&limit=1",
    "/v1/meetings?limit=2&facet=topic",
    "/v1/visits?format=csv&limit=2",
    "/v1/participants?format=ndjson&limit=2",
    "/v1/agreements?fields=id,title&limit=2",
    "/v1/search?q=havana&limit=1",
    "/v1/visits/2023-06-raisi-cuba",
    "/v1/meetings/2023-06-15-havana-signing-ceremony",
    "/v1/participants/miguel-diaz-canel?fields=id,name",
]
VERSION_READ = "SELECT version, changed_at FROM data_version WHERE id = 1"


@pytest.fixture
def fresh(settings: Settings) -> Iterator[TestClient]:
    """A client of an app of its own: no answer kept yet."""
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def none_kept(settings: Settings) -> Iterator[TestClient]:
    """A client of an app that keeps no answer: each is made per request."""
    with TestClient(create_app(settings.model_copy(update={"answer_cache_mb": 0}))) as client:
        yield client


def kept(client: TestClient) -> KeptAnswers:
    answers: KeptAnswers = client.app.state.kept_answers  # type: ignore[attr-defined]
    return answers


def recorded(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The statements the app's reader runs from now on."""
    reader = client.app.state.reader  # type: ignore[attr-defined]
    ran: list[str] = []
    original = reader.rows

    def recording(sql: str, params: Any = None) -> Any:
        ran.append(sql)
        return original(sql, params)

    monkeypatch.setattr(reader, "rows", recording)
    return ran


def headers(response: Any) -> dict[str, str]:
    return {**response.headers, "x-request-id": ""}


@pytest.mark.parametrize("path", ASKED)
def test_an_answer_asked_again_is_sent_as_kept_after_reading_the_version_alone(
    fresh: TestClient, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    first = fresh.get(path)
    assert first.status_code == 200
    ran = recorded(fresh, monkeypatch)
    again = fresh.get(path)
    assert (again.status_code, again.content) == (200, first.content)
    assert headers(again) == headers(first)
    assert ran == [VERSION_READ]


@pytest.mark.parametrize("path", ASKED)
@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_a_kept_answer_is_the_bytes_made_per_request(
    fresh: TestClient, none_kept: TestClient, path: str, encoding: str
) -> None:
    sent = {}
    for name, client in (("made", none_kept), ("first", fresh), ("kept", fresh)):
        with client.stream("GET", path, headers={"Accept-Encoding": encoding}) as answer:
            sent[name] = (answer.status_code, headers(answer), b"".join(answer.iter_raw()))
    assert sent["first"] == sent["made"]
    assert sent["kept"] == sent["made"]
    assert len(kept(none_kept)) == 0


def test_a_gzip_client_gets_the_answer_kept_compressed(fresh: TestClient) -> None:
    path = "/v1/visits?limit=20"
    plain = fresh.get(path, headers={"Accept-Encoding": "identity"})
    with fresh.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as zipped:
        raw = b"".join(zipped.iter_raw())
    assert zipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(raw) == plain.content
    assert sorted(len(body) for _, body, _ in kept(fresh)._kept.values()) == sorted(
        [len(plain.content), len(raw)]
    )
    assert zipped.headers["etag"] != plain.headers["etag"]


def test_each_host_gets_the_links_of_its_own_url(fresh: TestClient) -> None:
    for host in ("one.example", "two.example", "one.example"):
        answer = fresh.get("/v1/visits?limit=1", headers={"Host": host})
        assert answer.headers["link"].startswith(f"<http://{host}/v1/visits?limit=1&cursor=")


def test_the_query_string_as_sent_makes_the_link(fresh: TestClient) -> None:
    one = fresh.get("/v1/visits?limit=1&sort=id")
    other = fresh.get("/v1/visits?sort=id&limit=1")
    assert one.headers["etag"] == other.headers["etag"]  # the same parameters
    assert one.headers["link"].startswith("<http://testserver/v1/visits?limit=1&sort=id&cursor=")
    assert other.headers["link"].startswith("<http://testserver/v1/visits?sort=id&limit=1&cursor=")


def test_a_revalidation_is_answered_by_the_route(fresh: TestClient) -> None:
    etag = fresh.get("/v1/meetings?limit=2").headers["etag"]
    assert fresh.get("/v1/meetings?limit=2").headers["etag"] == etag  # kept
    current = fresh.get("/v1/meetings?limit=2", headers={"If-None-Match": etag})
    assert (current.status_code, current.content) == (304, b"")
    stale = fresh.get("/v1/meetings?limit=2", headers={"If-None-Match": '"0-stale"'})
    assert (stale.status_code, stale.headers["etag"]) == (200, etag)


@pytest.mark.parametrize(
    "path", ["/v1/visits?limit=0", "/v1/visits?nope=1", "/v1/search?q=%21", "/v1/meetings?sort=x"]
)
def test_errors_are_not_kept(fresh: TestClient, path: str) -> None:
    for _ in range(2):
        assert fresh.get(path).status_code == 422
    assert len(kept(fresh)) == 0


def test_nothing_is_kept_with_an_answer_cache_of_0(none_kept: TestClient) -> None:
    for _ in range(2):
        assert none_kept.get("/v1/visits?limit=2").status_code == 200
    assert len(kept(none_kept)) == 0


def test_a_load_is_answered_anew(database_url: str, tmp_path: Path) -> None:
    if not database_url.startswith("sqlite:///"):
        pytest.skip("moves the data version of a copy of the SQLite file")
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(database_url.removeprefix("sqlite:///"), copy)
    settings = Settings(database_url=f"sqlite:///{copy}", cursor_secret="test-secret")
    with TestClient(create_app(settings)) as client:
        first = client.get("/v1/visits?limit=2")
        assert client.get("/v1/visits?limit=2").headers["etag"] == first.headers["etag"]
        with sqlite3.connect(copy) as connection:  # as a load's commit moves it
            connection.execute("UPDATE data_version SET version = version + 1 WHERE id = 1")
        connection.close()
        again = client.get("/v1/visits?limit=2")
        version = int(first.headers["etag"].strip('"').split("-")[0])
        assert again.headers["etag"].startswith(f'"{version + 1}-')
        assert again.json()["items"] == first.json()["items"]  # no record changed
        assert again.json()["next_cursor"] != first.json()["next_cursor"]  # it names the version
        assert len(kept(client)) == 1  # in place of the stale one


@pytest.mark.parametrize("path", ["/v1/visits?limit=2", "/v1/visits/2023-06-raisi-cuba"])
def test_a_load_is_seen_once_the_version_read_is_version_check_ms_old(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    if not database_url.startswith("sqlite:///"):
        pytest.skip("moves the data version of a copy of the SQLite file")
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(database_url.removeprefix("sqlite:///"), copy)
    settings = Settings(database_url=f"sqlite:///{copy}", version_check_ms=250)
    with TestClient(create_app(settings)) as client:
        recent: RecentVersion = client.app.state.recent_version  # type: ignore[attr-defined]
        now = [1000.0]
        monkeypatch.setattr(recent, "clock", lambda: now[0])
        first = client.get(path)
        assert client.get(path).headers["etag"] == first.headers["etag"]  # read at 1000.0
        with sqlite3.connect(copy) as connection:  # as a load's commit moves it
            connection.execute("UPDATE data_version SET version = version + 1 WHERE id = 1")
        connection.close()
        ran = recorded(client, monkeypatch)
        now[0] += 0.249
        stale = client.get(path)
        assert (stale.headers["etag"], stale.content) == (first.headers["etag"], first.content)
        assert ran == []  # no read: the version read 249 ms ago is taken as current
        now[0] += 0.001
        again = client.get(path)
        version = int(first.headers["etag"].strip('"').split("-")[0])
        assert again.headers["etag"].startswith(f'"{version + 1}-')
        assert ran[0] == VERSION_READ


@pytest.mark.parametrize(
    ("url", "version_check_ms", "seconds"),
    [
        ("sqlite:///visits.sqlite3", None, 0.0),
        ("postgresql://root@127.0.0.1:5432/visits", None, 0.1),
        ("postgresql://root@127.0.0.1:5432/visits", 0, 0.0),
        ("sqlite:///visits.sqlite3", 250, 0.25),
    ],
)
def test_the_version_is_read_for_each_look_up_on_sqlite_and_every_100_ms_on_postgresql(
    url: str, version_check_ms: int | None, seconds: float
) -> None:
    settings = Settings(database_url=url, version_check_ms=version_check_ms)
    assert settings.version_check_seconds == seconds


def test_the_least_recently_sent_go_first_past_the_bound() -> None:
    answers = KeptAnswers(1000)
    for key in ("a", "b", "c"):
        answers.keep((key,), '"1-x"', b"x" * 400, [])
    assert list(answers._kept) == [("b",), ("c",)]
    assert answers.size == 800
    assert answers.get(("b",), '"1-x"') is not None  # b sent: c is now the least recent
    assert answers.get(("b",), '"2-x"') is None  # kept at another data version
    answers.keep(("d",), '"1-x"', b"y" * 400, [])
    assert list(answers._kept) == [("b",), ("d",)]
    answers.keep(("e",), '"1-x"', b"z" * 1001, [])  # larger than the bound: not kept
    assert list(answers._kept) == [("b",), ("d",)]
    answers.keep(("b",), '"2-x"', b"w" * 100, [])  # in place of the answer before
    assert answers.size == 500
    found = answers.get(("b",), '"2-x"')
    assert isinstance(found, Response)
    assert found.body == b"w" * 100


class _Versions:
    """A reader whose data version is `version`, running `during` while it reads."""

    def __init__(self, version: int, during: Any = None) -> None:
        self.version, self.during = version, during

    def data_state(self) -> tuple[int, None]:
        if self.during is not None:
            self.during()
        return self.version, None


def test_a_version_read_that_began_first_is_not_noted_over_a_later_one() -> None:
    moments = iter([5.0, 6.0])
    recent = RecentVersion(10, clock=lambda: next(moments, 7.0))
    newer = _Versions(2)
    older = _Versions(1, during=lambda: recent.read(newer))  # type: ignore[arg-type]
    assert recent.read(older) == 1  # type: ignore[arg-type]
    assert recent.known() == 2  # the read that began at 6.0 stands
