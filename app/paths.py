"""Where the service finds its own files and keeps its data, from a checkout or an install.

In the repository, `migrations/` and `seed_data/` sit at the top level and data goes to
`data/`. A wheel carries copies of the two folders inside the package (`app/bundled/`, put
there by `setup.py`), and an installed service keeps its data in the user's data and cache
folders, so that the `diplomatic-visits` command works from any folder.
"""

from pathlib import Path

from platformdirs import user_cache_path, user_data_path

APP_NAME = "diplomatic-visits"
PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent
BUNDLED = PACKAGE / "bundled"


def installed() -> bool:
    """Whether this is an installed wheel (it carries its own migrations and seed data)."""
    return BUNDLED.is_dir()


def shipped(name: str) -> Path:
    """The folder `name` (`migrations`, `seed_data`) that comes with this version."""
    return (BUNDLED if installed() else CHECKOUT) / name


def data_dir() -> Path:
    """Where the database lives by default: `data/` of a checkout, else the user's data folder."""
    return user_data_path(APP_NAME) if installed() else CHECKOUT / "data"


def cache_dir() -> Path:
    """Where downloads are kept by default: `data/cache/` of a checkout, else the user's cache."""
    return user_cache_path(APP_NAME) if installed() else CHECKOUT / "data" / "cache"
