"""Ingest jobs: a batch of documents accepted at once, annotated and stored by workers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status

from app.api.bodies import read_batch_body
from app.api.deps import SettingsDep
from app.api.openapi import openapi_body, problems
from app.api.schemas import ArticleIn, JobIn, JobOut
from app.api.security import WriteKey
from app.api.services import jobs as job_service

router = APIRouter(prefix="/jobs", tags=["jobs"])

# A batch is read whole before it is recorded: these bound what one request may hold.
MAX_JOB_BYTES = 64 * 1024 * 1024
MAX_JOB_DOCUMENTS = 10_000


@router.post(
    "",
    operation_id="create_job",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[WriteKey],
    openapi_extra=openapi_body(JobIn),
    responses=problems(413, 415, 422),
)
async def create_job(request: Request, response: Response, settings: SettingsDep) -> JobOut:
    """Accept a batch of documents to ingest; follow the job at `Location`.

    The body is a `JobIn` as JSON, or NDJSON (`Content-Type: application/x-ndjson`): one
    document, as `POST /articles` takes it, per line.
    """
    documents = await read_batch_body(
        request,
        ArticleIn,
        max_chars=settings.max_document_chars,
        max_bytes=MAX_JOB_BYTES,
        max_documents=MAX_JOB_DOCUMENTS,
    )
    job = await job_service.submit_async(
        request.app.state.engine,
        request.app.state.runner,
        documents,
        batch_size=settings.batch_size,
    )
    response.headers["Location"] = str(request.url_for("get_job", job_id=job.id))
    return job


@router.get("/{job_id}", operation_id="get_job", response_model=JobOut, responses=problems(404))
def get_job(
    job_id: Annotated[str, Path(description="The id `POST /jobs` answered.")], request: Request
) -> JobOut:
    """How far the job is: counts of its documents, failures with their reasons, its state."""
    return job_service.get_job(request.app.state.engine, job_id=job_id)
