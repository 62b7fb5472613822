"""The Office of the Historian's data in one command: its repositories' archives, downloaded at
pinned commits, checked and kept in a cache laid out as `import historian` reads it.

GitHub does not promise that an archive's bytes stay the same, so what is pinned is a SHA-256
of the data the importer reads: one `sha256sum` line (`<hex>  <path>`) per data file, sorted
by path, hashed again. It was computed from the copies of the same commits that the project's
datasets hold, and it is checked on every fetch, for downloads and cached copies alike.
"""

import gzip
import hashlib
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: every command's start-up reads DEFAULT_BASE_URL
    import httpx

DEFAULT_BASE_URL = "https://github.com"
ARCHIVE_PATH = "{name}/archive/{commit}.tar.gz"
TIMEOUT_SECONDS = 30.0
CHUNK_BYTES = 64 * 1024

# Opens a progress display for a download (the repository's name and the size, if known); the
# callable it yields is given the number of bytes each time more arrive.
Progress = Callable[[str, int | None], AbstractContextManager[Callable[[int], object]]]


class FetchError(Exception):
    """A download that could not be made or checked; its message is one line."""


@dataclass(frozen=True)
class Repository:
    """A repository of the dataset: where it goes, what it is pinned to, what is read from it."""

    folder: str  # its folder in the layout `import historian` reads
    name: str  # owner/name on GitHub
    commit: str
    # Folders holding the XML files the importer reads; a trailing `/**` takes subfolders too.
    data: tuple[str, ...]
    digest: str  # SHA-256 of the data files' sha256sum lines (see the module's docstring)

    def archive_url(self, base_url: str) -> str:
        """The address of the archive of the pinned commit."""
        path = ARCHIVE_PATH.format(name=self.name, commit=self.commit)
        return f"{base_url.rstrip('/')}/{path}"

    def holds(self, path: PurePosixPath) -> bool:
        """Whether `path` (relative to the repository) is one of the data files read."""
        if path.suffix != ".xml" or ".." in path.parts:
            return False
        for folder in self.data:
            if folder.endswith("/**"):
                if PurePosixPath(folder.removesuffix("/**")) in path.parents:
                    return True
            elif path.parent == PurePosixPath(folder):
                return True
        return False


# The repositories and commits that the datasets MANIFEST.md lists, with their data digests.
HISTORIAN = (
    Repository(
        "travels",
        "HistoryAtState/travels",
        "3170c773f22c99dadc8ec93da070f8ff6259d6d8",
        ("president-travels", "secretary-travels"),
        "6624d6465bf33294bf9f1aeb11b72fd5f57431ec8abfabfa78139011eadef5e8",
    ),
    Repository(
        "visits",
        "HistoryAtState/visits",
        "869ca4f0e8d15521bc3c094b846e6b1d3c7d8f1d",
        ("data",),
        "f336e909273e797a54063a64f783716739300d2ae337fabec339ddd7e7229e40",
    ),
    Repository(
        "gsh",
        "HistoryAtState/gsh",
        "c8aea3fec913baa1daa8472e3a6becdf7277d8be",
        ("data/countries-old", "data/territories", "data/locales"),
        "1db203d87470584398803f99cea9afa133192f20351eb765e3272d7818b7dc0f",
    ),
    Repository(
        "people",
        "HistoryAtState/people",
        "4d7a5782ad602d69dafd3b0e24c6a60b6f2ba80a",
        ("data/**",),
        "926a8709dcce2f4cccff785a6b2d1a4302dda5b4c7f2416fb14df338aeffee2e",
    ),
)


def data_files(repository: Repository, root: Path) -> list[str]:
    """The repository's data files under `root`, as sorted relative POSIX paths."""
    paths = (PurePosixPath(path.relative_to(root).as_posix()) for path in root.rglob("*.xml"))
    return sorted(str(path) for path in paths if repository.holds(path))


def content_digest(root: Path, files: list[str]) -> str:
    """The SHA-256 of `files` (relative to `root`) as pinned: of their sorted sha256sum lines."""
    lines = hashlib.sha256()
    for name in sorted(files):
        with (root / name).open("rb") as file:
            lines.update(f"{hashlib.file_digest(file, 'sha256').hexdigest()}  {name}\n".encode())
    return lines.hexdigest()


def verified(repository: Repository, root: Path) -> bool:
    """Whether `root` holds exactly the pinned data of `repository`."""
    return root.is_dir() and content_digest(root, data_files(repository, root)) == (
        repository.digest
    )


def fetch(
    repositories: tuple[Repository, ...],
    cache: Path,
    base_url: str,
    progress: Progress,
    client: "httpx.Client",
) -> Iterator[tuple[Repository, bool]]:
    """Make `cache` hold every repository's pinned data, one folder each, downloading those
    missing or not as pinned; yield each repository and whether it was downloaded.

    A repository's folder is replaced only by a download that was complete and checked out:
    on any failure `FetchError` is raised and that folder is as it was.
    """
    for repository in repositories:
        target = cache / repository.folder
        if verified(repository, target):
            yield repository, False
            continue
        url = repository.archive_url(base_url)
        with tempfile.TemporaryDirectory() as downloads:
            archive = Path(downloads) / "archive.tar.gz"
            _download(client, url, archive, repository.name, progress)
            cache.mkdir(parents=True, exist_ok=True)
            # Extracted beside the cache's folders, so that it moves into place in one rename.
            with tempfile.TemporaryDirectory(dir=cache, prefix=f".{repository.folder}-") as work:
                extracted = Path(work) / repository.folder
                _extract(repository, url, archive, extracted)
                digest = content_digest(extracted, data_files(repository, extracted))
                if digest != repository.digest:
                    raise FetchError(
                        f"{url}: its data files' SHA-256 is {digest}, not the pinned "
                        f"{repository.digest}"
                    )
                if target.exists():
                    target.rename(Path(work) / "replaced")
                extracted.rename(target)
        yield repository, True


def _download(client: "httpx.Client", url: str, into: Path, label: str, progress: Progress) -> None:
    import httpx

    try:
        with client.stream("GET", url) as response:
            if response.status_code != httpx.codes.OK:
                raise FetchError(f"{url} answered {response.status_code} {response.reason_phrase}")
            size = response.headers.get("Content-Length")
            with into.open("wb") as out, progress(label, int(size) if size else None) as advance:
                for chunk in response.iter_bytes(CHUNK_BYTES):
                    out.write(chunk)
                    advance(len(chunk))
    except httpx.HTTPError as error:
        raise FetchError(f"cannot download {url}: {error or type(error).__name__}") from None


def _extract(repository: Repository, url: str, archive: Path, into: Path) -> None:
    """Write the archive's data files under `into`, dropping GitHub's `<repo>-<commit>/`."""
    try:
        with tarfile.open(archive, "r:*") as tar:  # gzip, or already decoded by a proxy
            for member in tar:
                path = PurePosixPath(*PurePosixPath(member.name).parts[1:])
                source = tar.extractfile(member) if repository.holds(path) else None
                if source is None:  # not a data file, or a folder
                    continue
                target = into / path
                target.parent.mkdir(parents=True, exist_ok=True)
                with source, target.open("wb") as out:
                    shutil.copyfileobj(source, out)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise FetchError(f"{url}: not a complete .tar.gz archive ({error})") from None
