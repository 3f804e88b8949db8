"""READ MORE links across the corpus."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.conditional import CorpusVersion
from app.api.deps import CursorQuery, LimitQuery, SessionDep
from app.api.offsets import OffsetsQuery
from app.api.openapi import problems
from app.api.paging import next_page
from app.api.schemas import LinkPage
from app.api.services import links as link_service
from app.api.validation import text_query

router = APIRouter(prefix="/links", tags=["links"])


@router.get(
    "",
    operation_id="list_links",
    response_model=LinkPage,
    responses=problems(404),
    dependencies=[CorpusVersion],
)
def list_links(
    request: Request,
    response: Response,
    session: SessionDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
    resolved: Annotated[
        bool | None, Query(description="false: links to articles the store does not hold.")
    ] = None,
    article_id: Annotated[str | None, text_query("Links this article makes.")] = None,
    target_article_id: Annotated[
        str | None, text_query("Links that point at this article.")
    ] = None,
    offsets: OffsetsQuery = "codepoints",
) -> LinkPage:
    """Every article's READ MORE links."""
    items, cursor_next = link_service.list_links(
        session,
        limit=limit,
        cursor=cursor,
        resolved=resolved,
        article_id=article_id,
        target_article_id=target_article_id,
        offsets=offsets,
    )
    return LinkPage(items=items, **next_page(request, response, cursor_next))
