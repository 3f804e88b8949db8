"""Settings: read from the environment (prefix `GAZETTE_`) and nowhere else."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QUEUE_NAME = "gazette-ingest"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GAZETTE_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{ROOT / 'var' / 'gazette.db'}",
        description="SQLAlchemy URL of the store: sqlite:///… or postgresql+psycopg://…",
    )
    seed_dir: Path = Field(
        default=ROOT / "data" / "seed",
        description="Folder of documents loaded into the store at startup.",
    )
    load_on_startup: bool = Field(
        default=True, description="Load the seed folder in the background at startup."
    )
    migrate_on_startup: bool = Field(
        default=True, description="Upgrade the database schema to the newest migration at startup."
    )
    log_level: str = Field(default="INFO", description="Logging level of the service.")
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="Log lines as text, or one JSON object a line (time, level, logger, "
        "message, request_id, exception).",
    )
    max_document_chars: int = Field(
        default=200_000,
        description="Largest document accepted by POST /articles and POST /annotate, in characters.",
    )
    max_document_tokens: int = Field(
        default=60_000,
        description=(
            "Work budget of one document, in tokens (words, punctuation, line breaks): "
            "200,000 characters of news prose are about 42,000."
        ),
    )
    max_concurrent_annotations: int = Field(
        default=1, ge=1, description="Documents the API annotates at once (each may take ~1 GB)."
    )
    annotation_processes: int | None = Field(
        default=None,
        ge=0,
        description=(
            "Processes beside the service that annotate the documents of POST /annotate and "
            "POST /articles, each loading the model once, so that the event loop and /health "
            "never wait on annotation (empty: GAZETTE_MAX_CONCURRENT_ANNOTATIONS; 0: threads "
            "of the service's own process, on its own model)."
        ),
    )
    annotation_wait_seconds: float = Field(
        default=5.0, ge=0, description="How long a request waits for an annotation slot (503 then)."
    )
    db_connect_timeout: float = Field(
        default=5.0, gt=0, description="Seconds to open a database connection."
    )
    db_statement_timeout: float = Field(
        default=30.0, gt=0, description="Seconds one statement may run (SQLite: wait for a lock)."
    )
    db_pool_timeout: float = Field(
        default=5.0, gt=0, description="Seconds a request waits for a free database connection."
    )
    db_pool_size: int = Field(
        default=5,
        ge=1,
        description="Postgres connections the service keeps open for its routes (up to three times "
        "as many under bursts).",
    )
    allowed_hosts: str = Field(
        default="*",
        description="Comma-separated Host names the service answers for (`*.example.com`, `*`).",
    )
    corpus_page_cache_mb: float = Field(
        default=32.0,
        ge=0,
        description="Memory for corpus-wide answers (lists, search, facets, related) kept "
        "until the next write and sent again without querying the store; 0: none kept.",
    )
    batch_size: int = Field(default=16, description="Documents annotated per spaCy batch.")
    broker_url: str = Field(
        default="",
        description="Message broker of the job queue (redis://… or amqp://…); empty: jobs run "
        "in a process pool inside the service.",
    )
    queue_name: str = Field(
        default=DEFAULT_QUEUE_NAME,
        pattern=r"^[A-Za-z_][A-Za-z0-9._-]*$",
        description="Broker queue the service and the CLI put jobs on and `python -m app worker` "
        "takes them from: deployments (or test runs) sharing a broker keep apart by their names.",
    )
    workers: int | None = Field(
        default=None,
        ge=0,
        description="Local worker processes for jobs when there is no broker (empty: one per "
        "CPU; 0: in the service's own process).",
    )
    max_tries: int = Field(
        default=3, ge=1, description="Tries of a document before it is parked as failed."
    )
    cors_origins: str = Field(
        default="",
        description="Comma-separated origins browsers may call the API from (`*` for any).",
    )

    api_keys: SecretStr = Field(
        default=SecretStr(""),
        description=(
            "Comma-separated keys that writes (and POST /annotate) need as "
            "`Authorization: Bearer <key>`; empty: writes only from loopback."
        ),
    )
    read_keys_required: bool = Field(
        default=False, description="Reads need a key too (health, readiness and docs stay open)."
    )

    @property
    def api_key_list(self) -> list[str]:
        keys = self.api_keys.get_secret_value().split(",")
        return [key.strip() for key in keys if key.strip()]

    @property
    def allowed_host_list(self) -> list[str]:
        return [host.strip() for host in self.allowed_hosts.split(",") if host.strip()] or ["*"]

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    @property
    def annotation_process_count(self) -> int:
        """Annotation processes beside the service (0: it annotates in its own threads)."""
        if self.annotation_processes is None:
            return self.max_concurrent_annotations
        return self.annotation_processes

    @property
    def service_needs_model(self) -> bool:
        """Whether the service process annotates itself (requests or jobs) and so loads the
        model; otherwise only its annotation processes and job workers do."""
        jobs_here = not self.broker_url and self.workers == 0
        return self.annotation_process_count == 0 or jobs_here


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests build their own `Settings` instead."""
    return Settings()
