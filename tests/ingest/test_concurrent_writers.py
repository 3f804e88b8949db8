"""Several writers at once: two API instances and two job workers store articles that share
people, places and READ MORE links; nothing fails, nothing is counted twice or lost."""

from __future__ import annotations

import threading

import pytest

from app.db import create_db_engine
from app.ingest.core import IngestDocument
from app.ingest.jobs import job_status, submit_job, work_piece
from tests.store_checks import assert_store_consistent
from tests.synthetic import synthetic_articles

pytestmark = pytest.mark.nlp


def test_concurrent_writers_keep_entities_counts_and_links_whole(
    make_client, engine, database_url, nlp
):
    articles = synthetic_articles(48, seed=11)
    shares = [articles[n::4] for n in range(4)]
    clients = [make_client(), make_client()]
    statuses: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def post_all(client, share):
        start.wait()
        for article in share:
            statuses.append(client.post("/articles", json=article).status_code)

    # One job for the workers' half, in pieces of 4; each worker takes every other piece.
    job = submit_job(
        engine,
        [IngestDocument(**a, origin="test") for a in shares[2] + shares[3]],
        origin="test",
        batch_size=4,
    )

    def work(pieces):
        worker_engine = create_db_engine(database_url)  # a process of its own would have one
        start.wait()
        for piece in pieces:
            work_piece(worker_engine, job.id, piece, nlp=nlp, max_tries=3)
        worker_engine.dispose()

    def guarded(target, *args):
        try:
            target(*args)
        except BaseException as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)

    threads = [
        threading.Thread(target=guarded, args=(post_all, clients[0], shares[0])),
        threading.Thread(target=guarded, args=(post_all, clients[1], shares[1])),
        threading.Thread(target=guarded, args=(work, job.pieces[0::2])),
        threading.Thread(target=guarded, args=(work, job.pieces[1::2])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    assert sorted(statuses) == [201] * (len(shares[0]) + len(shares[1]))
    status = job_status(engine, job.id)
    assert (status.state, status.counts["created"]) == ("completed", len(shares[2] + shares[3]))
    assert len(clients[0].get("/articles?limit=100").json()["items"]) == len(articles)
    assert_store_consistent(engine)
