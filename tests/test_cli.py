"""The command line, run as a user runs it: `python -m app migrate | seed`."""

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.support import SEED_DIR, build_database, damage_a_page


def run(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    return subprocess.run(
        [sys.executable, "-m", "app", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_migrate_then_seed_twice(tmp_path: Path) -> None:
    database = tmp_path / "data" / "visits.sqlite3"
    migrated = run("migrate", database=database)
    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout.strip() == "database migrated to the newest schema"
    first = run("seed", database=database)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "seed loaded from seed_data/: 208 created, 0 updated, 0 deleted"
    second = run("seed", database=database)
    assert second.stdout.strip() == "seed loaded from seed_data/: 0 created, 0 updated, 0 deleted"


def test_a_bad_seed_exits_non_zero_and_changes_nothing(tmp_path: Path) -> None:
    database = tmp_path / "visits.sqlite3"
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
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM participant WHERE country_code = 'CU'"
        ).fetchone()
    assert count == 4


def test_serving_a_missing_database_fails_fast(tmp_path: Path) -> None:
    result = run("serve", "--port", "1", database=tmp_path / "absent.sqlite3")
    assert result.returncode == 1
    assert result.stderr.startswith("cannot serve: no database at ")
    assert result.stderr.strip().endswith("run `python -m app migrate` and `python -m app seed`")
    assert "Traceback" not in result.stderr


def test_check_a_sound_database(tmp_path: Path) -> None:
    database = tmp_path / "visits.sqlite3"
    build_database(database)
    with sqlite3.connect(database) as connection:
        (pages,) = connection.execute("PRAGMA page_count").fetchone()
    result = run("check", database=database)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(rf"database ok: {pages:,} pages checked in \d+\.\d s\n", result.stdout)
    assert result.stderr == ""


def test_check_a_damaged_database(tmp_path: Path) -> None:
    sound = tmp_path / "sound.sqlite3"
    build_database(sound)
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
