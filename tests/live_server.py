"""A real API server for end-to-end tests: `python -m app serve` on a free loopback port."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

PROJECT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 30


def app_command(database_url: str, *args: str) -> None:
    """Run `python -m app ARGS` on `database_url` (as `make run` does), failing on error."""
    subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=PROJECT,
        env={**os.environ, "DATABASE_URL": database_url},
        check=True,
        capture_output=True,
        timeout=120,
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_up(url: str, server: "subprocess.Popen[bytes]", log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited with {server.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the server did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")


@contextmanager
def serve(
    database_url: str,
    log: Path,
    command: Sequence[str] = (sys.executable, "-m", "app"),
    cwd: Path = PROJECT,
    env: Mapping[str, str] = os.environ,
) -> Iterator[str]:
    """Serve `database_url` on 127.0.0.1 until the block ends; yield the server's address.

    The server's output goes to `log`, shown if it fails to start. `command` runs the app
    (an installed `diplomatic-visits`, say), from `cwd` with `env`.
    """
    port = _free_port()
    with log.open("wb") as output:
        server = subprocess.Popen(
            [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=cwd,
            env={**env, "DATABASE_URL": database_url},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
