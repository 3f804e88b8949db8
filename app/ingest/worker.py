"""`python -m app worker`: Dramatiq worker processes that annotate and store pieces of jobs.

Imported by each worker process (Dramatiq's CLI loads this module), it connects to
`GAZETTE_BROKER_URL` and declares the actor on `GAZETTE_QUEUE_NAME`, the only queue the
process takes from. Each process loads the model and opens its
database engine once, at boot, and works one piece at a time.
"""

from __future__ import annotations

import logging

import dramatiq
from dramatiq.middleware import CurrentMessage, Middleware

from app.config import get_settings
from app.ingest.broker import ACTOR, make_broker
from app.ingest.jobs import failure_reason, park_open, work_piece
from app.ingest.runners import process_resources

log = logging.getLogger(__name__)

# A piece is `GAZETTE_BATCH_SIZE` documents: well within this, even for long articles.
TIME_LIMIT_MS = 30 * 60 * 1000
MIN_BACKOFF_MS, MAX_BACKOFF_MS = 1_000, 60_000


class LoadOnce(Middleware):
    """The model and the engine, loaded once per worker process when it boots."""

    def after_process_boot(self, broker: dramatiq.Broker) -> None:
        process_resources(get_settings().database_url)


settings = get_settings()
if not settings.broker_url:
    raise RuntimeError("GAZETTE_BROKER_URL is not set: workers need a broker to take jobs from")
broker = make_broker(settings.broker_url)
broker.add_middleware(CurrentMessage())
broker.add_middleware(LoadOnce())
dramatiq.set_broker(broker)


@dramatiq.actor(
    actor_name=ACTOR,
    queue_name=settings.queue_name,
    max_retries=settings.max_tries - 1,
    min_backoff=MIN_BACKOFF_MS,
    max_backoff=MAX_BACKOFF_MS,
    time_limit=TIME_LIMIT_MS,
)
def ingest_piece(job_id: str, positions: list[int]) -> None:
    """Annotate and store one piece of a job; a store error that may pass is retried."""
    engine, nlp = process_resources(get_settings().database_url)
    try:
        work_piece(engine, job_id, positions, nlp=nlp, max_tries=get_settings().max_tries)
    except Exception as exc:
        # Retried by the broker with backoff; on the last try, what is open is parked (and
        # the message goes to the dead-letter queue).
        message = CurrentMessage.get_current_message()
        retries = message.options.get("retries", 0) if message is not None else 0
        if retries >= get_settings().max_tries - 1:
            park_open(engine, job_id, positions, reason=failure_reason(exc))
        raise
