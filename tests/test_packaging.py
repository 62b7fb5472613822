"""The product as people install it: a wheel built from the repository, installed into a fresh
virtual environment, its `diplomatic-visits` command run from an empty folder."""

import os
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest

from app.config import PROJECT_ROOT as PROJECT
from tests.importers.support import FIXTURES
from tests.packaging import build_wheel, make_venv
from tests.support import served

pytestmark = [
    pytest.mark.slow,
    pytest.mark.backend_independent(reason="the wheel and its command"),
]
VERSION = version("diplomatic-visits-api")


@dataclass(frozen=True)
class Installed:
    """A fresh virtual environment holding the wheel, and how it was made."""

    wheel: Path
    bin: Path
    install_seconds: float


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel with its pinned dependencies, in a virtual environment of its own."""
    root = tmp_path_factory.mktemp("package")
    wheel = build_wheel(PROJECT, root / "wheels")
    bin, seconds = make_venv(
        root / "venv", "-r", str(PROJECT / "requirements" / "main.txt"), str(wheel)
    )
    print(f"wheel {wheel.name}: {wheel.stat().st_size:,} bytes; installed in {seconds:.1f} s")
    return Installed(wheel, bin, seconds)


@pytest.fixture
def user(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """An empty folder to run from and an environment with no settings and a home of its own."""
    folder = tmp_path / "empty"
    folder.mkdir()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "data-home"),
        "XDG_CACHE_HOME": str(tmp_path / "cache-home"),
    }
    yield folder, env
    assert list(folder.iterdir()) == [], "the command wrote into the folder it was run from"


def files_under(root: Path) -> set[str]:
    """Every file below `root`, as a relative POSIX path, caches left out."""
    return {
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_wheel_carries_the_migrations_and_the_seed_data(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    for folder in ("migrations", "seed_data"):
        bundled = {
            name.removeprefix(f"app/bundled/{folder}/")
            for name in names
            if name.startswith(f"app/bundled/{folder}/")
        }
        assert bundled == files_under(PROJECT / folder), folder
    tracked = subprocess.run(
        ["git", "ls-files", "app"], cwd=PROJECT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert {name for name in tracked if not name.endswith(".py")} <= names  # templates, css
    assert not any(name.startswith(("tests/", "bench/", "migrations/")) for name in names)
    assert installed.wheel.name == f"diplomatic_visits_api-{VERSION}-py3-none-any.whl"


def test_the_installed_command_migrates_seeds_imports_and_serves_from_an_empty_folder(
    installed: Installed, user: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    folder, env = user
    command = str(installed.bin / "diplomatic-visits")

    def run(*args: str) -> str:
        result = subprocess.run(
            [command, *args], cwd=folder, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert run("--version") == f"diplomatic-visits {VERSION}\n"
    assert run("serve", "--help").startswith("usage: diplomatic-visits serve [-h]")
    assert run("migrate") == "database migrated to the newest schema\n"
    database = Path(env["XDG_DATA_HOME"]) / "diplomatic-visits" / "visits.sqlite3"
    assert database.is_file()
    seeded = run("seed")
    assert seeded.startswith("seed loaded from seed_data/: ")
    assert seeded.endswith(" created, 0 updated, 0 deleted\n")
    imported = run("import", "historian", str(FIXTURES))
    assert imported.startswith("historian data imported from historian/ in ")

    with served(
        f"sqlite:///{database}", tmp_path / "server.log", command=[command], cwd=folder, env=env
    ) as url:
        visit = httpx.get(f"{url}/v1/visits/2023-06-raisi-cuba").json()
        page = httpx.get(f"{url}/visits/2023-06-raisi-cuba", headers={"Accept": "text/html"})
    assert (visit["id"], visit["host_country"]["code"]) == ("2023-06-raisi-cuba", "CU")
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")


def test_the_installed_package_is_not_the_checkout(
    installed: Installed, user: tuple[Path, dict[str, str]]
) -> None:
    folder, env = user
    result = subprocess.run(
        [installed.bin / "python", "-c", "import app.paths as p; print(p.PACKAGE, p.installed())"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    location, bundled = result.stdout.split()
    assert Path(location).is_relative_to(installed.bin.parent)
    assert bundled == "True"
