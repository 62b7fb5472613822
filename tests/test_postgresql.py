"""PostgreSQL's own behaviour (app/storage/postgresql/): readiness failures in one line,
time limits by `statement_timeout`, one snapshot per request, search's folding and
prefixes, and `python -m app copy` between the engines. Each database is fresh, with a
random name, dropped afterwards (tests/postgres.py)."""

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import app.pages.stored  # noqa: F401 - a rebuild builds the stored pages, as `serve`'s does
from app.config import Settings
from app.derived import EVERYTHING, LATER, refresh
from app.main import create_app
from app.storage import QueryTimeout, create_write_engine, open_reader
from app.storage.postgresql import PgReader
from app.storage.postgresql.reader import PgLoadReader, pyformat
from app.storage.postgresql.search import query_text
from tests.postgres import fresh_database, seeded_postgres
from tests.support import build_sqlite, run_app

pytestmark = pytest.mark.postgresql


def only_here(counterpart: str | None) -> pytest.MarkDecorator:
    """PostgreSQL's own behaviour; `counterpart` is SQLite's test of the same, if any."""
    return pytest.mark.postgresql_only(
        reason="the PostgreSQL implementation (app/storage/postgresql/)", counterpart=counterpart
    )


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """A fresh database holding the seed."""
    with seeded_postgres() as url:
        yield url


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_sqlite(tmp_path_factory.mktemp("copy") / "visits.sqlite3")


@only_here(None)
def test_parameters_become_psycopg_s_and_literals_stay() -> None:
    assert pyformat("SELECT a FROM t WHERE b = :b AND c LIKE '%:x%' AND d::text = :d") == (
        "SELECT a FROM t WHERE b = %(b)s AND c LIKE '%%:x%%' AND d::text = %(d)s"
    )


@only_here("tests/test_search.py::test_every_word_is_a_prefix_unless_its_terms_are_given")
def test_every_word_is_a_required_prefix_and_nothing_reaches_the_syntax() -> None:
    assert query_text("diaz* canel") == "diaz:* & canel:*"
    assert query_text("a|b & !c <-> d:*") == "a:* & b:* & c:* & d:*"
    assert query_text("new_york") == "new:* & york:*"
    assert query_text("  ()*&") is None


@only_here("tests/test_cli.py::test_serving_a_missing_database_fails_fast")
def test_an_unreachable_or_unmigrated_database_fails_in_one_line() -> None:
    unreachable = "postgresql://root@127.0.0.1:1/nothing"
    for command in (["migrate"], ["seed"], ["check"], ["serve"]):
        done = run_app(unreachable, *command)
        assert done.returncode == 1, command
        assert len(done.stderr.strip().splitlines()) == 1, (command, done.stderr)
        assert "cannot reach the PostgreSQL database 127.0.0.1:1/nothing" in done.stderr
    with fresh_database() as empty:
        for command in (["seed"], ["check"], ["serve"]):
            done = run_app(empty, *command)
            assert done.returncode == 1, command
            assert done.stderr.strip().endswith(
                "has no schema (it was never migrated): run `python -m app migrate` and "
                "`python -m app seed`"
            ), (command, done.stderr)
            assert len(done.stderr.strip().splitlines()) == 1


@only_here("tests/test_cli.py::test_check_a_sound_database")
def test_migrate_seed_and_check_on_postgresql() -> None:
    with fresh_database() as url:
        assert run_app(url, "migrate").stdout == "database migrated to the newest schema\n"
        seeded = run_app(url, "seed")
        assert seeded.returncode == 0, seeded.stderr
        checked = run_app(url, "check")
        assert checked.returncode == 0, checked.stderr
        assert checked.stdout.startswith("database ok: ")
        reader = open_reader(url, 2000)
        try:
            with reader.consistent():
                # Derived data built on PostgreSQL: a document per searchable record, a
                # stored item per record (statements' and citations' too), as on SQLite.
                assert reader.scalar("SELECT count(*) FROM search_index") == 317
                assert reader.scalar("SELECT count(*) FROM record_item") == 429
                assert reader.scalar("SELECT version FROM derived_data") > 0
        finally:
            reader.close()


