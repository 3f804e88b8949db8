"""Articles: detail with every annotation layer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session

from app.api import offsets
from app.api.presenters import (
    article_summary,
    link_out,
    quote_out,
    structure_from_blocks,
    structure_out,
)
from app.api.schemas import ArticleDetail, DateOut, EntityMentions, LinkOut, QuoteOut, TextSpan
from app.api.services.entities import aliases_of
from app.errors import NotFound
from app.store import tables as models


def get_article(session: Session, *, article_id: str) -> models.Article:
    article = session.get(models.Article, article_id)
    if article is None:
        raise NotFound(f"No article with id '{article_id}'.")
    return article


def convert_offsets(session: Session, items: Sequence[Any], *, unit: offsets.OffsetUnit) -> None:
    """Give `items` (each with an `article_id` whose text its offsets index) offsets in `unit`.

    Stored offsets are code points; for UTF-16 each item is converted with its article's
    text, read here for the articles of `items` alone.
    """
    if unit == "codepoints" or not items:
        return
    ids = {item.article_id for item in items}
    A = models.Article
    rows = session.execute(select(A.id, A.text).where(A.id.in_(ids)))  # type: ignore[call-overload, attr-defined]
    texts: dict[str, str] = dict(rows.all())
    for item in items:
        # An article deleted since the page was read has no text left to count in: its
        # items are stale already, and are served as read rather than failing the page.
        if (text := texts.get(item.article_id)) is not None:
            offsets.convert(item, text)


def get_article_detail(session: Session, *, article_id: str) -> ArticleDetail:
    """The article with its text, structure, entities, quotes, links and dates."""
    article = get_article(session, article_id=article_id)
    blocks = session.scalars(
        select(models.ArticleBlock).where(models.ArticleBlock.article_id == article.id)
    ).all()
    dates = session.scalars(
        select(models.DateMention)
        .where(models.DateMention.article_id == article.id)
        .order_by(models.DateMention.start)
    ).all()
    summary = article_summary(article)
    return ArticleDetail(
        **summary.model_dump(),
        text=article.text,
        structure=structure_out(structure_from_blocks(article.text, blocks)),
        entities=article_entities(session, article_id=article.id),
        quotes=article_quotes(session, article_id=article.id),
        links=article_links(session, article_id=article.id),
        dates=[DateOut(start=d.start, end=d.end, text=d.text, value=d.value) for d in dates],
    )


def article_entities(session: Session, *, article_id: str) -> list[EntityMentions]:
    """The article's entities, in order of first mention, each with its mentions."""
    get_article(session, article_id=article_id)
    rows = session.execute(
        select(models.ArticleEntity, models.Entity)
        .join(models.Entity, models.Entity.id == models.ArticleEntity.entity_id)
        .where(models.ArticleEntity.article_id == article_id)
        .order_by(models.ArticleEntity.position)
    ).all()
    mentions: dict[str, list[TextSpan]] = {}
    for mention in session.scalars(
        select(models.Mention)
        .where(models.Mention.article_id == article_id)
        .order_by(models.Mention.start)
    ):
        mentions.setdefault(mention.entity_id, []).append(
            TextSpan(start=mention.start, end=mention.end, text=mention.text)
        )
    aliases = aliases_of(session, [entity for _, entity in rows])
    return [
        EntityMentions(
            id=entity.id,
            name=entity.name,
            type=entity.type,
            aliases=aliases.get(entity.id, []),
            mentions=mentions.get(entity.id, []),
            country_code=entity.country_code,
            lat=entity.lat,
            lon=entity.lon,
        )
        for _, entity in rows
    ]


def article_quotes(session: Session, *, article_id: str) -> list[QuoteOut]:
    get_article(session, article_id=article_id)
    rows = session.execute(
        select(models.Quote, models.Entity.name)
        .outerjoin(models.Entity, models.Entity.id == models.Quote.speaker_entity_id)
        .where(models.Quote.article_id == article_id)
        .order_by(models.Quote.position)
    ).all()
    return [quote_out(quote, name) for quote, name in rows]


def article_links(session: Session, *, article_id: str) -> list[LinkOut]:
    get_article(session, article_id=article_id)
    target = aliased(models.Article)
    # The target's reference alone, not its text.
    rows = session.execute(
        select(models.RelatedLink, target.id, target.title, target.slug)
        .outerjoin(target, target.id == models.RelatedLink.target_article_id)
        .where(models.RelatedLink.article_id == article_id)
        .order_by(models.RelatedLink.position)
    ).all()
    return [link_out(row[0], row if row.id is not None else None) for row in rows]


def stored_article_count(engine: Engine, *, known: tuple[str, int] | None) -> tuple[str, int]:
    """(store rev, number of articles stored); counted only when the store has changed
    since `known` was read, so that a scrape every few seconds costs one indexed read."""
    with Session(engine) as session:
        version = session.get(models.StoreVersion, 1)
        rev = version.rev if version is not None else ""
        if known is not None and rev == known[0]:
            return known
        count = session.scalar(select(func.count()).select_from(models.Article)) or 0
    return rev, count
