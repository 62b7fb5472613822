"""Scale-out, for real: `serve --workers 2` over one database, and a streaming replica of
PostgreSQL serving the reads while loads write to the primary (DATABASE_REPLICA_URL),
a lagging replica answering with the data version it holds.

The replica tests make their own primary (`initdb`) and replica (`pg_basebackup`) in a
temporary folder, each on a free port (tests/pg_cluster.py), and remove them afterwards.
"""

import base64
import json
import re
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.api.paging import decode_cursor, encode_cursor
from app.cli import main
from app.config import Settings, get_settings
from app.derived import rebuild_if_stale
from app.main import create_app
from app.seed import load_seed
from app.storage import create_write_engine, upgrade_to_head
from tests import pg_cluster
from tests.support import SEED_DIR, run_app, served

SECRET = "test-secret"
# A visit of the seed whose city the second load changes.
VISIT = "2023-06-raisi-venezuela"


def _access_processes(log: Path) -> list[int]:
    """The process id on each access-log line the server wrote (JSON lines)."""
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    return [line["process"] for line in lines if line["logger"] == "app.access"]


@pytest.mark.slow
def test_two_workers_serve_one_database(database_url: str, tmp_path: Path) -> None:
    """Both processes of `serve --workers 2` answer, the same, from the one database (the
    engine under test: SQLite, or a fresh PostgreSQL database); the access log names the
    process that answered each request."""
    log = tmp_path / "server.log"
    path = "/v1/visits?limit=3&sort=start_date"
    # Each worker imports and builds the app: on a busy machine that takes a while.
    with served(
        database_url, log, "--workers", "2", settings={"LOG_FORMAT": "json"}, startup_seconds=120
    ) as url:

        def get(_: int) -> httpx.Response:
            # A new connection per request: the kernel hands each to whichever worker
            # accepts first.
            return httpx.get(f"{url}{path}", headers={"Connection": "close"}, timeout=30)

        answers: list[httpx.Response] = []
        # Batches until both workers have answered (the second may still be starting:
        # `served` waits for one).
        deadline = time.monotonic() + 120
        with ThreadPoolExecutor(8) as pool:
            while len(set(_access_processes(log))) < 2 and time.monotonic() < deadline:
                answers += pool.map(get, range(8))
                time.sleep(0.1)
    processes = _access_processes(log)
    assert len(set(processes)) == 2, processes
    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.content for answer in answers}) == 1
    assert len({answer.headers["ETag"] for answer in answers}) == 1
    assert [item["id"] for item in answers[0].json()["items"]] == [
        "2023-06-raisi-venezuela",
        "2023-06-raisi-nicaragua",
        "2023-06-raisi-cuba",
    ]


def test_a_replica_is_of_the_primary_s_engine_and_takes_the_reads() -> None:
    both = Settings(
        database_url="postgresql://app@primary:5432/visits",
        database_replica_url="postgresql://app@replica:5432/visits",
    )
    assert (both.database_url, both.read_url) == (
        "postgresql://app@primary:5432/visits",
        "postgresql://app@replica:5432/visits",
    )
    alone = Settings(database_url="sqlite:///visits.sqlite3", database_replica_url=" ")
    assert (alone.database_replica_url, alone.read_url) == (None, "sqlite:///visits.sqlite3")
    with pytest.raises(ValidationError, match="name a sqlite database, as DATABASE_URL does"):
        Settings(
            database_url="sqlite:///visits.sqlite3",
            database_replica_url="postgresql://app@replica:5432/visits",
        )


def test_a_cursor_from_a_newer_data_version_is_refused_and_an_older_one_followed(
    client: TestClient, settings: Settings
) -> None:
    """What a replica behind the cursor's server answers, on the engine under test: a cursor
    signed as if issued at a later version than the database's."""
    path = "/v1/visits?limit=1&sort=start_date"
    first = client.get(path)
    held = _version_of(first.headers["ETag"])
    issued = first.json()["next_cursor"]
    body = issued.split(".")[0]
    sort, value, last_id, digest, version = json.loads(base64.urlsafe_b64decode(body + "=="))
    assert (sort, value, last_id, version) == (
        "start_date",
        "2023-06-12",
        "2023-06-raisi-venezuela",
        held,
    )
    after = (value, last_id)
    assert encode_cursor(sort, after, digest, settings.cursor_secret, held) == issued
    newer = encode_cursor("start_date", after, digest, settings.cursor_secret, held + 1)
    refused = client.get(f"{path}&cursor={newer}")
    assert (refused.status_code, refused.headers["Retry-After"]) == (503, "1")
    assert refused.json()["type"].endswith("/data-version-behind")
    assert refused.json()["detail"].startswith(
        f"The cursor was issued at data version {held + 1}; this server holds version {held} "
    )
    # An older version's cursor (or one from before cursors named theirs) is followed.
    older = encode_cursor("start_date", after, digest, settings.cursor_secret, held - 1)
    followed = client.get(f"{path}&cursor={older}")
    assert followed.status_code == 200
    assert [item["id"] for item in followed.json()["items"]] == ["2023-06-raisi-nicaragua"]
    assert decode_cursor(older, "start_date", digest, settings.cursor_secret) == (
        (after[0], after[1]),
        held - 1,
    )


