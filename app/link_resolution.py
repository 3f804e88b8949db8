"""Resolving READ MORE links to stored articles by title, in both directions of time.

Titles are compared by `text_key` (case, punctuation, quote marks and dashes
folded). Past an exact key match, a fuzzy match counts above `FUZZY_THRESHOLD`
(rapidfuzz `ratio` on the keys, 0–100).
"""

from __future__ import annotations

from rapidfuzz import fuzz, process
from sqlalchemy import select, update
from sqlmodel import Session

from app.models import Article, RelatedLink

# Measured on title pairs by bench/link_threshold.py: same-story retitlings score
# above it, different stories that share most words score below.
FUZZY_THRESHOLD = 90.0


def match_title(title_key: str, candidates: dict[str, str]) -> tuple[str, float] | None:
    """The id and score of the candidate (id -> title key) whose title is `title_key`."""
    if not title_key:
        return None
    for article_id, key in candidates.items():
        if key == title_key:
            return article_id, 100.0
    best = process.extractOne(
        title_key, candidates, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD
    )
    if best is None:
        return None
    _key, score, article_id = best
    return article_id, float(score)


def resolve_outgoing(session: Session, links: list[RelatedLink], *, article_id: str) -> None:
    """Point each of an article's new links at the stored article its title names."""
    if not links:
        return
    candidates = dict(
        session.execute(select(Article.id, Article.title_key).where(Article.id != article_id)).all()
    )
    for link in links:
        found = match_title(link.title_key, candidates)
        if found is not None:
            link.target_article_id, link.match_score = found


def resolve_incoming(session: Session, article: Article) -> None:
    """Re-point other articles' links at `article` after it was stored or retitled."""
    session.execute(
        update(RelatedLink)
        .where(RelatedLink.target_article_id == article.id)
        .values(target_article_id=None, match_score=None)
    )
    dangling = session.scalars(
        select(RelatedLink).where(
            RelatedLink.target_article_id.is_(None), RelatedLink.article_id != article.id
        )
    ).all()
    for link in dangling:
        found = match_title(link.title_key, {article.id: article.title_key})
        if found is not None:
            link.target_article_id, link.match_score = found
