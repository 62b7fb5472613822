"""`fetch historian`: the Historian's archives downloaded from a local server laid out as GitHub,
checked against the pinned digests, cached, and imported; every failure changes nothing."""

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath

import httpx
import pytest

from app.config import PROJECT_ROOT as PROJECT
from app.importers.fetch import (
    HISTORIAN,
    FetchError,
    Progress,
    Repository,
    content_digest,
    data_files,
    fetch,
    verified,
)
from app.importers.historian import FOLDERS
from tests.importers.support import SHARED_DATA, dump

pytestmark = pytest.mark.skipif(
    not (SHARED_DATA / "people").is_dir(), reason="the Historian data is not beside the project"
)
VISITS = HISTORIAN[1]
# The two small repositories: enough to test how one is fetched, kept or refused.
SMALL = HISTORIAN[:2]
A_VISITS_FILE = "data/2020.xml"


def archive(repository: Repository, source: Path, into: Path) -> Path:
    """A .tar.gz of `source` laid out as GitHub's archive of the commit, at its address."""
    path = into / repository.archive_url("").lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    top = f"{repository.name.split('/')[1]}-{repository.commit}"
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        tar.add(source, arcname=top)
    return path


class Mirror(ThreadingHTTPServer):
    """Serves a folder over HTTP and remembers the paths asked for."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.asked: list[str] = []
        mirror = self

        class Handler(SimpleHTTPRequestHandler):
            def do_GET(self) -> None:
                mirror.asked.append(self.path)
                super().do_GET()

            def log_message(self, format: str, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), partial(Handler, directory=str(folder)))

    @property
    def url(self) -> str:
        """The mirror's base address."""
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every repository's archive, built from the project's copy of the pinned commits."""
    root = tmp_path_factory.mktemp("github")
    for repository in HISTORIAN:
        archive(repository, SHARED_DATA / repository.folder, root)
    return root


@contextmanager
def serving(folder: Path) -> Iterator[Mirror]:
    """A mirror of `folder` on a free loopback port until the test ends."""
    server = Mirror(folder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def github(archives: Path) -> Iterator[Mirror]:
    """The archives as GitHub would serve them."""
    with serving(archives) as mirror:
        yield mirror


@pytest.fixture
def altered(archives: Path, tmp_path: Path) -> Iterator[Mirror]:
    """A mirror whose visits archive has one data file changed by a byte."""
    folder = tmp_path / "altered"
    shutil.copytree(archives, folder)
    source = tmp_path / "visits"
    shutil.copytree(SHARED_DATA / "visits", source)
    changed = source / A_VISITS_FILE
    changed.write_bytes(changed.read_bytes().replace(b"<visit>", b"<visit >", 1))
    archive(VISITS, source, folder)
    with serving(folder) as mirror:
        yield mirror


@pytest.fixture
def truncated(archives: Path, tmp_path: Path) -> Iterator[Mirror]:
    """A mirror whose visits archive stops halfway (served whole, as a cut-off file is)."""
    folder = tmp_path / "truncated"
    shutil.copytree(archives, folder)
    path = folder / VISITS.archive_url("").lstrip("/")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with serving(folder) as mirror:
        yield mirror


def github_archive(repository: Repository, mirror: Mirror) -> Path:
    """The file a mirror serves for the repository's archive."""
    return mirror.folder / repository.archive_url("").lstrip("/")