# --- a streaming replica (PostgreSQL) ---------------------------------------------------

replication = pytest.mark.skipif(pg_cluster.missing() is not None, reason=str(pg_cluster.missing()))


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[pg_cluster.Server, pg_cluster.Server]]:
    """A primary holding a migrated, empty database and a replica streaming from it."""
    with pg_cluster.primary_and_replica() as (primary, replica):
        upgrade_to_head(primary.url)
        rebuild_if_stale(primary.url)
        pg_cluster.wait_for_replay(primary, replica)
        yield primary, replica


def _client(primary: pg_cluster.Server, replica: pg_cluster.Server | None) -> TestClient:
    settings = Settings(
        database_url=primary.url,
        database_replica_url=replica.url if replica else None,
        cursor_secret=SECRET,
        cache_max_age=0,
        page_cache_mb=0,
    )
    return TestClient(create_app(settings, problem_page=None))


def _version_of(etag: str) -> int:
    found = re.fullmatch(r'"(\d+)-[0-9a-f]{24}"', etag)
    assert found is not None, etag
    return int(found.group(1))


def _seed_with_city(target: Path, city: str) -> Path:
    """The seed, copied to `target` with the visit VISIT's city changed."""
    import shutil

    shutil.copytree(SEED_DIR, target)
    tour = target / "tours" / "2023-06-raisi-latin-america.yaml"
    text = tour.read_text()
    old = "    city: Caracas\n"
    assert text.count(old) == 1
    tour.write_text(text.replace(old, f"    city: {city}\n"))
    return target


