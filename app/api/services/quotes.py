"""Quotes across the corpus: search, filters that combine, counts, facets and histograms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from app.annotate.types import QuoteKind
from app.api.offsets import OffsetUnit
from app.api.pagination import paginate
from app.api.presenters import quote_fields, quote_out
from app.api.schemas import AttributionOut, FacetValue, Histogram, QuoteListItem
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
from app.api.services.articles import convert_offsets, get_article
from app.api.services.entities import get_entity
from app.api.snippets import make_snippet
from app.store import tables as models
from app.store.search import SearchQuery, match_condition, matching

A = models.Article
AE = models.ArticleEntity
E = models.Entity
Q = models.Quote
QuoteFacet = Literal["speaker", "kind", "cue"]


@dataclass(frozen=True)
class QuoteFilters:
    """Every filter of /quotes; they combine (all must hold)."""

    q: str | None = None
    speaker_id: str | None = None
    article_id: str | None = None
    kind: QuoteKind | None = None
    cue: str | None = None
    mentions: Sequence[str] = ()
    published_after: datetime | None = None
    published_before: datetime | None = None


def conditions(
    session: Session, filters: QuoteFilters, *, search: SearchQuery | None
) -> list[ColumnElement[bool]]:
    """The WHERE conditions on `quote` for `filters`, `search` being the parsed `q`."""
    where: list[ColumnElement[bool]] = []
    if search is not None:
        where.append(match_condition(session, search, table="quote", id_column=Q.id))
    if filters.speaker_id is not None:
        where.append(Q.speaker_entity_id == filters.speaker_id)
    if filters.article_id is not None:
        where.append(Q.article_id == filters.article_id)
    if filters.kind is not None:
        where.append(Q.kind == filters.kind.value)
    if filters.cue is not None:
        where.append(Q.cue_lemma == filters.cue)
    for entity_id in dict.fromkeys(filters.mentions):
        where.append(Q.article_id.in_(select(AE.article_id).where(AE.entity_id == entity_id)))
    dated = []
    if filters.published_after is not None:
        dated.append(A.published_at >= filters.published_after)
    if filters.published_before is not None:
        dated.append(A.published_at < filters.published_before)
    if dated:
        where.append(Q.article_id.in_(select(A.id).where(*dated)))
    return where


def list_quotes(
    session: Session,
    *,
    limit: int,
    cursor: str | None = None,
    filters: QuoteFilters = QuoteFilters(),
    sort: Sort | None = None,
    offsets: OffsetUnit = "codepoints",
) -> tuple[list[QuoteListItem], str | None]:
    """One page of quotes: by relevance (the default with `q`), by article (the default
    without), or by their article's date, newest or oldest first."""
    names: dict[str, str] = {}
    if filters.speaker_id:  # every quote's speaker: named once
        names[filters.speaker_id] = get_entity(session, entity_id=filters.speaker_id).name
    if filters.article_id:
        get_article(session, article_id=filters.article_id)
    search = search_of(filters.q)
    sort = sort_for(search, sort, default="relevance") if search or sort else None
    columns = [*Q.__table__.columns]  # type: ignore[attr-defined]
    query: Any
    if sort == "relevance":
        assert search is not None
        ranked = matching(session, search, table="quote", id_column=Q.id).subquery("ranked")
        query = (
            select(*columns, ranked.c.score)
            .join(ranked, ranked.c.id == Q.id)
            .where(*conditions(session, filters, search=None))
        )
        order: list[tuple[Any, bool]] = [(ranked.c.score, True), (Q.id, False)]
        kinds: list[type] = [float, str]
    elif sort is None:  # the order of the articles, then of the quotes in each
        query = select(*columns).where(*conditions(session, filters, search=search))
        order, kinds = [(Q.article_id, False), (Q.position, False)], [str, int]
    else:
        query = (
            select(*columns, A.dated, A.sort_at)
            .join(A, A.id == Q.article_id)
            .where(*conditions(session, filters, search=search))
        )
        order = [*by_date(sort, article_id=Q.article_id), (Q.position, False)]
        kinds = [bool, datetime, str, int]
    rows, next_cursor = paginate(
        session, query, order, limit=limit, cursor=cursor, kinds=kinds, rows=True
    )
    names = names or speaker_names(session, rows)
    items = [
        QuoteListItem(
            **quote_fields(row, names.get(row.speaker_entity_id or "")),
            article_id=row.article_id,
            score=getattr(row, "score", None),
            # Into the article's text, as the quote's own offsets are.
            snippet=make_snippet(row.text, search, offset=row.start) if search else None,
        )
        for row in rows
    ]
    convert_offsets(session, items, unit=offsets)
    return items, next_cursor


