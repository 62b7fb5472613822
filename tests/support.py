"""Helpers shared by the tests: the seeded database, built by the real migrations and loader."""

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from app.config import PROJECT_ROOT
from app.derived import rebuild_if_stale
from app.seed import load_seed
from app.storage import create_write_engine, upgrade_to_head

SEED_DIR = PROJECT_ROOT / "seed_data"
# Three million SQLite steps (about half a second here): long enough for a time limit or a
# budget to stop, unlike a sleep, which SQLite's progress handler never sees.
LONG_QUERY = (
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000000) "
    "SELECT count(*) AS counted FROM n"
)
ARTICLE = (SEED_DIR / "sources" / "tdi-2023-06-16-raisi-havana.txt").read_text(encoding="utf-8")


def build_database(path: Path, seed_dir: Path = SEED_DIR) -> str:
    """Migrate an empty SQLite file to head and load the seed; return its URL."""
    url = f"sqlite:///{path}"
    upgrade_to_head(url)
    rebuild_if_stale(url)
    engine = create_write_engine(url)
    with engine.begin() as connection:
        load_seed(connection, seed_dir)
    engine.dispose()
    return url


def damage_a_page(source: Path, target: Path) -> Path:
    """A copy of the database at `source` with the first page of its citation table
    overwritten by random bytes: the schema reads, `quick_check` does not pass."""
    with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(target)) as copy:
        original.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # the whole database in the one file
        page_size = copy.execute("PRAGMA page_size").fetchone()[0]
        (root,) = copy.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'citation'"
        ).fetchone()
    with target.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(os.urandom(page_size))
    return target
