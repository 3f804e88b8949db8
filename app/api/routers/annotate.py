"""Stateless annotation: nothing is stored."""

from __future__ import annotations

from fastapi import APIRouter, Request

from app.api.bodies import read_document_body, within_work_budget
from app.api.deps import AnnotatorDep, SettingsDep
from app.api.offsets import OffsetsQuery, convert
from app.api.openapi import openapi_body, problems
from app.api.presenters import local_document
from app.api.schemas import AnnotateRequest, AnnotationDocument
from app.api.security import WriteKey

router = APIRouter(tags=["annotate"])


@router.post(
    "/annotate",
    operation_id="annotate_document",
    dependencies=[WriteKey],
    response_model=AnnotationDocument,
    openapi_extra=openapi_body(AnnotateRequest),
    responses=problems(413, 415, 422, 503),
)
async def annotate_document(
    request: Request,
    settings: SettingsDep,
    annotator: AnnotatorDep,
    offsets: OffsetsQuery = "codepoints",
) -> AnnotationDocument:
    """Annotate a document without storing it.

    The body is an `AnnotateRequest` as JSON, or the text alone as `text/plain`.

    Offsets are into the returned `text`: the submitted text with line endings normalised.
    """
    body = await read_document_body(request, AnnotateRequest, max_chars=settings.max_document_chars)
    published = body.published_at.date() if body.published_at else None
    async with request.app.state.annotation_slots.slot():
        annotation = await within_work_budget(annotator.annotate(body.text, published_at=published))
    document = local_document(annotation)
    if offsets == "utf16":
        convert(document, document.text)
    return document
