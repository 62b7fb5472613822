"""A real server for the example scripts, over a database built the way `make run` builds
one: `python -m app migrate`, then `python -m app seed`, into a temporary file."""

from collections.abc import Iterator

import pytest

from tests.support import empty_database, migrate_and_seed, served


@pytest.fixture(scope="session")
def api_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a seeded API server, stopped when the session ends."""
    folder = tmp_path_factory.mktemp("examples-server")
    database_url = empty_database(folder)
    migrate_and_seed(database_url)
    with served(database_url, folder / "server.log") as url:
        yield url
