"""A real server for the example scripts, over a database built the way `make run` builds
one: `python -m app migrate`, then `python -m app seed`, into a temporary file."""

from collections.abc import Iterator

import pytest

from tests.live_server import app_command, serve


@pytest.fixture(scope="session")
def api_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a seeded API server, stopped when the session ends."""
    folder = tmp_path_factory.mktemp("examples-server")
    database_url = f"sqlite:///{folder / 'visits.sqlite3'}"
    app_command(database_url, "migrate")
    app_command(database_url, "seed")
    with serve(database_url, folder / "server.log") as url:
        yield url
