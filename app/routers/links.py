"""READ MORE links across the corpus."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.deps import CursorQuery, LimitQuery, SessionDep
from app.routers.paging import next_url
from app.schemas import LinkPage
from app.services import links as link_service

router = APIRouter(prefix="/links", tags=["links"])


@router.get("", operation_id="list_links", response_model=LinkPage)
def list_links(
    request: Request,
    response: Response,
    session: SessionDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
    resolved: Annotated[
        bool | None, Query(description="false: links to articles the store does not hold.")
    ] = None,
) -> LinkPage:
    """Every article's READ MORE links."""
    items, cursor_next = link_service.list_links(
        session, limit=limit, cursor=cursor, resolved=resolved
    )
    return LinkPage(items=items, next=next_url(request, response, cursor_next))