@only_here("tests/test_read_database.py::test_a_query_over_its_time_limit_is_interrupted")
def test_a_query_past_the_time_limit_is_a_query_timeout(pg_url: str) -> None:
    reader = open_reader(pg_url, 50)
    try:
        with pytest.raises(QueryTimeout):
            reader.scalar("SELECT pg_sleep(1)")
        assert reader.scalar("SELECT 1") == 1  # the connection is still good
    finally:
        reader.close()


@only_here(
    "tests/reliability/test_limits.py::test_a_query_past_its_time_limit_is_a_503_with_retry_after"
)
def test_the_api_answers_a_statement_timeout_as_503_query_timeout(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(Settings(database_url=pg_url, query_time_limit_ms=50))
    original = PgReader._execute

    def slow(self: PgReader, sql: str, params: Any = None) -> Any:
        if sql.startswith("SELECT d.item"):  # the page's read
            original(self, "SELECT pg_sleep(1)")
        return original(self, sql, params)

    with TestClient(app) as client:
        monkeypatch.setattr(PgReader, "_execute", slow)
        response = client.get("/v1/visits")
        assert response.status_code == 503
        assert response.json()["type"].endswith("/query-timeout")
        assert "SELECT" not in response.text
        monkeypatch.setattr(PgReader, "_execute", original)
        assert client.get("/healthz").status_code == 200
        assert client.get("/v1/visits").status_code == 200


@only_here(
    "tests/test_read_database.py::test_a_consistent_block_keeps_its_state_and_its_kept_answers"
)
def test_a_request_reads_one_snapshot_while_a_write_commits(pg_url: str) -> None:
    import psycopg

    reader = open_reader(pg_url, 5000)
    try:
        with reader.consistent():
            before = reader.scalar("SELECT version FROM data_version WHERE id = 1")
            done = threading.Event()

            def write() -> None:
                with psycopg.connect(pg_url) as other:
                    other.execute("UPDATE data_version SET version = version + 1 WHERE id = 1")
                done.set()

            threading.Thread(target=write).start()
            assert done.wait(30)
            assert reader.scalar("SELECT version FROM data_version WHERE id = 1") == before
            with pytest.raises(Exception, match="read-only transaction"):
                reader.rows("UPDATE data_version SET version = 0 WHERE id = 1")
        assert reader.scalar("SELECT version FROM data_version WHERE id = 1") == before + 1
    finally:
        reader.close()


@only_here(None)
def test_a_request_costs_one_exchange_per_read_and_one_to_end(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An exchange with the server is one run of psycopg's `execute` generator (send, then
    # wait for the results), counted on the threads that read (not the pool's own, which
    # open connections). A request's BEGIN goes with its first read (the data version),
    # the ETag's and the kept answers' version is read once, and a statement alone is its
    # own transaction (no BEGIN, no COMMIT).
    from psycopg import _cursor_base, generators

    exchanges: list[str] = []
    real = generators.execute

    def counted(pgconn: Any) -> Any:
        if not threading.current_thread().name.startswith("reads-"):
            exchanges.append(threading.current_thread().name)
        return (yield from real(pgconn))

    # No answer kept (ANSWER_CACHE_MB=0): what making each answer costs.
    settings = Settings(database_url=pg_url, integrity_check_in_background=False)
    app = create_app(settings.model_copy(update={"answer_cache_mb": 0}))
    with TestClient(app) as client:
        path, page = "/v1/visits/2023-06-raisi-venezuela", "/v1/visits?sort=-start_date"
        assert client.get(path).status_code == 200
        assert client.get(page).status_code == 200  # its total is kept from now on
        monkeypatch.setattr(generators, "execute", counted)
        monkeypatch.setattr(_cursor_base, "execute", counted)
        assert client.get(path).status_code == 200
        assert len(exchanges) == 3  # BEGIN and the version, the record, COMMIT
        exchanges.clear()
        assert client.get(page).status_code == 200
        assert len(exchanges) == 4  # BEGIN and the version, the dated page, the undated, COMMIT
    every_time = settings.model_copy(update={"version_check_ms": 0})
    with TestClient(create_app(every_time)) as client:
        for asked in (page, path):
            assert client.get(asked).status_code == 200
            exchanges.clear()
            assert client.get(asked).status_code == 200
            assert len(exchanges) == 1  # the version alone: the answer kept at that version
    trusted = settings.model_copy(update={"version_check_ms": 60_000})
    with TestClient(create_app(trusted)) as client:
        for asked in (page, path, page):  # the second page's look-up reads the version
            assert client.get(asked).status_code == 200
        exchanges.clear()
        for asked in (page, path):
            assert client.get(asked).status_code == 200
        assert exchanges == []  # the version read a moment ago taken as current
    reader = open_reader(pg_url, 5000)
    try:
        assert reader.scalar("SELECT 1") == 1  # the pool opened, its connection set up
        exchanges.clear()
        assert reader.scalar("SELECT count(*) FROM visit WHERE id = :id", {"id": "x"}) == 0
        assert len(exchanges) == 1
        with pytest.raises(Exception, match="read-only transaction"):
            reader.rows("UPDATE data_version SET version = 0 WHERE id = 1")
    finally:
        reader.close()


@only_here(None)
@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("DÍAZ-CANEL", "miguel-diaz-canel"),
        ("diaz* canel", "miguel-diaz-canel"),
        ("Díaz", "miguel-diaz-canel"),
        ("canel", "miguel-diaz-canel"),
        ("miguel dia", "miguel-diaz-canel"),
    ],
)
def test_search_folds_accents_and_case_and_matches_prefixes(
    pg_url: str, query: str, found: str
) -> None:
    with TestClient(create_app(Settings(database_url=pg_url))) as client:
        body = client.get("/v1/search", params={"q": query, "type": "participant"}).json()
    assert [hit["id"] for hit in body["items"]] == [found]
    assert "<mark>" in body["items"][0]["snippet"]


