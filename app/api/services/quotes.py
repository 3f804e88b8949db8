"""Quotes across the corpus."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from app.annotate.types import QuoteKind
from app.api.pagination import paginate
from app.api.presenters import quote_out
from app.api.schemas import QuoteWithArticle
from app.api.services.articles import escape_like, get_article
from app.api.services.entities import get_entity
from app.store import tables as models


def list_quotes(
    session: Session,
    *,
    limit: int,
    cursor: str | None = None,
    speaker_id: str | None = None,
    article_id: str | None = None,
    kind: QuoteKind | None = None,
    q: str | None = None,
) -> tuple[list[QuoteWithArticle], str | None]:
    """Quotes filtered by speaker entity, article, kind and text, in article order."""
    query = select(models.Quote)
    if speaker_id:
        get_entity(session, entity_id=speaker_id)
        query = query.where(models.Quote.speaker_entity_id == speaker_id)
    if article_id:
        get_article(session, article_id=article_id)
        query = query.where(models.Quote.article_id == article_id)
    if kind:
        query = query.where(models.Quote.kind == kind.value)
    if q:
        query = query.where(models.Quote.text.ilike(f"%{escape_like(q)}%", escape="\\"))
    order: list[tuple[Any, bool]] = [
        (models.Quote.article_id, False),
        (models.Quote.position, False),
    ]
    rows, next_cursor = paginate(
        session, query, order, limit=limit, cursor=cursor, kinds=[str, int]
    )
    speaker_ids = {r.speaker_entity_id for r in rows if r.speaker_entity_id}
    names = dict(
        session.execute(
            select(models.Entity.id, models.Entity.name).where(models.Entity.id.in_(speaker_ids))
        ).all()
    )
    items = [
        QuoteWithArticle(
            **quote_out(r, names.get(r.speaker_entity_id or "")).model_dump(),
            article_id=r.article_id,
        )
        for r in rows
    ]
    return items, next_cursor
