"""The command line, run as a user runs it: `python -m app migrate | seed | ...`, its help,
version and manners."""

import argparse
import gc
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app import cli
from app.batch import collector_paused, paused_collector
from app.cli import _progress, build_parser
from tests.conftest import BACKEND
from tests.support import SEED_DIR, build_sqlite, damage_a_page

SQLITE_FILE = pytest.mark.sqlite_only(reason="the SQLite file itself", counterpart=None)


def run(*args: str, database: Path | str) -> subprocess.CompletedProcess[str]:
    """The command on a database: a SQLite file's path, or a URL."""
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "app", *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database on the engine under test (a file in a folder not yet made,
    on SQLite)."""
    if BACKEND == "postgresql":
        from tests.postgres import fresh_database

        with fresh_database() as url:
            yield url
        return
    yield f"sqlite:///{tmp_path / 'data' / 'visits.sqlite3'}"


def test_migrate_then_seed_twice(empty_database: str) -> None:
    database = empty_database
    migrated = run("migrate", database=database)
    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout.strip() == "database migrated to the newest schema"
    first = run("seed", database=database)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "seed loaded from seed_data/: 208 created, 0 updated, 0 deleted"
    second = run("seed", database=database)
    assert second.stdout.strip() == "seed loaded from seed_data/: 0 created, 0 updated, 0 deleted"


def test_a_bad_seed_exits_non_zero_and_changes_nothing(empty_database: str, tmp_path: Path) -> None:
    database = empty_database
    run("migrate", database=database)
    run("seed", database=database)
    broken = tmp_path / "seed_data"
    shutil.copytree(SEED_DIR, broken)
    participants = broken / "participants.yaml"
    participants.write_text(
        participants.read_text(encoding="utf-8").replace("country: CU", "country: XX", 1),
        encoding="utf-8",
    )
    result = run("seed", "--seed-dir", str(broken), database=database)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "seed not loaded, nothing changed: participants.yaml: participant miguel-diaz-canel: "
        "field 'country': unknown country code 'XX' (ISO 3166-1 alpha-2 or alpha-3)"
    )
    engine = create_engine(database.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        count = connection.scalar(
            text("SELECT count(*) FROM participant WHERE country_code = 'CU'")
        )
    engine.dispose()
    assert count == 4


@pytest.mark.sqlite_only(
    reason="a missing file",
    counterpart="tests/test_postgresql.py::test_an_unreachable_or_unmigrated_database_fails_in_one_line",
)
def test_serving_a_missing_database_fails_fast(tmp_path: Path) -> None:
    result = run("serve", "--port", "1", database=tmp_path / "absent.sqlite3")
    assert result.returncode == 1
    assert result.stderr.startswith("cannot serve: no database at ")
    assert result.stderr.strip().endswith("run `python -m app migrate` and `python -m app seed`")
    assert "Traceback" not in result.stderr


@pytest.mark.sqlite_only(
    reason="checks a file's pages",
    counterpart="tests/test_postgresql.py::test_migrate_seed_and_check_on_postgresql",
)
def test_check_a_sound_database(tmp_path: Path) -> None:
    database = tmp_path / "visits.sqlite3"
    build_sqlite(database)
    with sqlite3.connect(database) as connection:
        (pages,) = connection.execute("PRAGMA page_count").fetchone()
    result = run("check", database=database)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(rf"database ok: {pages:,} pages checked in \d+\.\d s\n", result.stdout)
    assert result.stderr == ""


@SQLITE_FILE
def test_check_a_damaged_database(tmp_path: Path) -> None:
    sound = tmp_path / "sound.sqlite3"
    build_sqlite(sound)
    damaged = damage_a_page(sound, tmp_path / "damaged.sqlite3")
    result = run("check", database=damaged)
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(
        f"database not ok: the database at {damaged} is damaged (in database main; Page "
    )
    assert line.endswith(
        "restore it from a copy, or rebuild it with `python -m app migrate` "
        "and `python -m app seed`"
    )


@pytest.mark.backend_independent(reason="no database")
def test_version_is_the_package_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout == f"diplomatic-visits {version('diplomatic-visits-api')}\n"


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


@pytest.mark.backend_independent(reason="no database")
def test_every_command_and_option_says_what_it_does_and_its_default() -> None:
    parsers = list(_parsers(build_parser()))
    assert [parser.prog for parser in parsers] == [
        "diplomatic-visits",
        "diplomatic-visits migrate",
        "diplomatic-visits seed",
        "diplomatic-visits serve",
        "diplomatic-visits check",
        "diplomatic-visits copy",
        "diplomatic-visits import",
        "diplomatic-visits import historian",
        "diplomatic-visits fetch",
        "diplomatic-visits fetch historian",
    ]
    for parser in parsers:
        assert parser.description, parser.prog
        text = parser.format_help()
        for action in parser._actions:
            assert action.help, (parser.prog, action.dest)
            if action.option_strings and action.default not in (None, argparse.SUPPRESS):
                assert f"(default: {action.default})" in " ".join(text.split()), action.dest
    serve = parsers[3].format_help()
    assert "--port PORT port to listen on (default: 8000)" in " ".join(serve.split())


@pytest.mark.backend_independent(reason="no database")
def test_help_names_the_command_as_it_was_run() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "serve", "--help"], capture_output=True, text=True
    )
    assert result.stdout.startswith("usage: python -m app serve [-h] [--host HOST]")


@pytest.mark.backend_independent(reason="no database")
def test_a_closed_pipe_ends_the_command_quietly(tmp_path: Path) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written, as `| head` may be
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'visits.sqlite3'}"}
    with os.fdopen(write, "w") as stdout:
        result = subprocess.run(
            [sys.executable, "-m", "app", "migrate"], stdout=stdout, stderr=subprocess.PIPE, env=env
        )
    assert result.stderr == b""
    assert result.returncode == 1


@pytest.mark.backend_independent(reason="no database")
def test_progress_is_shown_on_a_terminal_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    with _progress("archive", 2048, "B") as advance:
        advance(1024)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with _progress("archive", 2048, "B") as advance:
        advance(1024)
    shown = capsys.readouterr().err
    assert shown.startswith("\rarchive:   0%|")  # drawn, then cleared when done
    assert "0.00/2.05k" in shown


@pytest.mark.backend_independent(reason="no database")
@pytest.mark.parametrize(
    ("argv", "handler", "paused"),
    [
        (["migrate"], "_migrate", True),
        (["seed"], "_seed", True),
        (["copy", "--from", "sqlite:///a", "--to", "sqlite:///b"], "_copy", True),
        (["import", "historian", "folder"], "_import_historian", True),
        (["fetch", "historian"], "_fetch_historian", True),
        (["serve"], "_serve", False),
        (["check"], "_check", False),
    ],
)
def test_the_commands_that_load_run_with_the_cyclic_collector_paused(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], handler: str, paused: bool
) -> None:
    seen: list[bool] = []

    def spy(_args: argparse.Namespace) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(cli, handler, spy)
    args = build_parser().parse_args(argv)
    assert gc.isenabled()
    assert args.handler(args) == 0
    assert seen == [not paused]
    assert gc.isenabled()  # on again after


@pytest.mark.backend_independent(reason="no database")
def test_serve_migrate_pauses_the_collector_for_its_migration_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[tuple[str, bool]] = []
    for step in ("upgrade_to_head", "rebuild_if_stale"):
        monkeypatch.setattr(cli, step, lambda _url, step=step: seen.append((step, gc.isenabled())))
    database = tmp_path / "visits.sqlite3"
    database.touch()
    cli._migrate_existing(f"sqlite:///{database}")
    assert seen == [("upgrade_to_head", False), ("rebuild_if_stale", False)]
    assert gc.isenabled()


@pytest.mark.backend_independent(reason="no database")
def test_the_collector_is_on_again_after_a_failed_load_and_left_paused_if_it_was() -> None:
    def load() -> None:
        assert not gc.isenabled()
        raise ValueError("a bad seed")

    with pytest.raises(ValueError, match="a bad seed"):
        paused_collector(load)()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # paused by someone else: left so
    finally:
        gc.enable()
