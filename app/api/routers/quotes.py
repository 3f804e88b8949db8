"""Quotes across the corpus."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.annotate.types import QuoteKind
from app.api.conditional import CorpusVersion
from app.api.deps import CursorQuery, LimitQuery, SessionDep
from app.api.openapi import problems
from app.api.paging import next_url
from app.api.schemas import QuotePage
from app.api.services import quotes as quote_service

router = APIRouter(prefix="/quotes", tags=["quotes"])


@router.get(
    "",
    operation_id="list_quotes",
    response_model=QuotePage,
    responses=problems(404),
    dependencies=[CorpusVersion],
)
def list_quotes(
    request: Request,
    response: Response,
    session: SessionDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
    speaker_id: Annotated[str | None, Query(description="Entity id of the speaker.")] = None,
    article_id: Annotated[str | None, Query()] = None,
    kind: Annotated[QuoteKind | None, Query()] = None,
    q: Annotated[str | None, Query(description="Words to find in the quote.")] = None,
) -> QuotePage:
    """Quotes, filtered by speaker, article, kind and text."""
    items, cursor_next = quote_service.list_quotes(
        session,
        limit=limit,
        cursor=cursor,
        speaker_id=speaker_id,
        article_id=article_id,
        kind=kind,
        q=q,
    )
    return QuotePage(items=items, next=next_url(request, response, cursor_next))
