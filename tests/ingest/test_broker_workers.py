"""Workers on a real broker: a job survives a worker killed in the middle of it.

Runs against each broker named in GAZETTE_TEST_BROKER_URLS (comma-separated), by default
RabbitMQ and Redis on this machine; a broker that does not answer is skipped (CI starts
both).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
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


def _start_worker(broker_url: str, database_url: str, log_path) -> subprocess.Popen:
    env = {
        **os.environ,
        "GAZETTE_BROKER_URL": broker_url,
        "GAZETTE_DATABASE_URL": database_url,
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
    from app.ingest.broker import QUEUE, make_broker

    broker = make_broker(broker_url)
    broker.declare_queue(QUEUE)
    broker.flush(QUEUE)  # what an earlier, interrupted run may have left
    broker.close()

    client = make_client(broker_url=broker_url, batch_size=8)
    workers = [_start_worker(broker_url, database_url, tmp_path / f"worker{n}.log") for n in (1, 2)]
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

    assert job["state"] == "completed", job
    assert (job["counts"]["stored"], job["counts"]["failed"], job["counts"]["queued"]) == (
        ARTICLES,
        0,
        0,
    )
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == ARTICLES
    assert_store_consistent(engine)
