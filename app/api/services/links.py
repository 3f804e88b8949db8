"""READ MORE links across the corpus, and related articles computed from shared entities."""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from app.api.offsets import OffsetUnit
from app.api.pagination import paginate
from app.api.presenters import link_out
from app.api.schemas import ArticleRef, LinkWithArticle, RelatedArticle, SharedEntity
from app.api.services.articles import convert_offsets, get_article
from app.errors import NotFound
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
    A = models.Article
    # The targets' references alone, not their text.
    targets = {
        row.id: row
        for row in session.execute(select(A.id, A.title, A.slug).where(A.id.in_(target_ids)))
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

    Not every article sharing an entity is read (`_ranked`): of a country mentioned in a
    fifth of the corpus, only the articles small enough to outrank those sharing the
    rarer names are.
    """
    AE = models.ArticleEntity
    if session.scalar(select(models.Article.id).where(models.Article.id == article_id)) is None:
        raise NotFound(f"No article with id '{article_id}'.")
    total = session.scalar(select(func.count()).select_from(models.Article)) or 1
    mine = session.execute(
        select(
            models.Entity.id, models.Entity.name, models.Entity.type, models.Entity.article_count
        )
        .join(AE, AE.entity_id == models.Entity.id)
        .where(AE.article_id == article_id, models.Entity.article_count > 1)
    ).all()
    weights = {row.id: math.log(total / row.article_count) for row in mine}
    weights = {entity_id: w for entity_id, w in weights.items() if w > 0}
    if not weights:
        return []
    counts = {row.id: row.article_count for row in mine}
    found = _ranked(session, article_id=article_id, weights=weights, counts=counts, limit=limit)
    ids = [candidate.article_id for candidate in found]
    refs = {
        row.id: ArticleRef(id=row.id, title=row.title, slug=row.slug)
        for row in session.execute(
            select(models.Article.id, models.Article.title, models.Article.slug).where(
                models.Article.id.in_(ids)
            )
        )
    }
    info = {row.id: row for row in mine}
    return [
        RelatedArticle(
            article=refs[candidate.article_id],
            score=round(candidate.shared / max(candidate.size, 1) ** LENGTH_EXPONENT, 4),
            shared_entities=sorted(
                (
                    SharedEntity(
                        id=e_id,
                        name=info[e_id].name,
                        type=info[e_id].type,
                        weight=round(weights[e_id], 4),
                    )
                    for e_id in candidate.entity_ids
                ),
                key=lambda s: (-s.weight, s.name),
            ),
        )
        for candidate in found
    ]


# Entities that at most this many articles mention are read whole; of commoner ones, only
# the articles that could still make the list (`_ranked`). On the BBC corpus (every article,
# limit 10), rows of article_entity read per request, p50/p95: 213/894 at 8, 209/893 at 16,
# 220/890 at 32, 278/894 at 64; reading every article sharing an entity: 598/1438, and
# counting each one's entities besides.
RARE_ARTICLES = 16


@dataclass(frozen=True)
class _Candidate:
    article_id: str
    shared: float  # the weights it shares, added in entity id order
    size: int  # its entity count
    entity_ids: tuple[str, ...]  # the weighted entities it shares, in id order

    @property
    def rank(self) -> float:
        # shared / size^(1/3) ranks as shared^3 / size.
        return self.shared * self.shared * self.shared / self.size


def _ranked(
    session: Session,
    *,
    article_id: str,
    weights: dict[str, float],
    counts: dict[str, int],
    limit: int,
) -> list[_Candidate]:
    """The `limit` best articles sharing a weighted entity with `article_id`, best first
    (ties by id): exactly those that ranking every such article would give.

    The articles of the rare entities (at most RARE_ARTICLES articles each; more, rarest
    first, while fewer than `limit` articles are found) are scored in full: every weight
    they share, their size. Then the commoner entities, rarest first: an article not
    scored yet shares only the entities left, k of them at most, and mentions k entities
    at least, so its rank is at most (the sum of the k heaviest weights left)^3 / its
    size. It can reach the `limit`-th best rank found so far only if its size is at most
    the greatest such sum^3 / that rank: of each entity's articles only those that small
    are read (ix_article_entity_entity_size), and none once no k can reach it. The rank to
    reach only rises, so an article passed over could never have entered.
    """
    AE = models.ArticleEntity
    order = sorted(weights, key=lambda e: (-weights[e], e))  # the rarest first
    taken = sum(1 for e in order if counts[e] <= RARE_ARTICLES)
    scored: dict[str, _Candidate] = {}
    _score(session, weights, scored, _articles_of(session, order[:taken], article_id))
    while len(scored) < limit and taken < len(order):
        _score(session, weights, scored, _articles_of(session, [order[taken]], article_id))
        taken += 1
    rest = order[taken:]  # left only once `limit` articles were found
    for j, entity_id in enumerate(rest):
        kth = heapq.nlargest(limit, (c.rank for c in scored.values()))[-1]
        # The greatest (sum of the k heaviest weights left)^3, over k, and over k and size.
        total, cubed, reach = 0.0, 0.0, 0.0
        for k, left in enumerate(rest[j:], 1):
            total += weights[left]
            cubed = max(cubed, total * total * total)
            reach = max(reach, total * total * total / k)
        if reach * (1 + 1e-9) < kth:  # above any rounding: no article left can enter
            break
        small = session.scalars(
            select(AE.article_id).where(
                AE.entity_id == entity_id,
                AE.article_size <= math.floor(cubed / kth * (1 + 1e-9)),
                AE.article_id != article_id,
            )
        ).all()
        _score(session, weights, scored, small)
    return sorted(scored.values(), key=lambda c: (-c.rank, c.article_id))[:limit]


def _articles_of(session: Session, entity_ids: list[str], article_id: str) -> list[str]:
    """The articles other than `article_id` mentioning any of `entity_ids`."""
    if not entity_ids:
        return []
    AE = models.ArticleEntity
    return list(
        session.scalars(
            select(AE.article_id)
            .where(AE.entity_id.in_(entity_ids), AE.article_id != article_id)
            .distinct()
        )
    )


def _score(
    session: Session,
    weights: dict[str, float],
    scored: dict[str, _Candidate],
    article_ids: Sequence[str],
) -> None:
    """Score the articles of `article_ids` not scored yet, in full, into `scored`."""
    AE = models.ArticleEntity
    new = sorted(set(article_ids).difference(scored))
    for start in range(0, len(new), 500):  # bound parameters per statement
        shares: dict[str, list[str]] = {}
        sizes: dict[str, int] = {}
        for a_id, e_id, size in session.execute(
            select(AE.article_id, AE.entity_id, AE.article_size).where(
                AE.article_id.in_(new[start : start + 500]), AE.entity_id.in_(list(weights))
            )
        ):
            shares.setdefault(a_id, []).append(e_id)
            sizes[a_id] = size
        for a_id, theirs in shares.items():
            shared_ids = tuple(sorted(theirs))
            shared = 0.0
            for e_id in shared_ids:  # in the order the store's SUM adds them
                shared += weights[e_id]
            scored[a_id] = _Candidate(a_id, shared, sizes[a_id], shared_ids)