def unreachable() -> str:
    """The address of a loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def no_progress(url: str, size: int | None) -> nullcontext[Callable[[int], None]]:
    return nullcontext(lambda _: None)


def run_fetch(
    cache: Path, base_url: str, progress: Progress = no_progress
) -> list[tuple[str, bool]]:
    with httpx.Client(timeout=30) as client:
        return [
            (repository.folder, downloaded)
            for repository, downloaded in fetch(SMALL, cache, base_url, progress, client)
        ]


def contents(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_the_pinned_digests_are_those_of_the_projects_copy_of_the_commits() -> None:
    for repository in HISTORIAN:
        root = SHARED_DATA / repository.folder
        assert content_digest(root, data_files(repository, root)) == repository.digest


def test_the_digest_is_that_of_sha256sum_lines_sorted_by_path() -> None:
    root = SHARED_DATA / "visits"
    files = data_files(VISITS, root)
    listing = subprocess.run(
        ["sha256sum", *files], cwd=root, capture_output=True, check=True
    ).stdout
    assert content_digest(root, files) == hashlib.sha256(listing).hexdigest()
    assert files == [f"data/{decade}.xml" for decade in range(1870, 2030, 10)]


def test_the_fetched_folders_are_the_ones_the_importer_reads() -> None:
    read = {
        f"{repository.folder}/{folder}" for repository in HISTORIAN for folder in repository.data
    }
    assert set(FOLDERS) <= read


def test_only_data_files_inside_their_folders_are_taken() -> None:
    people = HISTORIAN[3]
    assert people.holds(PurePosixPath("data/100000/1/0/3/3/103362.xml"))
    assert not people.holds(PurePosixPath("data/../../../etc/evil.xml"))
    assert not people.holds(PurePosixPath("README.md"))
    assert VISITS.holds(PurePosixPath("data/2020.xml"))
    assert not VISITS.holds(PurePosixPath("data/old/2020.xml"))
    assert not VISITS.holds(PurePosixPath("schema/visits.xml"))


def test_a_fetch_downloads_checks_and_caches_every_repository(
    github: Mirror, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    shown: dict[str, list[int | None]] = {}

    @contextmanager
    def progress(label: str, size: int | None) -> Iterator[Callable[[int], None]]:
        shown[label] = [size]
        yield shown[label].append

    assert run_fetch(cache, github.url, progress) == [("travels", True), ("visits", True)]
    assert github.asked == [r.archive_url("") for r in SMALL]
    for repository in SMALL:
        size, *chunks = shown[repository.name]
        archived = github_archive(repository, github)
        assert size == sum(chunks) == archived.stat().st_size
    assert sorted(path.name for path in cache.iterdir()) == ["travels", "visits"]
    for repository in SMALL:
        assert verified(repository, cache / repository.folder)
        assert contents(cache / repository.folder) == {
            name: (SHARED_DATA / repository.folder / name).read_bytes()
            for name in data_files(repository, SHARED_DATA / repository.folder)
        }

    assert run_fetch(cache, github.url) == [("travels", False), ("visits", False)]
    assert len(github.asked) == len(SMALL)  # nothing downloaded again


def test_a_cached_copy_that_changed_is_downloaded_again(github: Mirror, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    run_fetch(cache, github.url)
    (cache / "visits" / A_VISITS_FILE).write_text("edited")
    assert run_fetch(cache, github.url) == [("travels", False), ("visits", True)]
    assert verified(VISITS, cache / "visits")


def test_a_bad_checksum_keeps_nothing_of_the_download(altered: Mirror, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with pytest.raises(FetchError) as raised:
        run_fetch(cache, altered.url)
    url = VISITS.archive_url(altered.url)
    assert str(raised.value).startswith(f"{url}: its data files' SHA-256 is ")
    assert str(raised.value).endswith(f", not the pinned {VISITS.digest}")
    assert [path.name for path in cache.iterdir()] == ["travels"]  # fetched before visits


def test_a_failed_download_leaves_the_cached_copy_as_it_was(
    altered: Mirror, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    shutil.copytree(SHARED_DATA / "visits" / "data", cache / "visits" / "data")
    (cache / "visits" / A_VISITS_FILE).write_text("edited")
    before = contents(cache / "visits")
    with pytest.raises(FetchError):
        run_fetch(cache, altered.url)
    assert contents(cache / "visits") == before
    assert sorted(path.name for path in cache.iterdir()) == ["travels", "visits"]


def test_a_truncated_archive_is_refused(truncated: Mirror, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with pytest.raises(FetchError) as raised:
        run_fetch(cache, truncated.url)
    assert str(raised.value).startswith(
        f"{VISITS.archive_url(truncated.url)}: not a complete .tar.gz archive ("
    )
    assert [path.name for path in cache.iterdir()] == ["travels"]


def test_a_missing_archive_is_named_with_the_answer(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with serving(tmp_path / "empty") as mirror:
        with pytest.raises(FetchError) as raised:
            run_fetch(tmp_path / "cache", mirror.url)
        assert str(raised.value) == (
            f"{HISTORIAN[0].archive_url(mirror.url)} answered 404 File not found"
        )


def test_an_unreachable_server_is_one_line(tmp_path: Path) -> None:
    base_url = unreachable()
    with pytest.raises(FetchError) as raised:
        run_fetch(tmp_path / "cache", base_url)
    message = str(raised.value)
    assert message.startswith(f"cannot download {HISTORIAN[0].archive_url(base_url)}: ")
    assert "\n" not in message
    assert not (tmp_path / "cache").exists()


def fetch_command(
    database_url: str, cache: Path, base_url: str
) -> subprocess.CompletedProcess[str]:
    """`python -m app fetch historian` as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "app", "fetch", "historian", "--base-url", base_url],
        cwd=PROJECT,
        env={**os.environ, "DATABASE_URL": database_url, "CACHE_DIR": str(cache)},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_fetch_historian_offline_says_so_in_one_line_and_changes_nothing(
    seeded: str, tmp_path: Path
) -> None:
    before = dump(seeded)
    base_url = unreachable()
    result = fetch_command(seeded, tmp_path / "cache", base_url)
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(
        "historian data not fetched, nothing imported: cannot download "
        f"{HISTORIAN[0].archive_url(base_url)}: "
    )
    assert result.stdout == ""
    assert dump(seeded) == before


def test_fetch_historian_with_a_bad_checksum_imports_nothing(
    seeded: str, altered: Mirror, tmp_path: Path
) -> None:
    before = dump(seeded)
    result = fetch_command(seeded, tmp_path / "cache", altered.url)
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(
        f"historian data not fetched, nothing imported: {VISITS.archive_url(altered.url)}: "
        "its data files' SHA-256 is "
    )
    assert dump(seeded) == before


@pytest.mark.slow
def test_fetch_historian_downloads_checks_and_imports(
    seeded: str, github: Mirror, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    result = fetch_command(seeded, cache, github.url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:4] == [f"{r.name} at {r.commit[:12]}: downloaded and verified" for r in HISTORIAN]
    assert lines[4].startswith("historian data imported from historian/ in ")
    imported = [row for row in dump(seeded)["visit"] if "historian" in row]
    assert f"visit: {len(imported):,} ({len(imported):,} created, 0 updated, 0 deleted)" in lines

    again = fetch_command(seeded, cache, github.url)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[:4] == [
        f"{r.name} at {r.commit[:12]}: verified in the cache" for r in HISTORIAN
    ]
    assert len(github.asked) == len(HISTORIAN)
