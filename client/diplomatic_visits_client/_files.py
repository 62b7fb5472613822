"""Where the sync and async clients write downloads: the one place they differ beyond `await`.

`aio.py` uses the `Async*` names; `sync.py`, generated from it, the plain ones.
"""

from collections.abc import Awaitable
from pathlib import Path
from types import TracebackType
from typing import IO, Protocol

import anyio


def temporary_path(path: Path) -> Path:
    """Where a download is written before it is moved over `path` in one step."""
    return path.with_name(f".{path.name}.part")


class Writable(Protocol):
    """What a download is written to."""

    def write(self, data: bytes, /) -> object:
        """Write `data`."""
        ...


class AsyncWritable(Protocol):
    """What an asynchronous download is written to."""

    async def write(self, data: bytes, /) -> object:
        """Write `data`."""
        ...


class AsyncWriter:
    """A caller's file object for an asynchronous download: its `write` may be a plain
    method (`io.BytesIO`) or a coroutine function (`anyio.AsyncFile`)."""

    def __init__(self, file: IO[bytes] | AsyncWritable) -> None:
        self._file = file

    async def write(self, data: bytes, /) -> None:
        """Write `data`, awaiting the write if it is a coroutine."""
        done = self._file.write(data)
        if isinstance(done, Awaitable):
            await done


class AtomicFile:
    """A file written under a temporary name beside `path`, moved over `path` when the block
    ends without error and removed otherwise: `path` is written whole or not at all."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._part = temporary_path(path)

    def __enter__(self) -> IO[bytes]:
        self._file = self._part.open("wb")
        return self._file

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._file.close()
        if exc_type is None:
            self._part.replace(self.path)
        else:
            self._part.unlink(missing_ok=True)


class AsyncAtomicFile:
    """`AtomicFile` for async code: written through anyio's worker threads, and finished
    (moved or removed) even when the task is cancelled."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._part = anyio.Path(temporary_path(path))

    async def __aenter__(self) -> anyio.AsyncFile[bytes]:
        self._file = await self._part.open("wb")
        return self._file

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with anyio.CancelScope(shield=True):
            await self._file.aclose()
            if exc_type is None:
                await self._part.replace(self.path)
            else:
                await self._part.unlink(missing_ok=True)
