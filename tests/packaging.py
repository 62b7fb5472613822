"""Building and installing the project's distributions as people do: a wheel from a clean copy
of the sources, installed into a virtual environment of its own."""

import os
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

# What a build must not see: environments, caches, data and earlier builds of the checkout.
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "data", "build", "dist", "*.egg-info", "__pycache__", ".*_cache"
)


def build_wheel(source: Path, into: Path) -> Path:
    """A wheel of the project at `source`, built from a clean copy (no stale `build/`)."""
    copy = into / "source"
    shutil.copytree(source, copy, ignore=NOT_SOURCES)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(into), str(copy)],
        check=True,
        capture_output=True,
    )
    (wheel,) = into.glob("*.whl")
    return wheel


def make_venv(folder: Path, *requirements: str) -> tuple[Path, float]:
    """A new virtual environment with `requirements` (pip arguments): its bin folder and the
    seconds the install took."""
    venv.create(folder, with_pip=True)
    bin = folder / ("Scripts" if os.name == "nt" else "bin")
    started = time.perf_counter()
    subprocess.run(
        [bin / "python", "-m", "pip", "install", "--quiet", *requirements],
        check=True,
        capture_output=True,
    )
    return bin, time.perf_counter() - started


def pinned(name: str) -> str:
    """`name==version` as requirements/main.txt pins it."""
    for line in (Path(__file__).parents[1] / "requirements" / "main.txt").read_text().splitlines():
        if line.lower().startswith(f"{name.lower()}=="):
            return line.strip()
    raise LookupError(f"{name} is not pinned in requirements/main.txt")
