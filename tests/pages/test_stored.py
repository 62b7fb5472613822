"""Record pages, the home page and every record's row of its list page are made at load time
and stored (app/pages/stored.py): the stored page or row is the one a rendering gives, byte
for byte, and is sent only while the pages' code that made it is the running code."""

import gzip
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.config import Settings
from app.derived import EVERYTHING, LATER, rebuild_if_stale, refresh
from app.main import create_app
from app.pages import data, stored
from app.pages.home import home_html
from app.pages.records import SourceLines, record_html
from app.pages.rows import row
from app.storage import create_write_engine
from tests.pages.support import BROWSER

GZIP = {**BROWSER, "Accept-Encoding": "gzip"}
PLAIN = {**BROWSER, "Accept-Encoding": "identity"}


def paths(client: TestClient) -> Iterator[tuple[str, data.Resource, str]]:
    for resource in data.RESOURCES.values():
        id_field = "code" if resource.name == "countries" else "id"
        for item in client.get(f"/v1/{resource.name}?limit=3").json()["items"]:
            yield f"/{resource.name}/{item[id_field]}", resource, item[id_field]


def test_every_record_page_and_home_are_stored_as_rendered(client: TestClient) -> None:
    reader = client.app.state.reader  # type: ignore[attr-defined]
    checked = 0
    for path, resource, record_id in paths(client):
        made = stored.stored_record(reader, resource, record_id, gzip=False)
        assert made is not None, path
        record = resource.get(reader, record_id)
        assert record is not None
        assert bytes(made.body).decode() == record_html(reader, resource, record)
        plain, zipped = client.get(path, headers=PLAIN), client.get(path, headers=GZIP)
        assert plain.content == zipped.content == bytes(made.body)
        checked += 1
    assert checked >= 7 * 3 - 2  # every kind of record (the seed has one tour, two statements)
    home = stored.stored_home(reader, gzip=True)
    assert home is not None
    assert gzip.decompress(bytes(home.body)).decode() == home_html(reader)
    assert client.get("/", headers=PLAIN).text == home_html(reader)


