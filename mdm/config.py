"""Settings: one pydantic-settings class, every variable prefixed ``MDM_``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from publishers.address_guard import AddressGuard

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
    file_chunk_records: int = Field(
        default=5000,
        ge=1,
        le=100_000,
        description=(
            "Records of a loaded file matched and committed together (mdm load, POST .../files)."
        ),
    )
    max_file_bytes: int = Field(
        default=512 * 1024 * 1024,
        ge=1024,
        description="Largest file accepted by POST .../domains/{domain}/files, in bytes.",
    )
    default_actor: str = Field(
        default="api", description="Actor recorded in the audit log when a request names none."
    )
    sql_echo: bool = Field(default=False, description="Log every SQL statement (debugging only).")

    # Publishing (docs/publishing.md).
    delivery_mode: Literal["auto", "embedded", "celery", "off"] = Field(
        default="auto",
        description=(
            "Who delivers webhooks: 'auto' is Celery when a broker is set and the in-process "
            "dispatcher otherwise; 'off' only writes the outbox (tests, read replicas)."
        ),
    )
    event_source: str = Field(
        default="urn:mdm-hub:default",
        min_length=1,
        description="CloudEvents 'source' of every event: a URI naming this hub.",
    )
    event_type_prefix: str = Field(
        default="org.mdmhub",
        pattern=r"^[a-z0-9]+(\.[a-z0-9-]+)*$",
        description="Reverse-DNS prefix of event types, as in org.mdmhub.provider.merged.v1.",
    )
    webhook_timeout_seconds: float = Field(
        default=15.0, gt=0, le=60, description="A delivery succeeds on 2xx within this time."
    )
    webhook_lease_seconds: float = Field(
        default=60.0,
        gt=0,
        description=(
            "How long a worker holds a delivery; one that dies mid-delivery lets it lapse and "
            "another worker sends it again. Keep it above the timeout."
        ),
    )
    webhook_retry_schedule: list[float] | None = Field(
        default=None,
        description=(
            "Seconds to wait after each failed attempt (JSON list); unset means the default "
            "schedule of about three days: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h."
        ),
    )
    webhook_parallel_requests: int = Field(
        default=8,
        ge=1,
        le=256,
        description=(
            "Deliveries one worker process has in flight at once (never two for the same "
            "endpoint and golden record)."
        ),
    )
    webhook_parallel_per_endpoint: int = Field(
        default=4,
        ge=1,
        le=256,
        description=(
            "Of those, how many one endpoint may take: a slow endpoint with a backlog leaves "
            "the other slots to the others."
        ),
    )
    webhook_retry_jitter: float = Field(default=0.2, ge=0, le=1)
    webhook_disable_after_hours: float = Field(
        default=120.0,
        gt=0,
        description="An endpoint that has failed every attempt for this long is disabled.",
    )
    webhook_secret_overlap_hours: float = Field(
        default=24.0, ge=0, description="How long the old secret keeps signing after a rotation."
    )
    webhook_allow_networks: str = Field(
        default="",
        description=(
            "Comma-separated networks webhooks may reach although they are not public "
            "(e.g. 10.20.0.0/16 for an internal ERP). Loopback, private, link-local and cloud "
            "metadata addresses are refused otherwise."
        ),
    )
    dispatch_interval_seconds: float = Field(
        default=2.0,
        gt=0,
        description=(
            "How often the dispatcher (embedded or Celery beat) looks for due deliveries "
            "besides being woken by each commit."
        ),
    )

    @field_validator("webhook_allow_networks")
    @classmethod
    def _networks_parse(cls, value: str) -> str:
        # A typo here would otherwise surface as a 500 at the first subscription.
        AddressGuard(_networks(value))
        return value

    @field_validator("webhook_retry_schedule")
    @classmethod
    def _schedule_is_waits(cls, value: list[float] | None) -> list[float] | None:
        if value is not None and (not value or any(wait < 0 for wait in value)):
            raise ValueError("a retry schedule is a non-empty list of waits in seconds, >= 0")
        return value

    @model_validator(mode="after")
    def _lease_outlives_a_request(self) -> Settings:
        if self.webhook_lease_seconds <= self.webhook_timeout_seconds:
            raise ValueError(
                "webhook_lease_seconds must be longer than webhook_timeout_seconds: a lease "
                "that ends while its request is still out lets a second worker send it too"
            )
        return self

    @property
    def allow_networks(self) -> list[str]:
        return _networks(self.webhook_allow_networks)

    @property
    def delivers_with(self) -> Literal["embedded", "celery", "off"]:
        if self.delivery_mode == "auto":
            return "celery" if self.broker_url else "embedded"
        return self.delivery_mode


def _networks(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