@only_here(None)  # SQLite's load reader reads the version once per transaction, in process
def test_a_rebuild_reads_the_data_version_once(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each stored page memoises its counts by data version: read once for the whole build,
    # not an exchange per count (thousands on a large database).
    reads: list[int] = []
    state = PgLoadReader._state

    def counted(reader: PgLoadReader) -> tuple[int, Any]:
        reads.append(1)
        return state(reader)

    monkeypatch.setattr(PgLoadReader, "_state", counted)
    assert LATER, "the stored pages' build is registered"
    engine = create_write_engine(pg_url)
    try:
        with engine.connect() as connection, connection.begin() as transaction:
            pages = "SELECT count(*) FROM record_page"
            before = connection.exec_driver_sql(pages).scalar()
            connection.exec_driver_sql("DELETE FROM record_page")
            refresh(connection, EVERYTHING)
            after = connection.exec_driver_sql(pages).scalar()
            transaction.rollback()
    finally:
        engine.dispose()
    assert after == before == 289  # every record's page and the home page, built again
    assert reads == [1]


@only_here(None)
def test_copy_to_postgresql_and_back_is_verified_and_refuses_a_full_target(
    sqlite_url: str, tmp_path: Path
) -> None:
    with fresh_database() as target:
        copied = run_app(sqlite_url, "copy", "--from", sqlite_url, "--to", target)
        assert copied.returncode == 0, copied.stderr
        lines = copied.stdout.splitlines()
        assert "verified visit: 3 rows, checksum " in "\n".join(lines)
        assert all(line.endswith(" same") for line in lines if line.startswith("verified"))
        again = run_app(sqlite_url, "copy", "--from", sqlite_url, "--to", target)
        assert again.returncode == 1
        assert again.stderr == (
            "nothing copied: the target database holds records: copy into an empty database, "
            "or pass --force to replace them\n"
        )
        forced = run_app(sqlite_url, "copy", "--from", sqlite_url, "--to", target, "--force")
        assert forced.returncode == 0, forced.stderr
        back = f"sqlite:///{tmp_path / 'back.sqlite3'}"
        returned = run_app(back, "copy", "--from", target, "--to", back)
        assert returned.returncode == 0, returned.stderr
        checksums = {
            line.split(":")[0]: line.split("checksum ")[1]
            for line in copied.stdout.splitlines()
            if line.startswith("verified")
        }
        assert checksums == {
            line.split(":")[0]: line.split("checksum ")[1]
            for line in returned.stdout.splitlines()
            if line.startswith("verified")
        }
