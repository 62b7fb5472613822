"""The benchmark's data generator (bench/generate.py), for tests that need many records."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from app.config import PROJECT_ROOT


def generator() -> ModuleType:
    """bench/generate.py (bench/ is not an installed package)."""
    location = PROJECT_ROOT / "bench" / "generate.py"
    spec = importlib.util.spec_from_file_location("bench_generate", location)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def generated_database(path: Path, visits: int) -> Path:
    """A database of `visits` generated visits, through the project's schema, seed and
    writer, with its derived data built as every load builds it."""
    made = generator()
    made.generate(path, visits, seed=made.DEFAULT_SEED, quiet=True)
    return path
