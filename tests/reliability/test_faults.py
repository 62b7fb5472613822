"""Faults, through the command line in subprocesses, as an operator meets them.

- `serve` on a missing, unreadable, corrupt, damaged, empty, never-migrated or older database
  refuses at once: exit code 1 and one line saying what is wrong and what to run.
- A file over INTEGRITY_CHECK_MAX_BYTES is served at once and checked in the background: the
  outcome is logged, and a damaged file makes `/healthz` a 503 while the server runs on.
- `serve --migrate` moves an older database forward, keeping its data, then serves it.
- A seed load, and a Historian import, killed with SIGKILL in the middle of writing leave the
  database exactly as it was.
- Readers during a reload see the old data or the new, never a mix.
"""

import gzip
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlmodel import SQLModel

from app.config import PROJECT_ROOT, Settings
from app.derived import DERIVED_VERSION
from app.main import create_app
from app.storage import alembic_config
from tests.reliability.generated import VISITOR, generated_seed
from tests.support import (
    app_env,
    build_database,
    build_sqlite,
    damage_a_page,
    database_path,
    free_port,
    integrity,
    run_app,
    served,
    state,
)

_SCRIPTS = ScriptDirectory.from_config(alembic_config("sqlite://"))
HEAD = _SCRIPTS.get_current_head()
PREVIOUS = _SCRIPTS.get_revision(HEAD).down_revision
HISTORIAN_DATA = PROJECT_ROOT.parent / "shared" / "datasets" / "history-state-gov"
# Written to the WAL before the kill: proof that the load was caught writing, not before.
MID_WRITE_WAL_BYTES = 1_000_000
KILL_DEADLINE_SECONDS = 120
# Faults of a SQLite file: broken, damaged, older or large files, and loads killed while they
# write its WAL. A server database's counterparts, where it has them, are named.
SQLITE_FILE = pytest.mark.sqlite_only(reason="faults of a SQLite file", counterpart=None)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated and seeded database file, checkpointed so that it can be copied whole."""
    path = tmp_path_factory.mktemp("faults") / "seeded.sqlite3"
    build_sqlite(path)
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _copy(seeded: Path, target: Path) -> Path:
    shutil.copy(seeded, target)
    return target


def _older_schema(seeded: Path, target: Path) -> Path:
    """A copy of the seeded database taken back one migration, its data kept."""
    from alembic import command

    _copy(seeded, target)
    command.downgrade(alembic_config(f"sqlite:///{target}"), "-1")
    return target


def _derived_data_of_another_version(seeded: Path, target: Path) -> Path:
    """A copy whose search index and visit documents say another version of the service built
    them."""
    _copy(seeded, target)
    with closing(sqlite3.connect(target)) as connection:
        connection.execute("PRAGMA user_version = 99")
    return target


def _never_migrated(_seeded: Path, target: Path) -> Path:
    with closing(sqlite3.connect(target)) as connection:
        connection.execute("CREATE TABLE note (text TEXT)")
    return target


def _write(content: bytes) -> Callable[[Path, Path], Path]:
    def make(_seeded: Path, target: Path) -> Path:
        target.write_bytes(content)
        return target

    return make


def _directory(_seeded: Path, target: Path) -> Path:
    target.mkdir()
    return target


# name: (how to make the file, what the one line on standard error must say)
BROKEN: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "missing": (lambda _s, target: target, "no database at {path}: run `python -m app migrate`"),
    # Tests run as root, for whom chmod 000 hides nothing: a directory is unreadable as a file.
    "a directory": (_directory, "{path} is not a file"),
    "not a database": (_write(b"name,country\nRaisi,IR\n" * 100), "file is not a database"),
    "garbage bytes": (_write(os.urandom(64 * 1024)), "file is not a database"),
    "empty file": (_write(b""), "has no schema (it was never migrated)"),
    "never migrated": (_never_migrated, "has no schema (it was never migrated)"),
    "older schema": (_older_schema, "is at schema {previous}, not {head}: run `python -m app"),
    "a damaged page": (damage_a_page, "is damaged (in database main; Page "),
    "derived data of another version": (
        _derived_data_of_another_version,
        "the search index and visit documents in {path} are version 99, this service reads "
        f"version {DERIVED_VERSION}: run `python -m app migrate` to rebuild them",
    ),
}


@pytest.mark.sqlite_only(
    reason="faults of a SQLite file",
    counterpart="tests/test_postgresql.py::test_an_unreachable_or_unmigrated_database_fails_in_one_line",
)
def test_serve_refuses_a_broken_database_at_once(seeded: Path, tmp_path: Path) -> None:
    cases: dict[str, tuple[Path, str, subprocess.Popen[str], float]] = {}
    for name, (make, expected) in BROKEN.items():
        path = make(seeded, tmp_path / f"{name.replace(' ', '-')}.sqlite3")
        started = time.monotonic()
        # All at once: each exits before listening, so the port is never taken.
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--port", str(free_port())],
            cwd=PROJECT_ROOT,
            env=app_env(f"sqlite:///{path}"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        expected = expected.format(path=path, head=HEAD, previous=PREVIOUS)
        cases[name] = (path, expected, process, started)
    problems = []
    for name, (_path, expected, process, started) in cases.items():
        try:
            _, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            problems.append(f"{name}: still running after 60 s: it started serving")
            continue
        took = time.monotonic() - started
        lines = stderr.strip().splitlines()
        if process.returncode != 1 or len(lines) != 1 or not lines[0].startswith("cannot serve:"):
            problems.append(f"{name}: exit {process.returncode}, stderr {stderr!r}")
        elif expected not in lines[0]:
            problems.append(f"{name}: {expected!r} not in {lines[0]!r}")
        print(f"\n{name}: exit {process.returncode} in {took:.1f} s: {lines[0] if lines else ''}")
    assert not problems, "\n".join(problems)
    assert not (tmp_path / "missing.sqlite3").exists(), "serving created a database"


@SQLITE_FILE
def test_serve_migrate_moves_an_older_database_forward(seeded: Path, tmp_path: Path) -> None:
    path = _older_schema(seeded, tmp_path / "older.sqlite3")
    url = f"sqlite:///{path}"
    before = state(url)
    refused = run_app(url, "serve", "--port", str(free_port()))
    assert refused.returncode == 1, refused.stderr

    with served(url, tmp_path / "server.log", "--migrate") as api:
        visits = httpx.get(f"{api}/v1/visits", params={"limit": 500}).json()
        assert visits["total"] == len(before["visit"])
        detail = httpx.get(f"{api}/v1/visits/2023-06-raisi-cuba")
        assert detail.status_code == 200
        assert detail.json()["city"] == "Havana"

    after = state(url)
    with closing(sqlite3.connect(path)) as connection:
        (version,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert version == HEAD
    for table, rows in before.items():  # the records' tables (derived ones are rebuilt)
        if table in SQLModel.metadata.tables and table != "visit":
            # Every value kept; a column the migration adds (0130's fingerprint) is null.
            width = len(rows[0]) if rows else 0
            assert [row[:width] for row in after[table]] == rows, table
            assert {row[width:] for row in after[table]} <= {(), (None,)}, table
    assert [row[0] for row in after["visit"]] == [row[0] for row in before["visit"]]


@SQLITE_FILE
def test_migrate_rebuilds_derived_data_of_another_version(seeded: Path, tmp_path: Path) -> None:
    path = _derived_data_of_another_version(seeded, tmp_path / "stale.sqlite3")
    url = f"sqlite:///{path}"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("UPDATE record_item SET item = '{}', csv_row = ''")
        connection.execute("DELETE FROM record_detail")
        connection.execute("DELETE FROM search_index")
    migrated = run_app(url, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (DERIVED_VERSION,)
        cities = [
            row[0]
            for row in connection.execute(
                "SELECT item ->> 'city' FROM record_item WHERE resource = 'visit' "
                "ORDER BY record_id"
            )
        ]
        found = connection.execute(
            "SELECT record_id FROM search_index WHERE search_index MATCH 'havana' "
            "AND resource = 'visit'"
        ).fetchall()
        details = [
            json.loads(gzip.decompress(row[0]))["city"]
            for row in connection.execute(
                "SELECT detail FROM record_detail WHERE resource = 'visit' ORDER BY record_id"
            )
        ]
    assert cities == details == ["Havana", "Managua", "Caracas"]  # cuba, nicaragua, venezuela
    assert found == [("2023-06-raisi-cuba",)]


@SQLITE_FILE
def test_serve_migrate_never_creates_a_database(tmp_path: Path) -> None:
    absent = tmp_path / "absent.sqlite3"
    result = run_app(f"sqlite:///{absent}", "serve", "--migrate", "--port", str(free_port()))
    assert result.returncode == 1
    assert result.stderr.startswith(f"cannot serve: no database at {absent}")
    assert not absent.exists()


def _integrity_lines(log: Path, wanted: int) -> list[dict[str, Any]]:
    """The server's log lines about the integrity check, once there are `wanted` of them
    (the outcome may trail the first answer), or all there are after ten seconds."""
    deadline = time.monotonic() + 10
    while True:
        lines = [
            json.loads(line)
            for line in log.read_text().splitlines()
            if line.startswith("{") and "integrity check" in line
        ]
        if len(lines) >= wanted or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


# Every file is over this limit: the check runs in the background, as for a large file.
IN_THE_BACKGROUND = {"INTEGRITY_CHECK_MAX_BYTES": "0"}


@SQLITE_FILE
def test_a_damaged_file_over_the_limit_is_served_and_reported(seeded: Path, tmp_path: Path) -> None:
    path = damage_a_page(seeded, tmp_path / "damaged.sqlite3")
    log = tmp_path / "server.log"

    with served(f"sqlite:///{path}", log, settings=IN_THE_BACKGROUND, ready_status=503) as api:
        health = httpx.get(f"{api}/healthz")
        assert health.headers["content-type"] == "application/problem+json"
        assert health.headers["cache-control"] == "no-store"
        assert health.json() == {
            "type": "https://diplomatic-visits.example/problems/database-damaged",
            "title": "Database damaged",
            "status": 503,
            "detail": "The integrity check found the database file damaged: answers may fail "
            "or be incomplete until it is restored from a copy.",
            "instance": "/healthz",
            "errors": [],
        }
        # It runs on, answering what it can read.
        assert httpx.get(f"{api}/v1/topics").status_code == 200
        started, outcome = _integrity_lines(log, 2)

    assert started["level"] == "info"
    assert started["message"] == (
        "integrity check started in the background (file over INTEGRITY_CHECK_MAX_BYTES)"
    )
    assert outcome["level"] == "error"
    assert outcome["message"].startswith(
        f"integrity check: the database at {path} is damaged (in database main; Page "
    )


@SQLITE_FILE
def test_a_sound_file_over_the_limit_is_served_then_found_ok(seeded: Path, tmp_path: Path) -> None:
    path = _copy(seeded, tmp_path / "sound.sqlite3")
    with closing(sqlite3.connect(path)) as connection:
        (pages,) = connection.execute("PRAGMA page_count").fetchone()
    log = tmp_path / "server.log"

    with served(f"sqlite:///{path}", log, settings=IN_THE_BACKGROUND) as api:
        lines = _integrity_lines(log, 2)
        assert httpx.get(f"{api}/healthz").json() == {"status": "ok", "visits": 3}

    assert [line["level"] for line in lines] == ["info", "info"]
    assert re.fullmatch(
        rf"integrity check: database ok: {pages:,} pages checked in \d+\.\d s", lines[1]["message"]
    ), lines[1]["message"]


@SQLITE_FILE
def test_a_file_over_the_limit_can_be_left_to_the_check_command(
    seeded: Path, tmp_path: Path
) -> None:
    # INTEGRITY_CHECK_IN_BACKGROUND=false: `serve` does not read the whole file at all (a
    # deploy step runs `python -m app check` instead); the damage goes unnoticed by `serve`.
    path = damage_a_page(seeded, tmp_path / "unchecked.sqlite3")
    log = tmp_path / "server.log"
    settings = {**IN_THE_BACKGROUND, "INTEGRITY_CHECK_IN_BACKGROUND": "false"}
    with served(f"sqlite:///{path}", log, settings=settings) as api:
        assert httpx.get(f"{api}/healthz").status_code == 200
        time.sleep(1)  # time enough for a background check of this small file to report
    assert _integrity_lines(log, 0) == []
    checked = run_app(f"sqlite:///{path}", "check")
    assert checked.returncode == 1, checked.stdout


def _writing(path: Path) -> bool:
    """Whether another connection holds the write lock (is inside a write transaction)."""
    with closing(sqlite3.connect(path, timeout=0, isolation_level=None)) as probe:
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return True
        probe.execute("ROLLBACK")
        return False


def _wal_bytes(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def kill_mid_write(database_url: str, *args: str) -> int:
    """Run `python -m app ARGS` and SIGKILL it while it is writing; the WAL bytes it wrote."""
    path = database_path(database_url)
    process = subprocess.Popen(
        [sys.executable, "-m", "app", *args],
        cwd=PROJECT_ROOT,
        env=app_env(database_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + KILL_DEADLINE_SECONDS
    written = 0
    try:
        while process.poll() is None and time.monotonic() < deadline:
            if _writing(path) and _wal_bytes(path) > MID_WRITE_WAL_BYTES:
                written = _wal_bytes(path)
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
    finally:
        if process.poll() is None and not written:
            process.kill()
        _, stderr = process.communicate()
    if not written:
        pytest.fail(
            f"`{' '.join(args)}` ended (exit {process.returncode}) before it could be caught "
            f"writing: give it a larger input\n{stderr.decode()}"
        )
    assert process.returncode == -signal.SIGKILL
    return written


@SQLITE_FILE
def test_a_seed_load_killed_mid_write_changes_nothing(seeded: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{_copy(seeded, tmp_path / 'visits.sqlite3')}"
    before = state(url)
    big = generated_seed(tmp_path, visits=4000, label="big")

    written = kill_mid_write(url, "seed", "--seed-dir", str(big))

    print(f"\nseed load killed after writing {written:,} WAL bytes")
    assert integrity(url) == "ok"
    assert state(url) == before
    with TestClient(create_app(Settings(database_url=url))) as client:
        assert client.get("/healthz").json() == {"status": "ok", "visits": 3}


@SQLITE_FILE
@pytest.mark.skipif(
    not (HISTORIAN_DATA / "travels").is_dir(), reason=f"no Historian data at {HISTORIAN_DATA}"
)
def test_an_import_killed_mid_write_changes_nothing(seeded: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{_copy(seeded, tmp_path / 'visits.sqlite3')}"
    before = state(url)

    written = kill_mid_write(url, "import", "historian", str(HISTORIAN_DATA))

    print(f"\nHistorian import killed after writing {written:,} WAL bytes")
    assert integrity(url) == "ok"
    assert state(url) == before


def test_readers_during_a_reload_see_old_or_new_never_a_mix(tmp_path: Path) -> None:
    sizes = {"A": 300, "B": 280}  # B changes every summary and deletes 20 visits
    seeds = {label: generated_seed(tmp_path, size, label) for label, size in sizes.items()}
    url = build_database(tmp_path / "visits.sqlite3", seeds["A"])
    reloads = ["B", "A"]
    failures: list[str] = []

    def reload() -> None:
        for label in reloads:
            result = run_app(url, "seed", "--seed-dir", str(seeds[label]))
            if result.returncode != 0:
                failures.append(result.stderr)

    seen: list[tuple[str, int, str]] = []
    with TestClient(create_app(Settings(database_url=url))) as client:
        loader = threading.Thread(target=reload)
        loader.start()
        deadline = time.monotonic() + 90
        while loader.is_alive() and time.monotonic() < deadline:
            response = client.get("/v1/visits", params={"participant": VISITOR, "limit": 500})
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            labels = {item["summary"].rsplit(" ", 1)[1].rstrip(".") for item in body["items"]}
            assert len(labels) == 1, f"one page holds records of two loads: {labels}"
            (label,) = labels
            assert body["total"] == len(body["items"]) == sizes[label], (label, body["total"])
            seen.append((label, body["total"], response.headers["etag"].split("-")[0]))
        loader.join()
    assert not failures, failures
    versions: dict[str, set[str]] = {}
    for label, _, version in seen:
        versions.setdefault(version, set()).add(label)
    assert all(len(labels) == 1 for labels in versions.values()), versions
    print(f"\n{len(seen)} reads during two reloads, states seen: {sorted({s[0] for s in seen})}")
    assert {label for label, _, _ in seen} == {"A", "B"}
