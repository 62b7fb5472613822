"""Alembic environment: the schema is owned here, described by the SQLModel tables in app.models."""

from alembic import context
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers every table on SQLModel.metadata)
from app.config import get_settings
from app.derived import TABLES as DERIVED_TABLES
from app.storage import create_write_engine

config = context.config
target_metadata = SQLModel.metadata

# Tables derived from the records, rebuilt by every load, that the models do not describe:
# the full-text index (a virtual table, its shadow tables, its terms and its map,
# app/storage/sqlite/search.py), the stored documents and the lists' entries, counts and
# spans (`app.derived.TABLES`). Migrations create them by hand; autogenerate leaves them
# alone.
FTS_TABLE_PREFIX = "search_index"


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Skip the derived tables when comparing the database with the models."""
    if type_ != "table" or name is None:
        return True
    return not (
        name.startswith(FTS_TABLE_PREFIX) or name in DERIVED_TABLES or name == "derived_data"
    )


def database_url() -> str:
    """The URL given by the caller (tests, CLI), else the configured one."""
    return config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run_migrations_offline() -> None:
    """Emit SQL without a connection (`alembic upgrade --sql`)."""
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Apply migrations over a connection with the project's pragmas."""
    connectable = config.attributes.get("connection")
    if connectable is None:
        engine = create_write_engine(database_url())
        with engine.connect() as connection:
            _run(connection)
        engine.dispose()
    else:
        _run(connectable)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
