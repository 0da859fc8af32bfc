"""Settings: one pydantic-settings class, every variable prefixed ``MDM_``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("mdm.db")


class Settings(BaseSettings):
    """Runtime configuration, read from the environment (``MDM_*``) or a ``.env`` file."""

    model_config = SettingsConfigDict(env_prefix="MDM_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH}",
        description="SQLAlchemy URL; a SQLite file unless set (postgresql+psycopg://...)",
    )
    broker_url: str | None = Field(
        default=None,
        description="Celery broker URL. Unset means the embedded in-process dispatcher.",
    )
    max_batch_records: int = Field(
        default=1000, ge=1, description="Largest number of records accepted in one batch request."
    )
    max_request_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024, description="Largest request body accepted, in bytes."
    )
    default_actor: str = Field(
        default="api", description="Actor recorded in the audit log when a request names none."
    )
    sql_echo: bool = Field(default=False, description="Log every SQL statement (debugging only).")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
