"""Fixtures for the importers: databases built by the real migrations and seed loader."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.importers.historian import ImportReport
from app.main import create_app
from tests.importers.support import FIXTURES_WITH_PEOPLE, SHARED_DATA, run_import
from tests.support import build_database


@pytest.fixture
def seeded(tmp_path: Path) -> str:
    """A fresh database, migrated and seeded, for a test that writes to it."""
    return build_database(tmp_path / "visits.sqlite3")


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, ImportReport]:
    """A seeded database with the fixture data imported, shared by read-only tests."""
    url = build_database(tmp_path_factory.mktemp("historian") / "visits.sqlite3")
    return url, run_import(url)


@pytest.fixture(scope="session")
def fully_imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, ImportReport]:
    """A seeded database with the whole of the Historian's data imported (../shared), shared
    by the tests of the full data (which write nothing but an import of the same data, which
    changes nothing): one import of a minute on a slow machine."""
    if not (SHARED_DATA / "travels").is_dir():
        pytest.skip(f"the Historian data is not present at {SHARED_DATA.resolve()}")
    url = build_database(tmp_path_factory.mktemp("historian-full") / "visits.sqlite3")
    return url, run_import(url, SHARED_DATA)


@pytest.fixture(scope="module")
def imported_client(imported: tuple[str, ImportReport]) -> Iterator[TestClient]:
    """The API over the imported database."""
    settings = Settings(database_url=imported[0], cursor_secret="test-secret")
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="module")
def imported_people(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, ImportReport]:
    """A seeded database with the fixture data and its people/ folder imported."""
    url = build_database(tmp_path_factory.mktemp("historian-people") / "visits.sqlite3")
    return url, run_import(url, FIXTURES_WITH_PEOPLE)
