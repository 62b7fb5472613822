"""A server for the docs' examples over a database built as `make run` builds one, and the
pages' working folders; with UPDATE_DOCS=1, shown outputs that drifted are rewritten."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BACKEND
from tests.docs.runner import Edit, Sandbox, apply
from tests.support import empty_database, migrate_and_seed, served

HISTORIAN_DATA = Path(__file__).resolve().parents[2].parent / "shared/datasets/history-state-gov"


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """A seeded API server and the working folders the examples run in."""
    folder = tmp_path_factory.mktemp("docs-server")
    database_url = empty_database(folder)
    migrate_and_seed(database_url)
    with served(database_url, folder / "server.log") as url:
        pages = Sandbox(
            tmp_path_factory.mktemp("docs-pages"),
            url,
            database_url,
            engine_free_ran_elsewhere=BACKEND != "sqlite",
        )
        if (HISTORIAN_DATA / "travels").is_dir():
            pages.env["HISTORIAN_DATA"] = str(HISTORIAN_DATA)
        yield pages


@pytest.fixture(scope="session")
def corrections() -> Iterator[list[Edit]]:
    """Corrected outputs, written into the pages when the session ends if UPDATE_DOCS=1."""
    edits: list[Edit] = []
    yield edits
    if os.environ.get("UPDATE_DOCS") == "1":
        apply(edits)
