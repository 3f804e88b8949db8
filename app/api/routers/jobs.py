"""Ingest jobs: a batch of documents accepted at once, annotated and stored by workers."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from app.api.bodies import read_batch_body
from app.api.deps import SettingsDep
from app.api.openapi import problems
from app.api.schemas import ArticleIn, JobOut
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
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/JobIn"}},
                "application/x-ndjson": {
                    "schema": {"type": "string", "description": "One document as JSON a line."}
                },
            },
        }
    },
    responses=problems(413, 415, 422),
)
async def create_job(request: Request, response: Response, settings: SettingsDep) -> JobOut:
    """Accept a batch of documents (JSON or NDJSON) to ingest; follow the job at `Location`."""
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
def get_job(job_id: str, request: Request) -> JobOut:
    """How far the job is: counts of its documents, failures with their reasons, its state."""
    return job_service.get_job(request.app.state.engine, job_id=job_id)
