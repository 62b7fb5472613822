"""A PostgreSQL database for tests: created with a random name on the server at
POSTGRES_URL (default `postgresql://root@127.0.0.1:5432/postgres`), dropped afterwards."""

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from app.derived import rebuild_if_stale
from app.seed import load_seed
from app.storage import create_write_engine, upgrade_to_head
from tests.support import SEED_DIR

SERVER = os.environ.get("POSTGRES_URL", "postgresql://root@127.0.0.1:5432/postgres")


def server_problem() -> str | None:
    """Why the server cannot be used, or None."""
    try:
        with psycopg.connect(SERVER, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"no PostgreSQL server at {make_url(SERVER).host}: {str(error).splitlines()[0]}"


@contextmanager
def fresh_database() -> Iterator[str]:
    """The URL of a new empty database, dropped after: C collation (SQLite's byte order),
    UTF-8 character type (the search's parser then splits words at `–` or `’`, as FTS5)."""
    name = f"visits_test_{secrets.token_hex(6)}"
    _create(name)
    try:
        yield make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        _drop(name)


# Databases made for the whole session (build_database's), dropped at its end.
_SESSION_DATABASES: list[str] = []


def _create(name: str, template: str | None = None) -> None:
    """A new database: empty, or a copy of `template` (its encoding and collation too)."""
    with psycopg.connect(SERVER, autocommit=True) as admin:
        if template is not None:
            admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
            return
        admin.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'"
        )


def _drop(name: str) -> None:
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def session_database(template: str | None = None) -> str:
    """The URL of a new database, empty or a copy of the database `template`, that lasts
    until drop_session_databases()."""
    name = f"visits_test_{secrets.token_hex(6)}"
    _create(name, template)
    _SESSION_DATABASES.append(name)
    return make_url(SERVER).set(database=name).render_as_string(hide_password=False)


@cache
def _seeded() -> str:
    """The name of the session's database holding the seed, built on first use."""
    url = session_database()
    migrate_and_seed(url)
    return make_url(url).database or ""


def seeded_copy() -> str:
    """The URL of a new database holding the seed, lasting as session_database()'s: a copy
    of the session's seeded database."""
    return session_database(template=_seeded())


def drop_session_databases() -> None:
    """Drop every database session_database() made."""
    while _SESSION_DATABASES:
        _drop(_SESSION_DATABASES.pop())
    _seeded.cache_clear()


def migrate_and_seed(url: str, seed_dir: Path = SEED_DIR) -> None:
    """Migrate to head, build derived data and load the seed (or another seed directory)."""
    upgrade_to_head(url)
    rebuild_if_stale(url)
    engine = create_write_engine(url)
    try:
        with engine.begin() as connection:
            load_seed(connection, seed_dir)
    finally:
        engine.dispose()


@contextmanager
def seeded_postgres() -> Iterator[str]:
    """A fresh database holding the seed."""
    with fresh_database() as url:
        migrate_and_seed(url)
        yield url
