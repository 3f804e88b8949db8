"""Jobs without a broker: a pool of worker processes beside the service or the CLI."""

from __future__ import annotations

import pytest

from app.ingest.core import IngestDocument
from app.ingest.jobs import submit_job, wait_for_job
from app.ingest.runners import make_runner
from app.metrics import ANNOTATION_SECONDS
from tests.store_checks import assert_store_consistent
from tests.synthetic import synthetic_articles

pytestmark = pytest.mark.nlp


def _annotations_observed() -> float:
    (family,) = ANNOTATION_SECONDS.collect()
    return next(s.value for s in family.samples if s.name.endswith("_count"))


def test_a_process_pool_works_a_job_through(engine):
    articles = synthetic_articles(8, seed=21)
    runner = make_runner(engine=engine, broker_url="", workers=2, max_tries=3)
    observed = _annotations_observed()
    job = submit_job(engine, [IngestDocument(**a) for a in articles], origin="test", batch_size=3)
    assert len(job.pieces) == 3
    try:
        runner.run(job)
        status = wait_for_job(engine, job.id, timeout=180)
    finally:
        runner.close()
    assert (status.state, status.counts["created"]) == ("completed", 8)
    assert_store_consistent(engine)
    # Annotated in the pool's processes, observed in this one's metrics.
    assert _annotations_observed() == observed + 8
