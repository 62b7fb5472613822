"""The README is a short front door; docs/ documents every setting and command, its links
lead somewhere, and the package's licence and version are the ones it declares.

tests/docs/ runs the commands and scripts the pages show."""

import os
import re
import shlex
import signal
import subprocess
import tomllib
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app.cli import build_parser
from app.config import PROJECT_ROOT, Settings
from tests.docs.markdown import pages
from tests.support import free_port, wait_until_up

pytestmark = pytest.mark.backend_independent(reason="the documentation's text and links")

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
SETTINGS_PAGE = PROJECT_ROOT / "docs" / "operations.md"
PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
PYTHON_M_APP = re.compile(r"python -m app [^`\n;|&]*")
# A path of the repository's code in backticks (docs/ pages are checked as links).
CODE_PATH = re.compile(
    r"`(?P<path>(?:app|tests|bench|examples|migrations|seed_data|load|requirements|\.ci)/[^`\s]*)`"
)


def texts() -> dict[str, str]:
    """Every page the README and docs/ hold, by its path."""
    return {
        page.relative_to(PROJECT_ROOT).as_posix(): page.read_text(encoding="utf-8")
        for page in pages()
    }


def test_readme_opens_with_the_two_commands() -> None:
    opening = README.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert [line.split("#")[0].strip() for line in opening] == ["make run", "make test"]


def test_readme_is_a_front_door() -> None:
    assert len(README.encode()) < 10_000
    for page in ("guide", "api", "data", "importing", "operations", "architecture", "performance"):
        assert f"](docs/{page}.md)" in README, page


def test_every_setting_is_documented() -> None:
    settings_page = SETTINGS_PAGE.read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"| `{name.upper()}` |" in settings_page, name


def test_every_command_is_documented() -> None:
    documented = "\n".join(texts().values())
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for command in commands:
        assert f"python -m app {command}" in documented, command


def test_every_command_shown_is_one_the_command_line_takes() -> None:
    parser = build_parser()
    shown = {
        (path, match.group().strip())
        for path, text in texts().items()
        for match in PYTHON_M_APP.finditer(text)
    }
    assert shown
    for path, command in sorted(shown):
        # PATH and similar stand for a value the reader gives.
        args = [arg if not arg.isupper() else "value" for arg in shlex.split(command)[3:]]
        try:
            parser.parse_args(args)
        except SystemExit:
            pytest.fail(f"{path}: `{command}` is not a command `python -m app` takes")


def made_when_run(path: str) -> bool:
    """Whether git ignores the path: something a run makes (`bench/out/`), not a source."""
    ignored = subprocess.run(["git", "check-ignore", "-q", path], cwd=PROJECT_ROOT, check=False)
    return ignored.returncode == 0


def test_every_path_named_exists() -> None:
    for page, text in texts().items():
        for match in CODE_PATH.finditer(text):
            # `app/models/<entity>.py` names a folder's files, `historian*.py` a pattern, and
            # `tests/x.py::test` a test in a file.
            path = match["path"].split("<")[0].split("::")[0]
            if made_when_run(path):
                continue
            found = PROJECT_ROOT.glob(path) if "*" in path else [PROJECT_ROOT / path]
            assert any(p.exists() for p in found), f"{page}: {match['path']}"


def heading_anchors(text: str) -> set[str]:
    """The anchors GitHub gives a page's headings."""
    anchors = set()
    for heading in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE):
        anchors.add(re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-"))
    return anchors


def test_every_link_between_pages_leads_somewhere() -> None:
    for path, text in texts().items():
        prose = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
        for match in LINK.finditer(prose):
            target = match["target"]
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            file, _, anchor = target.partition("#")
            linked = (PROJECT_ROOT / path).parent / file if file else PROJECT_ROOT / path
            assert linked.exists(), f"{path}: link to {target}"
            if anchor:
                linked_text = linked.read_text(encoding="utf-8")
                assert anchor in heading_anchors(linked_text), f"{path}: link to {target}"


def test_the_licence_is_the_one_the_package_declares() -> None:
    assert PYPROJECT["project"]["license"] == "MIT"
    licence = (PROJECT_ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith(
        "MIT License\n\nCopyright (c) 2026 The Diplomatic Visits API contributors\n"
    )


def test_the_openapi_document_has_the_package_version(client: TestClient) -> None:
    assert client.get("/openapi.json").json()["info"]["version"] == PYPROJECT["project"]["version"]
    assert version("diplomatic-visits-api") == PYPROJECT["project"]["version"]


@pytest.mark.slow
def test_make_run_builds_a_database_and_serves_it(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'visits.sqlite3'}"}
    log = tmp_path / "make-run.log"
    with log.open("wb") as output:
        make = subprocess.Popen(
            ["make", "run", f"PORT={port}"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # make and the server it starts, stopped together
        )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", make, log)
        visit = httpx.get(f"http://127.0.0.1:{port}/v1/visits/2023-06-raisi-cuba").json()
        assert (visit["city"], visit["start_date"]) == ("Havana", "2023-06-14")
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(timeout=30)
    assert "database migrated to the newest schema" in log.read_text()
