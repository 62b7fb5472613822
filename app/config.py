"""Settings, read once from the environment (prefix-free names, e.g. DATABASE_URL)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every setting the service reads; each is documented in the README."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'data' / 'visits.sqlite3'}",
        description="SQLAlchemy URL of the database; SQLite by default.",
    )
    seed_dir: Path = Field(
        default=PROJECT_ROOT / "seed_data",
        description="Folder holding the seed sources and data files.",
    )
    cursor_secret: str = Field(
        default="development-only-cursor-secret",
        description="Key that signs paging cursors; set a private value in production.",
    )
    cache_max_age: int = Field(
        default=60, ge=0, description="Cache-Control max-age, in seconds, on GET responses."
    )
    export_dir: Path | None = Field(
        default=None,
        description="Where database snapshots for download are kept (a temporary folder if unset).",
    )
    query_time_limit_ms: int = Field(
        default=2000, gt=0, description="Longest a single read query may run before a 503."
    )


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
