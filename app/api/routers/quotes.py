"""Quotes across the corpus: search, filters, counts, facets and histograms."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from app.annotate.types import QuoteKind
from app.api.conditional import CorpusVersion
from app.api.deps import (
    AfterQuery,
    CountQuery,
    CursorQuery,
    FacetSizeQuery,
    IntervalQuery,
    LimitQuery,
    SessionDep,
)
from app.api.offsets import OffsetsQuery
from app.api.openapi import export_responses, problems
from app.api.paging import next_page
from app.api.schemas import AttributionPage, Facets, Histogram, QuoteSearchPage
from app.api.services import export as export_service
from app.api.services import quotes as quote_service
from app.api.services.analytics import Sort
from app.api.services.quotes import QuoteFacet, QuoteFilters
from app.api.validation import IsoDateTime, QueryText, text_query

router = APIRouter(prefix="/quotes", tags=["quotes"])


async def quote_filters(
    q: Annotated[
        str | None,
        text_query(
            'Full-text search of the quote: words, "an exact phrase", `OR`, '
            "`-word`. English stemming."
        ),
    ] = None,
    speaker_id: Annotated[str | None, text_query("Entity id of the speaker.")] = None,
    article_id: Annotated[str | None, text_query("Quotes of this article.")] = None,
    kind: Annotated[
        QuoteKind | None, Query(description="Only quotes of this kind: direct, partial, indirect.")
    ] = None,
    cue: Annotated[str | None, text_query("Lemma of the cue verb, e.g. `say`.")] = None,
    mentions: Annotated[
        list[QueryText],
        Query(
            description="Entity ids the quote's article mentions; repeat: all must appear.",
            max_length=20,
        ),
    ] = [],  # noqa: B006  (FastAPI copies the default)
    published_after: Annotated[
        IsoDateTime | None, Query(description="The article's publication, inclusive.")
    ] = None,
    published_before: Annotated[
        IsoDateTime | None, Query(description="The article's publication, exclusive.")
    ] = None,
) -> QuoteFilters:
    """The filters of /quotes, shared by the list, its facets, histogram and export."""
    return QuoteFilters(
        q=q,
        speaker_id=speaker_id,
        article_id=article_id,
        kind=kind,
        cue=cue,
        mentions=tuple(mentions),
        published_after=published_after,
        published_before=published_before,
    )


QuoteFiltersDep = Annotated[QuoteFilters, Depends(quote_filters)]


@router.get(
    "",
    operation_id="list_quotes",
    response_model=QuoteSearchPage | AttributionPage,
    responses=problems(404, 422),
    dependencies=[CorpusVersion],
)
def list_quotes(
    request: Request,
    response: Response,
    session: SessionDep,
    filters: QuoteFiltersDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
    sort: Annotated[
        Sort | None,
        Query(
            description="`relevance` (the default with `q`), or `newest`/`oldest` by the "
            "article's date, undated articles last; without either, in article order."
        ),
    ] = None,
    count: CountQuery = False,
    group: Annotated[
        Literal["attribution"] | None,
        Query(
            description="Without it, one item per quotation segment (`QuoteSearchPage`, for "
            "highlighting). With `attribution`, one item per statement with all its segments "
            "(`AttributionPage`, for counting who said what), in article order: the filters "
            "select the statements having a matching segment."
        ),
    ] = None,
    offsets: OffsetsQuery = "codepoints",
) -> QuoteSearchPage | AttributionPage:
    """Quotes matching every filter; with `q`, ranked, each with a snippet. With
    `group=attribution`, statements with their segments."""
    if group == "attribution":
        statements, cursor_next = quote_service.list_attributions(
            session, limit=limit, cursor=cursor, filters=filters, offsets=offsets
        )
        return AttributionPage(
            items=statements,
            **next_page(request, response, cursor_next),
            total=quote_service.count_attributions(session, filters) if count else None,
        )
    items, cursor_next = quote_service.list_quotes(
        session, limit=limit, cursor=cursor, filters=filters, sort=sort, offsets=offsets
    )
    return QuoteSearchPage(
        items=items,
        **next_page(request, response, cursor_next),
        total=quote_service.count_quotes(session, filters) if count else None,
    )


@router.get(
    "/facets",
    operation_id="quote_facets",
    response_model=Facets,
    responses=problems(422),
    dependencies=[CorpusVersion],
)
def quote_facets(
    session: SessionDep,
    filters: QuoteFiltersDep,
    facet: Annotated[
        list[QuoteFacet], Query(description="The facets to count; repeat for several.")
    ] = ["speaker"],  # noqa: B006
    size: FacetSizeQuery = 10,
) -> Facets:
    """The most frequent speakers, kinds and cues among the filtered quotes, with counts."""
    total, facets = quote_service.quote_facets(session, filters, facets=facet, size=size)
    return Facets(total=total, facets=facets)


@router.get(
    "/histogram",
    operation_id="quote_histogram",
    response_model=Histogram,
    responses=problems(422),
    dependencies=[CorpusVersion],
)
def quote_histogram(
    session: SessionDep, filters: QuoteFiltersDep, interval: IntervalQuery = "month"
) -> Histogram:
    """Filtered quotes per day, week, month or year of their article's publication."""
    return quote_service.quote_histogram(session, filters, interval=interval)


@router.get(
    "/export",
    operation_id="export_quotes",
    response_class=StreamingResponse,
    responses=export_responses(
        "Every match, in id order: one quote a line (NDJSON), or CSV "
        "(article, id, speaker id and name, kind, text, cue, start, end)."
    ),
)
def export_quotes(
    request: Request,
    filters: QuoteFiltersDep,
    after: AfterQuery = None,
    offsets: OffsetsQuery = "codepoints",
) -> Response:
    """Stream every quote matching the filters, without a cap; resume with `after`."""
    fmt = export_service.negotiate(request.headers.get("accept"))
    rows = export_service.export_quotes(
        request.app.state.engine, filters, after=after, fmt=fmt, offsets=offsets
    )
    return export_service.stream(request, rows, fmt, name="quotes")
