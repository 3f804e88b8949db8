"""Entities across the corpus."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.conditional import CorpusVersion, serve_entity_document
from app.api.deps import CursorQuery, LimitQuery, SessionDep
from app.api.offsets import OffsetsQuery
from app.api.openapi import problems
from app.api.paging import next_page
from app.api.presenters import article_summary
from app.api.schemas import ArticlePage, EntityDetail, EntityPage, QuotePage
from app.api.services import entities as entity_service
from app.api.services import quotes as quote_service
from app.api.services.entities import ENTITY_TYPE_PATTERN, EntitySort
from app.api.services.quotes import QuoteFilters
from app.api.validation import EntityIdPath, text_query

router = APIRouter(prefix="/entities", tags=["entities"])


@router.get(
    "", operation_id="list_entities", response_model=EntityPage, dependencies=[CorpusVersion]
)
def list_entities(
    request: Request,
    response: Response,
    session: SessionDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
    type: Annotated[
        str | None,
        Query(
            description="OntoNotes type, any case: PERSON, ORG, GPE, LOC, NORP, ...",
            pattern=ENTITY_TYPE_PATTERN,
        ),
    ] = None,
    prefix: Annotated[str | None, text_query("Start of the name or of an alias, any case.")] = None,
    sort: Annotated[
        EntitySort, Query(description="`articles`: most mentioned first; `name`: A to Z.")
    ] = EntitySort.articles,
) -> EntityPage:
    """Entities mentioned by the stored articles."""
    items, cursor_next = entity_service.list_entities(
        session, limit=limit, cursor=cursor, entity_type=type, prefix=prefix, sort=sort
    )
    return EntityPage(items=items, **next_page(request, response, cursor_next))


@router.get(
    "/{entity_id}",
    operation_id="get_entity",
    response_model=EntityDetail,
    responses=problems(404),
)
async def get_entity(entity_id: EntityIdPath, request: Request) -> Response:
    """Canonical name, type, aliases, counts, geocode and the entities it appears with."""
    return await serve_entity_document(request, entity_id=entity_id)


@router.get(
    "/{entity_id}/articles",
    operation_id="list_entity_articles",
    response_model=ArticlePage,
    responses=problems(404),
    dependencies=[CorpusVersion],
)
def list_entity_articles(
    entity_id: EntityIdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> ArticlePage:
    """The articles that mention the entity, newest first."""
    rows, cursor_next = entity_service.entity_articles(
        session, entity_id=entity_id, limit=limit, cursor=cursor
    )
    return ArticlePage(
        items=[article_summary(r) for r in rows], **next_page(request, response, cursor_next)
    )


@router.get(
    "/{entity_id}/quotes",
    operation_id="list_entity_quotes",
    response_model=QuotePage,
    responses=problems(404),
    dependencies=[CorpusVersion],
)
def list_entity_quotes(
    entity_id: EntityIdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
    offsets: OffsetsQuery = "codepoints",
) -> QuotePage:
    """What the entity said, across the corpus."""
    items, cursor_next = quote_service.list_quotes(
        session,
        limit=limit,
        cursor=cursor,
        filters=QuoteFilters(speaker_id=entity_id),
        offsets=offsets,
    )
    return QuotePage(items=items, **next_page(request, response, cursor_next))
