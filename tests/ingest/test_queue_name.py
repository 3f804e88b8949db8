"""The broker queue is named by GAZETTE_QUEUE_NAME on both sides: where the service puts the
pieces of its jobs, and the only queue a `python -m app worker` process takes from.

No broker needed here: the service side runs on Dramatiq's StubBroker, and the worker module
is imported with a Redis URL that it never connects to (declaring queues does no I/O).
tests/ingest/test_broker_workers.py runs both sides on real brokers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from dramatiq.brokers.stub import StubBroker
from pydantic import ValidationError

from app.config import DEFAULT_QUEUE_NAME, Settings
from tests.conftest import ROOT
from tests.synthetic import synthetic_articles

# Nothing listens there: the worker module must come up without talking to the broker.
UNUSED_REDIS = "redis://127.0.0.1:9/0"


@pytest.fixture
def stub_broker(monkeypatch) -> StubBroker:
    """The broker every `make_broker` call returns in this process."""
    from app.ingest import broker as broker_module

    stub = StubBroker()
    monkeypatch.setattr(broker_module, "make_broker", lambda url: stub)
    return stub


def _messages(stub: StubBroker) -> dict[str, int]:
    """Messages waiting on each queue that has any."""
    counts = {name: queue.qsize() for name, queue in stub.queues.items()}
    return {name: count for name, count in counts.items() if count}


def test_the_default_queue_name_is_unchanged():
    assert DEFAULT_QUEUE_NAME == "gazette-ingest"
    assert Settings.model_fields["queue_name"].default == "gazette-ingest"


@pytest.mark.parametrize("name", ["", "two words", "1st", "gazette/ingest", "ünïcode"])
def test_a_queue_name_the_broker_would_refuse_is_refused_at_startup(name):
    with pytest.raises(ValidationError, match="queue_name"):
        Settings(queue_name=name)


@pytest.mark.nlp
@pytest.mark.parametrize("queue_name", [None, "gazette-staging_2.a"])
def test_the_service_puts_its_jobs_on_the_configured_queue(make_client, stub_broker, queue_name):
    overrides = {} if queue_name is None else {"queue_name": queue_name}
    client = make_client(broker_url=UNUSED_REDIS, batch_size=2, **overrides)
    response = client.post("/jobs", json={"documents": synthetic_articles(5)})
    assert response.status_code == 202, response.text
    # 5 documents in pieces of 2: 3 messages, all on the one queue.
    assert _messages(stub_broker) == {queue_name or DEFAULT_QUEUE_NAME: 3}
    message = stub_broker.queues[queue_name or DEFAULT_QUEUE_NAME].get_nowait()
    assert message.startswith(b"{") and b'"ingest_piece"' in message


def _worker_queues(extra_env: dict[str, str]) -> dict:
    """The actor's queue and the queues a worker process declares (Dramatiq's worker, started
    without --queues as `python -m app worker` starts it, consumes exactly those)."""
    script = (
        "import json, app.ingest.worker as w; "
        "print(json.dumps({'actor': w.ingest_piece.queue_name, "
        "'declared': sorted(w.broker.get_declared_queues())}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAZETTE_")}
    env.update({"GAZETTE_BROKER_URL": UNUSED_REDIS, **extra_env})
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_worker_takes_from_the_configured_queue_only():
    assert _worker_queues({}) == {"actor": "gazette-ingest", "declared": ["gazette-ingest"]}
    assert _worker_queues({"GAZETTE_QUEUE_NAME": "gazette-b"}) == {
        "actor": "gazette-b",
        "declared": ["gazette-b"],
    }
