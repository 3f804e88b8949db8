"""READ MORE links across the corpus, and related articles computed from shared entities."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from app.api.offsets import OffsetUnit
from app.api.pagination import paginate
from app.api.presenters import link_out
from app.api.schemas import ArticleRef, LinkWithArticle, RelatedArticle, SharedEntity
from app.api.services.articles import convert_offsets, get_article
from app.store import tables as models


def list_links(
    session: Session,
    *,
    limit: int,
    cursor: str | None = None,
    resolved: bool | None = None,
    article_id: str | None = None,
    target_article_id: str | None = None,
    offsets: OffsetUnit = "codepoints",
) -> tuple[list[LinkWithArticle], str | None]:
    """Every article's READ MORE links; `resolved=false` lists what the store does not hold.

    `article_id` keeps the links an article makes, `target_article_id` those pointing at it.
    """
    query = select(models.RelatedLink)
    for given in (article_id, target_article_id):
        if given:
            get_article(session, article_id=given)
    if article_id:
        query = query.where(models.RelatedLink.article_id == article_id)
    if target_article_id:
        query = query.where(models.RelatedLink.target_article_id == target_article_id)
    if resolved is True:
        query = query.where(models.RelatedLink.target_article_id.is_not(None))
    elif resolved is False:
        query = query.where(models.RelatedLink.target_article_id.is_(None))
    order: list[tuple[Any, bool]] = [
        (models.RelatedLink.article_id, False),
        (models.RelatedLink.position, False),
    ]
    rows, next_cursor = paginate(
        session, query, order, limit=limit, cursor=cursor, kinds=[str, int]
    )
    target_ids = {r.target_article_id for r in rows if r.target_article_id}
    targets = {
        a.id: a
        for a in session.scalars(select(models.Article).where(models.Article.id.in_(target_ids)))
    }
    items = [
        LinkWithArticle(
            **link_out(r, targets.get(r.target_article_id or "")).model_dump(),
            article_id=r.article_id,
        )
        for r in rows
    ]
    convert_offsets(session, items, unit=offsets)
    return items, next_cursor


# An article listing a hundred names (a tournament draw, a list of winners) shares a few
# with almost every other: dividing by the cube root of its entity count stops it topping
# everyone's list. Measured by bench/related_bench.py --compare on the BBC corpus: the
# most frequent top-1 article fell from 44 queries to 6, and top-1 results in the query's
# own category stayed at 89.3% (unnormalised 89.5%, square root 88.7%, linear 83.8%).
LENGTH_EXPONENT = 1 / 3


def related_articles(session: Session, *, article_id: str, limit: int = 10) -> list[RelatedArticle]:
    """Articles sharing the most specific entities with this one, scored and explained.

    An entity weighs its inverse document frequency, log(N / articles mentioning it):
    a name in every other article says little, a rare one says much. An article's score
    is the sum of the weights it shares, divided by the cube root of its entity count.
    """
    get_article(session, article_id=article_id)
    total = session.scalar(select(func.count()).select_from(models.Article)) or 1
    mine = session.execute(
        select(
            models.Entity.id, models.Entity.name, models.Entity.type, models.Entity.article_count
        )
        .join(models.ArticleEntity, models.ArticleEntity.entity_id == models.Entity.id)
        .where(models.ArticleEntity.article_id == article_id, models.Entity.article_count > 1)
    ).all()
    weights = {row.id: math.log(total / row.article_count) for row in mine}
    weights = {entity_id: w for entity_id, w in weights.items() if w > 0}
    if not weights:
        return []
    other, theirs = aliased(models.ArticleEntity), aliased(models.ArticleEntity)
    shared = func.sum(case(weights, value=other.entity_id, else_=0.0)).label("shared")
    size = (
        select(func.count())
        .where(theirs.article_id == other.article_id)
        .correlate(other)
        .scalar_subquery()
        .label("size")
    )
    # shared / size^(1/3) ranks as shared^3 / size, which needs no power function in SQLite.
    rank = shared * shared * shared / size
    ranked = session.execute(
        select(other.article_id, shared, size)
        .where(other.entity_id.in_(list(weights)), other.article_id != article_id)
        .group_by(other.article_id)
        .order_by(rank.desc(), other.article_id)
        .limit(limit)
    ).all()
    if not ranked:
        return []
    ids = [row.article_id for row in ranked]
    refs = {
        row.id: ArticleRef(id=row.id, title=row.title, slug=row.slug)
        for row in session.execute(
            select(models.Article.id, models.Article.title, models.Article.slug).where(
                models.Article.id.in_(ids)
            )
        )
    }
    explained: dict[str, list[str]] = {}
    for a_id, e_id in session.execute(
        select(models.ArticleEntity.article_id, models.ArticleEntity.entity_id).where(
            models.ArticleEntity.article_id.in_(ids),
            models.ArticleEntity.entity_id.in_(list(weights)),
        )
    ):
        explained.setdefault(a_id, []).append(e_id)
    info = {row.id: row for row in mine}
    return [
        RelatedArticle(
            article=refs[row.article_id],
            score=round(float(row.shared) / max(row.size, 1) ** LENGTH_EXPONENT, 4),
            shared_entities=sorted(
                (
                    SharedEntity(
                        id=e_id,
                        name=info[e_id].name,
                        type=info[e_id].type,
                        weight=round(weights[e_id], 4),
                    )
                    for e_id in explained.get(row.article_id, [])
                ),
                key=lambda s: (-s.weight, s.name),
            ),
        )
        for row in ranked
    ]
