"""Article lists: full-text search, filters that combine, counts, facets and histograms.

A list reads only the summary columns of the page it serves; the text is read for the
snippets of that page alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import distinct, func, select, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from app.api.offsets import OffsetUnit, convert
from app.api.pagination import paginate
from app.api.schemas import ArticleListItem, FacetValue, Histogram, Snippet
from app.api.services.analytics import (
    Interval,
    Sort,
    by_date,
    count,
    date_bounds,
    facet_values,
    histogram,
    search_of,
    sort_for,
)
from app.api.snippets import make_snippet
from app.store import tables as models
from app.store.search import SearchQuery, match_condition, matching

A = models.Article
AE = models.ArticleEntity
E = models.Entity
Q = models.Quote

SUMMARY = (
    A.id, A.slug, A.title, A.source, A.url, A.published_at, A.word_count, A.created_at,
    A.updated_at,
)  # fmt: skip
ArticleFacet = Literal["entity", "entity_type", "country", "speaker", "source"]


@dataclass(frozen=True)
class ArticleFilters:
    """Every filter of /articles; they combine (all must hold)."""

    q: str | None = None
    entity_ids: Sequence[str] = ()
    entity_type: str | None = None
    country: str | None = None
    speaker_id: str | None = None
    source: str | None = None
    published_after: datetime | None = None
    published_before: datetime | None = None


def conditions(
    session: Session, filters: ArticleFilters, *, search: SearchQuery | None
) -> list[ColumnElement[bool]]:
    """The WHERE conditions on `article` for `filters`, `search` being the parsed `q`."""
    where: list[ColumnElement[bool]] = []
    if search is not None:
        where.append(match_condition(session, search, table="article", id_column=A.id))
    for entity_id in dict.fromkeys(filters.entity_ids):
        where.append(A.id.in_(select(AE.article_id).where(AE.entity_id == entity_id)))
    for column, value in ((E.type, filters.entity_type), (E.country_code, filters.country)):
        if value is not None:
            mentioned = select(AE.article_id).join(E, E.id == AE.entity_id).where(column == value)
            where.append(A.id.in_(mentioned))
    if filters.speaker_id is not None:
        speaking = select(Q.article_id).where(Q.speaker_entity_id == filters.speaker_id)
        where.append(A.id.in_(speaking))
    if filters.source is not None:
        where.append(A.source == filters.source)
    if filters.published_after is not None:
        where.append(A.published_at >= filters.published_after)
    if filters.published_before is not None:
        where.append(A.published_at < filters.published_before)
    return where


def list_articles(
    session: Session,
    *,
    limit: int,
    cursor: str | None = None,
    filters: ArticleFilters = ArticleFilters(),
    sort: Sort | None = None,
    offsets: OffsetUnit = "codepoints",
) -> tuple[list[ArticleListItem], str | None]:
    """One page of summaries: by relevance (the default with `q`), newest or oldest first."""
    search = search_of(filters.q)
    sort = sort_for(search, sort)
    query: Any
    if sort == "relevance":
        assert search is not None
        ranked = matching(session, search, table="article", id_column=A.id).subquery("ranked")
        query = (
            select(*SUMMARY, ranked.c.score)
            .join(ranked, ranked.c.id == A.id)
            .where(*conditions(session, filters, search=None))
        )
        order: list[tuple[Any, bool]] = [(ranked.c.score, True), (A.id, False)]
        kinds: list[type] = [float, str]
    else:
        query = select(*SUMMARY, A.dated, A.sort_at).where(
            *conditions(session, filters, search=search)
        )
        order, kinds = by_date(sort), [bool, datetime, str]
    rows, next_cursor = paginate(
        session, query, order, limit=limit, cursor=cursor, kinds=kinds, rows=True
    )
    snippets: dict[str, Any] = {}
    if search is not None and rows:
        texts = session.execute(select(A.id, A.text).where(A.id.in_([r.id for r in rows])))
        snippets = {i: _snippet(text, search, offsets) for i, text in texts}
    items = [
        ArticleListItem.model_validate({**row._mapping, "snippet": snippets.get(row.id)})
        for row in rows
    ]
    return items, next_cursor


def _snippet(text: str, search: SearchQuery, unit: OffsetUnit) -> Snippet:
    snippet = make_snippet(text, search)
    if unit == "utf16":
        convert(snippet, text)
    return snippet


def count_articles(session: Session, filters: ArticleFilters) -> int:
    where = conditions(session, filters, search=search_of(filters.q))
    return count(session, select(A.id).where(*where))


def article_facets(
    session: Session, filters: ArticleFilters, *, facets: Sequence[ArticleFacet], size: int
) -> tuple[int, dict[str, list[FacetValue]]]:
    """The total of the filtered articles and, per facet, its most frequent values.

    A value's count is the number of filtered articles that have it: the `total` of
    /articles with that value added as a filter.
    """
    where = conditions(session, filters, search=search_of(filters.q))
    matched = select(A.id).where(*where)

    def within(column: Any) -> Any:
        return column.in_(matched) if where else true()

    queries: dict[str, Any] = {
        "entity": select(
            AE.entity_id.label("value"), E.name.label("label"), func.count().label("n")
        )
        .join(E, E.id == AE.entity_id)
        .where(within(AE.article_id))
        .group_by(AE.entity_id, E.name),
        "entity_type": _per_article(E.type, within(AE.article_id)),
        "country": _per_article(E.country_code, within(AE.article_id)),
        "speaker": select(
            Q.speaker_entity_id.label("value"),
            E.name.label("label"),
            func.count(distinct(Q.article_id)).label("n"),
        )
        .join(E, E.id == Q.speaker_entity_id)
        .where(within(Q.article_id))
        .group_by(Q.speaker_entity_id, E.name),
        "source": select(A.source.label("value"), A.source.label("label"), func.count().label("n"))
        .where(*where, A.source.is_not(None))
        .group_by(A.source),
    }
    if not where:  # the whole corpus: an entity keeps its own article count
        queries["entity"] = select(
            E.id.label("value"), E.name.label("label"), E.article_count.label("n")
        ).where(E.article_count > 0)
    total = count(session, matched)
    return total, {
        facet: facet_values(session, queries[facet], size=size) for facet in dict.fromkeys(facets)
    }


def _per_article(column: Any, where: Any) -> Any:
    """(value, value, articles having it) for an entity attribute."""
    return (
        select(
            column.label("value"),
            column.label("label"),
            func.count(distinct(AE.article_id)).label("n"),
        )
        .join(E, E.id == AE.entity_id)
        .where(where, column.is_not(None))
        .group_by(column)
    )


def article_histogram(
    session: Session, filters: ArticleFilters, *, interval: Interval
) -> Histogram:
    """Filtered articles per `interval` of publication, empty buckets included."""
    where = conditions(session, filters, search=search_of(filters.q))
    return histogram(
        session,
        select(A.published_at.label("published")).where(*where),
        interval=interval,
        bounds=date_bounds(filters.published_after, filters.published_before),
    )
