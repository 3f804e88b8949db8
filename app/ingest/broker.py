"""The job queue on a message broker (Dramatiq, over Redis or RabbitMQ): what the API and the
CLI need to hand pieces of a job to `python -m app worker` processes on any machine.

Dramatiq acknowledges a message only after its actor returns, so the piece of a worker
that is killed goes back to the queue and another worker does it (harmless: a piece skips
what is already done). A piece that keeps failing ends in the broker's dead-letter queue,
its documents parked as failed in the job.

Pieces go to the queue named by `GAZETTE_QUEUE_NAME`, and a worker takes only from the queue
its own settings name: services sharing a broker (a Redis database, a RabbitMQ vhost) keep
their jobs apart by giving their queues different names.
"""

from __future__ import annotations

from collections.abc import Sequence

from dramatiq import Message
from dramatiq.broker import Broker

ACTOR = "ingest_piece"
# Redis has no notion of a consumer's connection dying: a worker's unacknowledged messages
# go back to the queue once its heartbeat is this old (Dramatiq's default is 60 s), checked
# on this share (per million) of fetches.
REDIS_HEARTBEAT_TIMEOUT_MS = 15_000
REDIS_MAINTENANCE_CHANCE = 100_000


def make_broker(url: str) -> Broker:
    """A Dramatiq broker for a `redis://` or `amqp://` URL."""
    scheme = url.split("://", 1)[0].lower()
    if scheme in ("redis", "rediss"):
        from dramatiq.brokers.redis import RedisBroker

        return RedisBroker(
            url=url,
            heartbeat_timeout=REDIS_HEARTBEAT_TIMEOUT_MS,
            maintenance_chance=REDIS_MAINTENANCE_CHANCE,
        )
    if scheme in ("amqp", "amqps"):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        return RabbitmqBroker(url=url)
    raise ValueError(f"broker URL must start with redis:// or amqp://, not '{scheme}://'")


def enqueue_piece(
    broker: Broker, job_id: str, positions: Sequence[int], *, queue_name: str
) -> None:
    """Queue one piece of a job for the workers of `queue_name`."""
    broker.declare_queue(queue_name)
    broker.enqueue(
        Message(
            queue_name=queue_name,
            actor_name=ACTOR,
            args=(job_id, list(positions)),
            kwargs={},
            options={},
        )
    )
