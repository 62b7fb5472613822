"""Settings, read once from the environment (prefix-free names, e.g. DATABASE_URL)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app import paths

# The repository's root, where the tests and docs find their files.
PROJECT_ROOT = paths.CHECKOUT

LogFormat = Literal["auto", "text", "json"]


def _engine_of(database_url: str) -> str:
    """`sqlite`, `postgresql`, ...: the scheme of a URL without its driver."""
    return database_url.split(":", 1)[0].split("+", 1)[0]


class Settings(BaseSettings):
    """Every setting the service reads; each is documented in docs/operations.md."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    database_url: str = Field(
        default_factory=lambda: f"sqlite:///{paths.data_dir() / 'visits.sqlite3'}",
        description="URL of the database: `sqlite:///PATH` or `postgresql://USER@HOST:PORT/DB` "
        "(libpq's form; the driver is psycopg 3); by default SQLite in `data/visits.sqlite3` "
        "of the repository, or in the user's data folder when installed.",
    )
    database_replica_url: str | None = Field(
        default=None,
        description="URL of a read replica of DATABASE_URL (PostgreSQL streaming replication, "
        "same form): the API's reads go there, while `migrate`, loads and `copy` write to "
        "DATABASE_URL; unset, the API reads DATABASE_URL.",
    )
    seed_dir: Path = Field(
        default_factory=lambda: paths.shipped("seed_data"),
        description="Folder holding the seed sources and data files; by default the seed that "
        "comes with this version.",
    )
    cache_dir: Path = Field(
        default_factory=paths.cache_dir,
        description="Where `fetch` keeps downloaded datasets; by default `data/cache/` of the "
        "repository, or the user's cache folder when installed.",
    )
    log_format: LogFormat = Field(
        default="auto",
        description="How `serve` writes log records to standard error: `text` (readable "
        "lines), `json` (one JSON object a line), or `auto` (text on a terminal, else JSON).",
    )
    cursor_secret: str = Field(
        default="development-only-cursor-secret",
        description="Key that signs paging cursors; set a private value in production.",
    )
    cache_max_age: int = Field(
        default=60, ge=0, description="Cache-Control max-age, in seconds, on GET responses."
    )
    answer_cache_mb: int = Field(
        default=64,
        ge=0,
        description="Megabytes of list, record and search answers each worker keeps, to send again "
        "until a load changes the data; 0 keeps none.",
    )
    version_check_ms: int | None = Field(
        default=None,
        ge=0,
        description="Milliseconds a worker takes the data version it last read as current "
        "when it sends a kept answer or page, without reading it again: a load is seen at most "
        "this long after it commits. Unset: 0 on SQLite (the version is read in process for "
        "each request), 100 on PostgreSQL (each read is an exchange with the server).",
    )
    page_cache_mb: int = Field(
        default=64,
        ge=0,
        description="Megabytes of rendered pages each worker keeps, by ETag, to send again "
        "until the data or the pages change; 0 keeps none.",
    )
    export_dir: Path | None = Field(
        default=None,
        description="Where database snapshots for download are kept (a temporary folder if unset).",
    )
    query_time_limit_ms: int = Field(
        default=2000, gt=0, description="Longest a single read query may run before a 503."
    )
    database_pool_size: int = Field(
        default=16,
        ge=1,
        le=1000,
        description="On PostgreSQL: most connections each worker process holds for reads, "
        "and most reads it runs at a time (on worker threads).",
    )
    request_time_limit_ms: int = Field(
        default=10_000,
        gt=0,
        description="Longest a request may take to start its answer before a 503.",
    )
    export_max_rows: int = Field(
        default=100_000,
        gt=0,
        description="Most records one export may stream; a larger export is refused (422).",
    )
    integrity_check_max_bytes: int = Field(
        # 256 MiB: about 2 s of `quick_check` from a cold cache on the development machine
        # (177 MB in 1.4 s, 1.9 GB in 16-21 s), about what the rest of start-up costs.
        default=256 * 1024 * 1024,
        ge=0,
        description="Largest database file checked (`quick_check`) before serving starts; a "
        "larger one is served at once and checked in the background.",
    )
    integrity_check_in_background: bool = Field(
        default=True,
        description="Whether a file over INTEGRITY_CHECK_MAX_BYTES is checked in the "
        "background while serving (false: not at all by `serve`; run `python -m app check` "
        "on it, e.g. once per deploy).",
    )
    rate_limit: str | None = Field(
        default=None,
        description="Requests allowed per client address, e.g. `120/minute` (several: "
        "`120/minute;2000/hour`); unset, no limit.",
    )
    rate_limit_storage: str = Field(
        default="memory://",
        description="Where rate-limit counters live: `memory://` (this process only) or "
        "`redis://host:port/db` (shared by every worker and server).",
    )

    @field_validator("database_replica_url")
    @classmethod
    def _replica_of_the_same_engine(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None or not value.strip():
            return None
        primary = info.data.get("database_url")
        engine = _engine_of(primary) if primary else None
        if engine is not None and _engine_of(value) != engine:
            raise ValueError(f"name a {engine} database, as DATABASE_URL does")
        return value.strip()

    @property
    def version_check_seconds(self) -> float:
        """VERSION_CHECK_MS, or the engine's default, in seconds."""
        if self.version_check_ms is not None:
            return self.version_check_ms / 1000
        return 0.0 if _engine_of(self.read_url) == "sqlite" else 0.1

    @property
    def read_url(self) -> str:
        """The database the API reads: the replica when there is one."""
        return self.database_replica_url or self.database_url

    @field_validator("rate_limit")
    @classmethod
    def _known_rate_limit(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError as error:
            raise ValueError(f"not a rate limit ({error}); write e.g. 120/minute") from None
        return value

    @field_validator("rate_limit_storage")
    @classmethod
    def _known_storage(cls, value: str) -> str:
        if value.split("://", 1)[0] not in ("memory", "redis", "rediss"):
            raise ValueError("use memory:// or redis://host:port/db")
        return value


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
