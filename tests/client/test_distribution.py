"""The client as people install it: its own wheel, in a fresh virtual environment with httpx and
pydantic alone, used from an empty folder against a live server."""

import json
import subprocess
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT as PROJECT
from diplomatic_visits_client import __version__
from tests.packaging import build_wheel, make_venv, pinned

pytestmark = [
    pytest.mark.slow,
    pytest.mark.backend_independent(reason="the client package as installed"),
]

SERVER_DISTRIBUTIONS = {
    "diplomatic-visits-api",
    "fastapi",
    "starlette",
    "sqlmodel",
    "sqlalchemy",
    "alembic",
    "uvicorn",
}
SCRIPT = """
import asyncio, sys
from diplomatic_visits_client import AsyncDiplomaticVisitsClient, DiplomaticVisitsClient, NotFound

with DiplomaticVisitsClient(sys.argv[1]) as client:
    visit = client.visits.get("2023-06-raisi-cuba")
    print(type(visit).__module__, visit.host_country.name, visit.start_date)
    print(client.visits.download("visits.csv", host_country="CU"))
    try:
        client.visits.get("no-such-visit")
    except NotFound as error:
        print(error.status, error.problem.title)


async def legs():
    async with AsyncDiplomaticVisitsClient(sys.argv[1]) as client:
        tour = await client.tours.get("2023-06-raisi-latin-america")
        legs = client.visits.iter(tour=tour.id, sort="start_date")
        return [leg.host_country.code async for leg in legs]


print(asyncio.run(legs()))
"""


@pytest.fixture(scope="module")
def client_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with the client's wheel, httpx and pydantic, as pinned."""
    root = tmp_path_factory.mktemp("client")
    wheel = build_wheel(PROJECT / "client", root / "wheels")
    assert wheel.name == f"diplomatic_visits_client-{__version__}-py3-none-any.whl"
    bin, seconds = make_venv(root / "venv", pinned("httpx"), pinned("pydantic"), str(wheel))
    print(f"client wheel: {wheel.stat().st_size:,} bytes; installed in {seconds:.1f} s")
    return bin


def test_the_client_installs_without_the_servers_libraries(client_venv: Path) -> None:
    listed = subprocess.run(
        [client_venv / "python", "-m", "pip", "list", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    installed = {package["name"].lower() for package in json.loads(listed.stdout)}
    assert {"diplomatic-visits-client", "httpx", "pydantic"} <= installed
    assert installed & SERVER_DISTRIBUTIONS == set()


def test_the_installed_client_talks_to_a_live_server(
    client_venv: Path, api_url: str, tmp_path: Path
) -> None:
    result = subprocess.run(
        [client_venv / "python", "-c", SCRIPT, api_url],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "diplomatic_visits_client.models Cuba 2023-06-14"
    assert int(lines[1]) == (tmp_path / "visits.csv").stat().st_size
    assert (tmp_path / "visits.csv").read_text().splitlines()[1].startswith("2023-06-raisi-cuba,")
    assert lines[2:] == ["404 Not found", "['VE', 'NI', 'CU']"]


def test_the_examples_need_only_the_client(client_venv: Path, api_url: str) -> None:
    result = subprocess.run(
        [client_venv / "python", PROJECT / "examples" / "tour_legs.py", "--base-url", api_url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Havana" in result.stdout
