"""Workers on a real broker: a job survives a worker killed in the middle of it, and a
worker takes only the jobs of its own queue.

Runs against each broker named in GAZETTE_TEST_BROKER_URLS (comma-separated), by default
RabbitMQ and Redis on this machine; a broker that does not answer is skipped (CI starts
both). Each test puts its jobs on queues of its own (GAZETTE_QUEUE_NAME), so a worker left
over from an interrupted run on the same broker cannot take them, and drops them at the end.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from app.store.tables import Article
from tests.conftest import ROOT
from tests.store_checks import assert_store_consistent
from tests.synthetic import synthetic_articles

pytestmark = [pytest.mark.nlp, pytest.mark.broker]

DEFAULT_BROKERS = "amqp://guest:guest@127.0.0.1:5672/%2F,redis://127.0.0.1:6379/5"
BROKERS = os.environ.get("GAZETTE_TEST_BROKER_URLS", DEFAULT_BROKERS).split(",")
ARTICLES = 300
DEADLINE_S = 300


def _reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=1).close()
        return True
    except OSError:
        return False


def _queue_name() -> str:
    return f"gazette-test-{uuid.uuid4().hex}"


def _drop_queues(broker_url: str, queue_name: str) -> None:
    """Remove the queue, its delay and dead-letter queues and their messages from the broker."""
    from dramatiq.common import dq_name, xq_name

    from app.ingest.broker import make_broker

    broker = make_broker(broker_url)
    try:
        if urlsplit(broker_url).scheme.startswith("redis"):
            # Dramatiq's keys of a queue all hold its name (messages, acks, dead letters).
            keys = list(broker.client.scan_iter(match=f"{broker.namespace}:*{queue_name}*"))
            if keys:
                broker.client.delete(*keys)
        else:
            for name in (queue_name, dq_name(queue_name), xq_name(queue_name)):
                broker.channel.queue_delete(name)
    finally:
        broker.close()


def _start_worker(
    broker_url: str, database_url: str, queue_name: str, log_path
) -> subprocess.Popen:
    env = {
        **os.environ,
        "GAZETTE_BROKER_URL": broker_url,
        "GAZETTE_DATABASE_URL": database_url,
        "GAZETTE_QUEUE_NAME": queue_name,
        "GAZETTE_BATCH_SIZE": "8",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "app", "worker", "--processes", "1"],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the kill takes its children too
    )


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


@pytest.mark.parametrize("broker_url", BROKERS)
def test_a_job_survives_a_worker_killed_in_the_middle(
    broker_url, make_client, engine, database_url, tmp_path
):
    if not _reachable(broker_url):
        pytest.skip(f"no broker at {broker_url}")
    queue = _queue_name()
    client = make_client(broker_url=broker_url, queue_name=queue, batch_size=8)
    workers = [
        _start_worker(broker_url, database_url, queue, tmp_path / f"worker{n}.log") for n in (1, 2)
    ]
    try:
        response = client.post("/jobs", json={"documents": synthetic_articles(ARTICLES)})
        assert response.status_code == 202, response.text
        url = response.headers["location"]
        deadline = time.monotonic() + DEADLINE_S

        # Mid-job: some stored, most not.
        while (job := client.get(url).json())["counts"]["stored"] < 40:
            assert time.monotonic() < deadline, job
            assert all(w.poll() is None for w in workers), (tmp_path / "worker1.log").read_text()
            time.sleep(0.1)
        assert job["counts"]["stored"] < ARTICLES
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait()

        while (job := client.get(url).json())["state"] not in ("completed", "failed"):
            assert time.monotonic() < deadline, (job, (tmp_path / "worker2.log").read_text())
            time.sleep(0.2)
    finally:
        for worker in workers:
            _stop(worker)
        _drop_queues(broker_url, queue)

    assert job["state"] == "completed", job
    assert (job["counts"]["stored"], job["counts"]["failed"], job["counts"]["queued"]) == (
        ARTICLES,
        0,
        0,
    )
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == ARTICLES
    assert_store_consistent(engine)


def _wait_for_state(client, url: str, states: tuple[str, ...], worker, log_path) -> dict:
    deadline = time.monotonic() + DEADLINE_S
    while (job := client.get(url).json())["state"] not in states:
        assert time.monotonic() < deadline, (job, log_path.read_text())
        assert worker.poll() is None, log_path.read_text()
        time.sleep(0.2)
    return job


@pytest.mark.parametrize("broker_url", BROKERS)
def test_a_worker_takes_only_the_jobs_of_its_own_queue(
    broker_url, make_client, engine, database_url, tmp_path
):
    if not _reachable(broker_url):
        pytest.skip(f"no broker at {broker_url}")
    mine, other = _queue_name(), _queue_name()
    # Two services on one database and one broker, apart only by their queue names.
    on_mine = make_client(broker_url=broker_url, queue_name=mine, batch_size=8)
    on_other = make_client(broker_url=broker_url, queue_name=other, batch_size=8)
    documents = synthetic_articles(16)
    log_path = tmp_path / "worker.log"
    try:
        # Queued before the worker starts, so a worker that listened to both queues would
        # take this piece first.
        response = on_other.post("/jobs", json={"documents": documents[:8]})
        assert response.status_code == 202, response.text
        elsewhere = response.headers["location"]
        worker = _start_worker(broker_url, database_url, mine, log_path)
        try:
            response = on_mine.post("/jobs", json={"documents": documents[8:]})
            assert response.status_code == 202, response.text
            job = _wait_for_state(
                on_mine, response.headers["location"], ("completed", "failed"), worker, log_path
            )
            assert (job["state"], job["counts"]["stored"]) == ("completed", 8), job
            untouched = on_other.get(elsewhere).json()
            assert untouched["state"] == "queued", untouched
            assert (untouched["counts"]["queued"], untouched["counts"]["stored"]) == (8, 0)
        finally:
            _stop(worker)

        # The other queue's piece is still on the broker: a worker of that queue does it.
        worker = _start_worker(broker_url, database_url, other, log_path)
        try:
            job = _wait_for_state(on_other, elsewhere, ("completed", "failed"), worker, log_path)
        finally:
            _stop(worker)
        assert (job["state"], job["counts"]["stored"], job["counts"]["failed"]) == (
            "completed",
            8,
            0,
        )
    finally:
        _drop_queues(broker_url, mine)
        _drop_queues(broker_url, other)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 16
    assert_store_consistent(engine)
