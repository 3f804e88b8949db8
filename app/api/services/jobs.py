"""Ingest jobs as the API offers them: submit a batch, read what became of it."""

from __future__ import annotations

from fastapi.concurrency import run_in_threadpool
from sqlalchemy.engine import Engine

from app.api.schemas import ArticleIn, JobCounts, JobOut, JobProblem
from app.ingest.jobs import JobStatus, job_status, submit_job
from app.ingest.runners import Runner


def submit(
    engine: Engine, runner: Runner, documents: list[ArticleIn], *, batch_size: int
) -> JobOut:
    """Record the job, hand its pieces to the workers, and answer at once."""
    job = submit_job(
        engine,
        [d.to_document(origin="api") for d in documents],
        origin="api",
        batch_size=batch_size,
    )
    runner.run(job)
    return get_job(engine, job_id=job.id)


async def submit_async(
    engine: Engine, runner: Runner, documents: list[ArticleIn], *, batch_size: int
) -> JobOut:
    return await run_in_threadpool(submit, engine, runner, documents, batch_size=batch_size)


def get_job(engine: Engine, *, job_id: str) -> JobOut:
    return job_out(job_status(engine, job_id))


def job_out(status: JobStatus) -> JobOut:
    counts = status.counts
    return JobOut(
        id=status.id,
        state=status.state,  # type: ignore[arg-type]
        origin=status.origin,
        total=status.total,
        counts=JobCounts(
            queued=status.open,
            annotated=counts["annotated"] + counts["created"] + counts["updated"],
            stored=counts["created"] + counts["updated"],
            created=counts["created"],
            updated=counts["updated"],
            unchanged=counts["unchanged"],
            skipped=counts["skipped"],
            failed=counts["failed"],
        ),
        failures=[JobProblem(**f) for f in status.failures],
    )