def test_a_build_reads_and_renders_each_cited_source_once(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = client.app.state.reader  # type: ignore[attr-defined]
    visits, meetings = data.RESOURCES["visits"], data.RESOURCES["meetings"]
    visit = visits.get(reader, "2023-06-raisi-cuba")
    meeting = meetings.get(reader, "2023-06-15-havana-raisi-diaz-canel-talks")
    assert visit is not None
    assert meeting is not None
    alone = [record_html(reader, visits, visit), record_html(reader, meetings, meeting)]
    read: list[list[str]] = []
    sources = data.sources
    monkeypatch.setattr(data, "sources", lambda db, ids: read.append(ids) or sources(db, ids))
    lines = SourceLines()
    shared = [
        record_html(reader, visits, visit, lines),
        record_html(reader, meetings, meeting, lines),
    ]
    assert shared == alone  # the same bytes
    # The visit's page read its sources; the meeting cites a subset of them: nothing read.
    assert read == [sorted(read[0])]
    assert "efe-2023-06-16-cuba-iran-accords" in read[0]


def test_a_stored_page_is_sent_compressed_as_stored_to_a_gzip_client(
    client: TestClient,
) -> None:
    reader = client.app.state.reader  # type: ignore[attr-defined]
    made = stored.stored_record(reader, data.RESOURCES["visits"], "2023-06-raisi-cuba", gzip=True)
    assert made is not None
    assert made.headers["content-encoding"] == "gzip"
    response = client.get("/visits/2023-06-raisi-cuba", headers=GZIP)
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")


def _records(html: str) -> str:
    """What a list page holds between `<ol class="records">` and its end."""
    return html.split('<ol class="records">\n', 1)[1].split("    </ol>", 1)[0]


def test_every_record_row_is_stored_as_written_and_a_list_page_joins_them(
    client: TestClient,
) -> None:
    reader = client.app.state.reader  # type: ignore[attr-defined]
    for resource in data.RESOURCES.values():
        id_field = "code" if resource.name == "countries" else "id"
        listed = client.get(f"/v1/{resource.name}?limit=100").json()["items"]
        ids = [item[id_field] for item in listed]
        made = {
            found["record_id"]: found["html"]
            for found in reader.rows(
                "SELECT record_id, html FROM record_row WHERE resource = :resource "
                "AND fingerprint = :fingerprint",
                {"resource": resource.singular, "fingerprint": stored.FINGERPRINT},
            )
            if found["record_id"] in ids
        }
        items = data.items(reader, resource, ids)
        assert sorted(made) == sorted(items) == sorted(ids), resource.name
        assert all(made[i] == row(resource.name, items[i]) for i in ids), resource.name
        page = client.get(f"/{resource.name}?limit=100", headers=PLAIN).text
        assert _records(page) == "".join(made[i] for i in ids), resource.name


@pytest.fixture
def own_copy(database_url: str, tmp_path: Path) -> str:
    if not database_url.startswith("sqlite:///"):
        pytest.skip("a copy of the SQLite file")
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(database_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


def _set_fingerprint(url: str, value: str) -> None:
    engine = create_write_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE record_page SET fingerprint = :f"), {"f": value})
    engine.dispose()


def test_pages_stored_by_other_code_are_rendered_and_migrate_makes_them_again(
    own_copy: str,
) -> None:
    _set_fingerprint(own_copy, "0000000000000000")  # as another deploy made them
    settings = Settings(database_url=own_copy, cursor_secret="test-secret", page_cache_mb=0)
    with TestClient(create_app(settings)) as client:
        reader = client.app.state.reader  # type: ignore[attr-defined]
        visits = data.RESOURCES["visits"]
        assert stored.stored_record(reader, visits, "2023-06-raisi-cuba", gzip=False) is None
        record = visits.get(reader, "2023-06-raisi-cuba")
        assert record is not None
        page = client.get("/visits/2023-06-raisi-cuba", headers=PLAIN)
        assert page.text == record_html(reader, visits, record)  # rendered, not stored
    engine = create_write_engine(own_copy)
    with engine.connect() as connection:
        assert not stored.current(connection)
    rebuild_if_stale(own_copy)
    with engine.connect() as connection:
        assert stored.current(connection)
        assert stored.built_by(connection) == stored.FINGERPRINT
    engine.dispose()


def _set_row(url: str, html: str, fingerprint: str) -> None:
    engine = create_write_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE record_row SET html = :html, fingerprint = :f "
                "WHERE resource = 'visit' AND record_id = '2023-06-raisi-cuba'"
            ),
            {"html": html, "f": fingerprint},
        )
    engine.dispose()


def test_a_list_page_sends_the_stored_row_made_by_the_running_code_only(
    own_copy: str,
) -> None:
    settings = Settings(database_url=own_copy, cursor_secret="test-secret", page_cache_mb=0)
    with TestClient(create_app(settings)) as client:
        written = client.get("/visits", headers=PLAIN).text
        assert "2023-06-raisi-cuba" in _records(written)
        _set_row(own_copy, "<li>As stored</li>\n", stored.FINGERPRINT)
        sent = client.get("/visits", headers=PLAIN).text
        assert "<li>As stored</li>\n" in _records(sent)
        assert "/visits/2023-06-raisi-cuba" not in _records(sent)
        _set_row(own_copy, "<li>As stored</li>\n", "0000000000000000")  # another deploy's
        assert client.get("/visits", headers=PLAIN).text == written  # written from its item


def test_a_load_that_makes_no_pages_keeps_none(
    own_copy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A process that never imported the pages: what it loads would make stored pages stale.
    monkeypatch.setattr("app.derived.LATER", [])
    engine = create_write_engine(own_copy)
    with engine.begin() as connection:
        refresh(connection, EVERYTHING)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM record_page")).scalar() == 0
        assert connection.execute(text("SELECT count(*) FROM record_row")).scalar() == 0
    engine.dispose()
    assert LATER  # the pages' step, registered for every other load
