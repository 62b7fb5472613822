"""Helpers shared by the tests: the seeded database, built by the real migrations and loader."""

from pathlib import Path

from app.config import PROJECT_ROOT
from app.db import create_write_engine, upgrade_to_head
from app.seed import load_seed

SEED_DIR = PROJECT_ROOT / "seed_data"
ARTICLE = (SEED_DIR / "sources" / "tdi-2023-06-16-raisi-havana.txt").read_text(encoding="utf-8")


def build_database(path: Path, seed_dir: Path = SEED_DIR) -> str:
    """Migrate an empty SQLite file to head and load the seed; return its URL."""
    url = f"sqlite:///{path}"
    upgrade_to_head(url)
    engine = create_write_engine(url)
    with engine.begin() as connection:
        load_seed(connection, seed_dir)
    engine.dispose()
    return url