@replication
@pytest.mark.postgresql
@pytest.mark.postgresql_only(
    reason="streaming replication is PostgreSQL's; SQLite has no replica", counterpart=None
)
def test_reads_go_to_the_replica_and_see_a_load_once_it_has_replayed(
    servers: tuple[pg_cluster.Server, pg_cluster.Server], tmp_path: Path
) -> None:
    primary, replica = servers
    with _client(primary, replica) as on_replica:
        assert on_replica.app.state.reader.location == (  # type: ignore[attr-defined]
            f"127.0.0.1:{replica.port}/visits"
        )
        empty = on_replica.get("/v1/visits")
        assert (empty.status_code, empty.json()["total"]) == (200, 0)
        # The load, with the replica set too: it writes to DATABASE_URL (the replica is
        # read-only and would refuse it).
        loaded = run_app(primary.url, "seed", DATABASE_REPLICA_URL=replica.url)
        assert loaded.returncode == 0, loaded.stderr
        version = pg_cluster.data_version(primary)
        assert version >= 1
        delay = pg_cluster.wait_for_version(replica, version)
        print(f"\nthe replica replayed the seed's load {delay:.3f} s after its commit")
        answer = on_replica.get("/v1/visits?limit=2")
        with _client(primary, None) as on_primary:
            expected = on_primary.get("/v1/visits?limit=2")
        assert answer.status_code == 200
        assert answer.json()["total"] == 3
        assert answer.content == expected.content
        assert _version_of(answer.headers["ETag"]) == version
        assert answer.headers["ETag"] == expected.headers["ETag"]
        assert on_replica.get(f"/v1/visits/{VISIT}").json()["city"] == "Caracas"
        # The database as a SQLite file, made from what the replica holds.
        download = on_replica.get("/v1/export/database.sqlite")
        assert download.status_code == 200, download.text
        copy = tmp_path / "from-the-replica.sqlite3"
        copy.write_bytes(download.content)
        with closing(sqlite3.connect(copy)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert connection.execute("SELECT count(*) FROM visit").fetchone() == (3,)
            found = connection.execute("SELECT version FROM data_version").fetchone()
            assert found == (version,)


@replication
@pytest.mark.postgresql
@pytest.mark.postgresql_only(
    reason="a replica to check exists on PostgreSQL alone",
    counterpart="tests/test_cli.py::test_check_a_sound_database",
)
def test_check_checks_the_primary_and_the_replica(
    servers: tuple[pg_cluster.Server, pg_cluster.Server],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    primary, replica = servers
    monkeypatch.setenv("DATABASE_URL", primary.url)
    monkeypatch.setenv("DATABASE_REPLICA_URL", replica.url)
    get_settings.cache_clear()
    try:
        assert main(["check"]) == 0
    finally:
        get_settings.cache_clear()
    assert [line.split(":")[0] for line in capsys.readouterr().out.splitlines()] == [
        "database ok",
        "replica ok",
    ]


@replication
@pytest.mark.postgresql
@pytest.mark.postgresql_only(
    reason="a replica that lags behind its primary",
    counterpart="tests/test_scale_out.py::test_a_cursor_from_a_newer_data_version_is_refused_and_an_older_one_followed",
)
def test_a_lagging_replica_answers_its_own_version_and_refuses_a_newer_cursor(
    servers: tuple[pg_cluster.Server, pg_cluster.Server], tmp_path: Path
) -> None:
    primary, replica = servers
    if pg_cluster.data_version(primary) == 0:  # run alone: load the seed first
        engine = create_write_engine(primary.url)
        with engine.begin() as connection:
            load_seed(connection, SEED_DIR)
        engine.dispose()
    pg_cluster.wait_for_replay(primary, replica)
    held = pg_cluster.data_version(replica)
    with replica.connect() as connection:
        connection.execute("SELECT pg_wal_replay_pause()")
        # Requested is enough: replay pauses before the next record it would apply.
        state = connection.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()
        assert state is not None
        assert state[0] in ("pause requested", "paused")
    try:
        changed = _seed_with_city(tmp_path / "seed", "Caracas, Distrito Capital")
        engine = create_write_engine(primary.url)
        with engine.begin() as connection:
            load_seed(connection, changed)
        engine.dispose()
        newer = pg_cluster.data_version(primary)
        assert newer == held + 1
        assert pg_cluster.data_version(replica) == held  # paused: still the older version
        with _client(primary, replica) as on_replica, _client(primary, None) as on_primary:
            first = on_primary.get("/v1/visits?limit=2&sort=-start_date")
            cursor = first.json()["next_cursor"]
            assert _version_of(first.headers["ETag"]) == newer
            # The replica answers from the version it holds, and its ETag says which.
            lagging = on_replica.get(f"/v1/visits/{VISIT}")
            assert lagging.json()["city"] == "Caracas"
            assert _version_of(lagging.headers["ETag"]) == held
            assert on_primary.get(f"/v1/visits/{VISIT}").json()["city"] == (
                "Caracas, Distrito Capital"
            )
            # A cursor issued at the newer version: no page of older data, a problem to
            # retry.
            refused = on_replica.get(f"/v1/visits?limit=2&sort=-start_date&cursor={cursor}")
            assert refused.status_code == 503
            assert refused.headers["Retry-After"] == "1"
            assert refused.headers["Content-Type"] == "application/problem+json"
            problem: dict[str, Any] = refused.json()
            assert problem["type"].endswith("/data-version-behind")
            assert problem["title"] == "Data not yet here"
            assert problem["detail"] == (
                f"The cursor was issued at data version {newer}; this server holds version "
                f"{held} (a read replica still replaying a load). Retry after a moment; "
                "starting the list again without the cursor answers from the data held here."
            )
            # The search and the deletions feed check their cursors alike.
            hits = on_primary.get("/v1/search?q=raisi&limit=1").json()["next_cursor"]
            searched = on_replica.get(f"/v1/search?q=raisi&limit=1&cursor={hits}")
            assert searched.status_code == 503
            assert searched.json()["type"].endswith("/data-version-behind")

            with replica.connect() as connection:
                connection.execute("SELECT pg_wal_replay_resume()")
            pg_cluster.wait_for_version(replica, newer)
            # Replayed: the same cursor gives the primary's page.
            resumed = on_replica.get(f"/v1/visits?limit=2&sort=-start_date&cursor={cursor}")
            expected = on_primary.get(f"/v1/visits?limit=2&sort=-start_date&cursor={cursor}")
            assert resumed.status_code == 200
            assert resumed.content == expected.content
            assert _version_of(resumed.headers["ETag"]) == newer
            assert on_replica.get(f"/v1/visits/{VISIT}").json()["city"] == (
                "Caracas, Distrito Capital"
            )
    finally:
        with replica.connect() as connection:
            connection.execute("SELECT pg_wal_replay_resume()")
