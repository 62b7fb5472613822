"""Packaging hook: a wheel carries `migrations/` and `seed_data/` inside the package.

In the repository both folders stay at the top level; a built package holds copies under
`app/bundled/`, where `app.paths.shipped()` finds them. Everything else is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = ("migrations", "seed_data")


class BuildPyWithData(build_py):
    """`build_py` that also copies the shipped folders into the built package."""

    def run(self) -> None:
        """Build the package, then add the shipped folders (not for an editable install,
        which reads them from the repository)."""
        super().run()
        if self.editable_mode:
            return
        for name in SHIPPED:
            shutil.copytree(
                Path(__file__).parent / name,
                Path(self.build_lib, "app", "bundled", name),
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
                dirs_exist_ok=True,
            )


setup(cmdclass={"build_py": BuildPyWithData})