def list_attributions(
    session: Session,
    *,
    limit: int,
    cursor: str | None = None,
    filters: QuoteFilters = QuoteFilters(),
    offsets: OffsetUnit = "codepoints",
) -> tuple[list[AttributionOut], str | None]:
    """One page of statements (one per attribution) having a segment that matches every
    filter, each with all its segments, in article order."""
    if filters.speaker_id:
        get_entity(session, entity_id=filters.speaker_id)
    if filters.article_id:
        get_article(session, article_id=filters.article_id)
    head, member = aliased(Q), aliased(Q)
    matching = select(Q.article_id, Q.attribution_id).where(
        *conditions(session, filters, search=search_of(filters.q))
    )
    first = (
        select(func.min(member.position))
        .where(member.article_id == head.article_id, member.attribution_id == head.attribution_id)
        .scalar_subquery()
    )
    query = select(head).where(
        head.position == first, tuple_(head.article_id, head.attribution_id).in_(matching)
    )
    order: list[tuple[Any, bool]] = [(head.article_id, False), (head.position, False)]
    heads, next_cursor = paginate(
        session, query, order, limit=limit, cursor=cursor, kinds=[str, int]
    )
    wanted = {(h.article_id, h.attribution_id) for h in heads}
    groups: dict[tuple[str, str], list[Any]] = {key: [] for key in wanted}
    for row in session.scalars(
        select(Q).where(Q.article_id.in_({h.article_id for h in heads})).order_by(Q.position)
    ):
        if (row.article_id, row.attribution_id) in wanted:
            groups[(row.article_id, row.attribution_id)].append(row)
    names = speaker_names(session, [row for rows in groups.values() for row in rows])
    statements = [_statement(groups[(h.article_id, h.attribution_id)], names) for h in heads]
    convert_offsets(session, statements, unit=offsets)
    return statements, next_cursor


KIND_STRENGTH = {QuoteKind.direct: 0, QuoteKind.partial: 1, QuoteKind.indirect: 2}


def _statement(rows: list[Any], names: dict[str, str]) -> AttributionOut:
    segments = [quote_out(r, names.get(r.speaker_entity_id or "")) for r in rows]
    voiced = next((s for s in segments if s.speaker_mention is not None), segments[0])
    cued = next((s for s in segments if s.cue is not None), segments[0])
    return AttributionOut(
        attribution_id=rows[0].attribution_id,
        article_id=rows[0].article_id,
        kind=min((s.kind for s in segments), key=KIND_STRENGTH.__getitem__),
        start=min(s.start for s in segments),
        end=max(s.end for s in segments),
        speaker=voiced.speaker,
        speaker_mention=voiced.speaker_mention,
        cue=cued.cue,
        segments=segments,
    )


def speaker_names(session: Session, rows: Sequence[Any]) -> dict[str, str]:
    ids = {r.speaker_entity_id for r in rows if r.speaker_entity_id}
    if not ids:
        return {}
    return dict(session.execute(select(E.id, E.name).where(E.id.in_(ids))).all())  # type: ignore[arg-type]


def count_quotes(session: Session, filters: QuoteFilters) -> int:
    where = conditions(session, filters, search=search_of(filters.q))
    return count(session, select(Q.id).where(*where))


def count_attributions(session: Session, filters: QuoteFilters) -> int:
    """Statements having a segment that matches every filter, as `list_attributions` pages."""
    where = conditions(session, filters, search=search_of(filters.q))
    return count(session, select(Q.article_id, Q.attribution_id).where(*where).distinct())


def quote_facets(
    session: Session, filters: QuoteFilters, *, facets: Sequence[QuoteFacet], size: int
) -> tuple[int, dict[str, list[FacetValue]]]:
    """The total of the filtered quotes and, per facet, its most frequent values; a value's
    count is the `total` of /quotes with that value added as a filter."""
    where = conditions(session, filters, search=search_of(filters.q))
    queries: dict[str, Any] = {
        "speaker": select(
            Q.speaker_entity_id.label("value"), E.name.label("label"), func.count().label("n")
        )
        .join(E, E.id == Q.speaker_entity_id)
        .where(*where)
        .group_by(Q.speaker_entity_id, E.name),
        "kind": _by(Q.kind, where),
        "cue": _by(Q.cue_lemma, where),
    }
    total = count(session, select(Q.id).where(*where))
    return total, {
        facet: facet_values(session, queries[facet], size=size) for facet in dict.fromkeys(facets)
    }


def _by(column: Any, where: list[ColumnElement[bool]]) -> Any:
    return (
        select(column.label("value"), column.label("label"), func.count().label("n"))
        .where(*where, column.is_not(None))
        .group_by(column)
    )


def quote_histogram(session: Session, filters: QuoteFilters, *, interval: Interval) -> Histogram:
    """Filtered quotes per `interval` of their article's publication, empty buckets included."""
    where = conditions(session, filters, search=search_of(filters.q))
    return histogram(
        session,
        select(A.published_at.label("published"))
        .select_from(Q)
        .join(A, A.id == Q.article_id)
        .where(*where),
        interval=interval,
        bounds=date_bounds(filters.published_after, filters.published_before),
    )
