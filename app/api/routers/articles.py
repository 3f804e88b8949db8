"""Articles: list, detail, ingest, delete, and each annotation layer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse, StreamingResponse

from app.api.bodies import read_document_body, within_work_budget
from app.api.conditional import CorpusVersion, serve_document
from app.api.deps import (
    AfterQuery,
    AnnotatorDep,
    CountQuery,
    CursorQuery,
    FacetSizeQuery,
    IntervalQuery,
    LimitQuery,
    SessionDep,
    SettingsDep,
)
from app.api.offsets import OffsetsQuery
from app.api.openapi import export_responses, openapi_body, problems
from app.api.paging import next_page
from app.api.schemas import (
    ArticleDetail,
    ArticleIn,
    ArticleSearchPage,
    EntityMentions,
    Facets,
    Histogram,
    IngestOut,
    JobOut,
    LinkOut,
    QuoteOut,
    RelatedArticle,
)
from app.api.security import WriteKey
from app.api.services import article_lists as list_service
from app.api.services import export as export_service
from app.api.services import ingest as ingest_service
from app.api.services import jobs as job_service
from app.api.services import links as link_service
from app.api.services.analytics import Sort
from app.api.services.article_lists import ArticleFacet, ArticleFilters
from app.api.validation import ArticleIdPath, IsoDateTime, QueryText, text_query

router = APIRouter(prefix="/articles", tags=["articles"])


async def article_filters(
    q: Annotated[
        str | None,
        text_query(
            "Full-text search of title and text: words (all must appear), "
            '"an exact phrase", `OR` between two terms, `-word` to exclude. English stemming.'
        ),
    ] = None,
    entity_id: Annotated[
        list[QueryText],
        Query(description="Only articles mentioning it; repeat: all must appear.", max_length=20),
    ] = [],  # noqa: B006  (FastAPI copies the default)
    entity_type: Annotated[
        str | None, text_query("Only articles mentioning an entity of this type.")
    ] = None,
    country: Annotated[
        str | None,
        Query(
            pattern="^[A-Za-z]{2}$",
            description="ISO 3166 code of a country a place the article mentions lies in.",
        ),
    ] = None,
    speaker_id: Annotated[
        str | None, text_query("Only articles with a quote by this entity.")
    ] = None,
    source: Annotated[str | None, text_query("The article's source line, exactly.")] = None,
    published_after: Annotated[IsoDateTime | None, Query(description="Inclusive.")] = None,
    published_before: Annotated[IsoDateTime | None, Query(description="Exclusive.")] = None,
) -> ArticleFilters:
    """The filters of /articles, shared by the list, its facets, histogram and export."""
    return ArticleFilters(
        q=q,
        entity_ids=tuple(entity_id),
        entity_type=entity_type,
        country=country.upper() if country else None,
        speaker_id=speaker_id,
        source=source,
        published_after=published_after,
        published_before=published_before,
    )


ArticleFiltersDep = Annotated[ArticleFilters, Depends(article_filters)]


@router.get(
    "",
    operation_id="list_articles",
    response_model=ArticleSearchPage,
    responses=problems(422),
    dependencies=[CorpusVersion],
)
def list_articles(
    request: Request,
    response: Response,
    session: SessionDep,
    filters: ArticleFiltersDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
    sort: Annotated[
        Sort | None,
        Query(
            description="`relevance` (the default with `q`), `newest` (the default without) or "
            "`oldest` by publication date, undated articles last either way."
        ),
    ] = None,
    count: CountQuery = False,
    offsets: OffsetsQuery = "codepoints",
) -> ArticleSearchPage:
    """Article summaries matching every filter; with `q`, ranked, each with a snippet."""
    items, cursor_next = list_service.list_articles(
        session, limit=limit, cursor=cursor, filters=filters, sort=sort, offsets=offsets
    )
    return ArticleSearchPage(
        items=items,
        **next_page(request, response, cursor_next),
        total=list_service.count_articles(session, filters) if count else None,
    )


@router.get(
    "/facets",
    operation_id="article_facets",
    response_model=Facets,
    responses=problems(422),
    dependencies=[CorpusVersion],
)
def article_facets(
    session: SessionDep,
    filters: ArticleFiltersDep,
    facet: Annotated[
        list[ArticleFacet], Query(description="The facets to count; repeat for several.")
    ] = ["entity"],  # noqa: B006
    size: FacetSizeQuery = 10,
) -> Facets:
    """The most frequent values of each facet among the filtered articles, with counts."""
    total, facets = list_service.article_facets(session, filters, facets=facet, size=size)
    return Facets(total=total, facets=facets)


@router.get(
    "/histogram",
    operation_id="article_histogram",
    response_model=Histogram,
    responses=problems(422),
    dependencies=[CorpusVersion],
)
def article_histogram(
    session: SessionDep, filters: ArticleFiltersDep, interval: IntervalQuery = "month"
) -> Histogram:
    """Filtered articles per day, week, month or year of publication, oldest first."""
    return list_service.article_histogram(session, filters, interval=interval)


@router.get(
    "/export",
    operation_id="export_articles",
    response_class=StreamingResponse,
    responses=export_responses(
        "Every match, in id order: one article with its annotations a "
        "line (NDJSON), or the summary columns (CSV)."
    ),
)
def export_articles(
    request: Request,
    filters: ArticleFiltersDep,
    after: AfterQuery = None,
    offsets: OffsetsQuery = "codepoints",
) -> Response:
    """Stream every article matching the filters, without a cap; resume with `after`."""
    fmt = export_service.negotiate(request.headers.get("accept"))
    rows = export_service.export_articles(
        request.app.state.engine, filters, after=after, fmt=fmt, offsets=offsets
    )
    return export_service.stream(request, rows, fmt, name="articles")


@router.post(
    "",
    operation_id="create_article",
    dependencies=[WriteKey],
    response_model=IngestOut,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=openapi_body(ArticleIn),
    responses={
        200: {"model": IngestOut, "description": "Replaced, or unchanged."},
        202: {"model": JobOut, "description": "With `async=true`: accepted as a job."},
        **problems(413, 415, 422, 503),
    },
)
async def create_article(
    request: Request,
    response: Response,
    settings: SettingsDep,
    annotator: AnnotatorDep,
    run_async: Annotated[
        bool,
        Query(
            alias="async",
            description="Answer at once with a job (202) instead of waiting for the article.",
        ),
    ] = False,
) -> IngestOut | JSONResponse:
    """Ingest one article; the same id replaces it.

    The body is an `ArticleIn` as JSON, or the text alone as `text/plain`.
    """
    document = await read_document_body(request, ArticleIn, max_chars=settings.max_document_chars)
    if run_async:
        job = await job_service.submit_async(
            request.app.state.engine,
            request.app.state.runner,
            [document],
            batch_size=settings.batch_size,
        )
        location = str(request.url_for("get_job", job_id=job.id))
        return JSONResponse(
            job.model_dump(mode="json"), status_code=202, headers={"Location": location}
        )
    async with request.app.state.annotation_slots.slot():
        result = await within_work_budget(
            ingest_service.ingest_one(request.app.state.engine, document, annotator=annotator)
        )
    if result.outcome != "created":
        response.status_code = status.HTTP_200_OK
    # A path, not a URL: the client's `Host` header is never echoed back.
    response.headers["Location"] = request.url_for("get_article", article_id=result.article.id).path
    return result


@router.get(
    "/{article_id}",
    operation_id="get_article",
    response_model=ArticleDetail,
    responses=problems(404),
)
async def get_article(
    article_id: ArticleIdPath, request: Request, offsets: OffsetsQuery = "codepoints"
) -> Response:
    """The article with its text, structure, entities, quotes, links and dates."""
    return await serve_document(request, article_id=article_id, layer="detail", offsets=offsets)


@router.delete(
    "/{article_id}",
    operation_id="delete_article",
    dependencies=[WriteKey],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(404),
)
def delete_article(article_id: ArticleIdPath, request: Request) -> Response:
    """Delete the article; links from other articles to it become unresolved."""
    ingest_service.delete_one(request.app.state.engine, article_id=article_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{article_id}/entities",
    operation_id="list_article_entities",
    response_model=list[EntityMentions],
    responses=problems(404),
)
async def list_article_entities(
    article_id: ArticleIdPath, request: Request, offsets: OffsetsQuery = "codepoints"
) -> Response:
    """The article's entities, each with its mentions (offsets into the article text)."""
    return await serve_document(request, article_id=article_id, layer="entities", offsets=offsets)


@router.get(
    "/{article_id}/quotes",
    operation_id="list_article_quotes",
    response_model=list[QuoteOut],
    responses=problems(404),
)
async def list_article_quotes(
    article_id: ArticleIdPath, request: Request, offsets: OffsetsQuery = "codepoints"
) -> Response:
    """Who said what in the article."""
    return await serve_document(request, article_id=article_id, layer="quotes", offsets=offsets)


@router.get(
    "/{article_id}/links",
    operation_id="list_article_links",
    response_model=list[LinkOut],
    responses=problems(404),
)
async def list_article_links(
    article_id: ArticleIdPath, request: Request, offsets: OffsetsQuery = "codepoints"
) -> Response:
    """The article's READ MORE links, resolved to stored articles where they exist."""
    return await serve_document(request, article_id=article_id, layer="links", offsets=offsets)


@router.get(
    "/{article_id}/related",
    operation_id="list_related_articles",
    response_model=list[RelatedArticle],
    dependencies=[CorpusVersion],
    responses=problems(404),
)
def list_related_articles(
    article_id: ArticleIdPath,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=50, description="How many related articles, 1–50.")] = 10,
) -> list[RelatedArticle]:
    """Articles that share the most specific entities with this one, with the evidence."""
    return link_service.related_articles(session, article_id=article_id, limit=limit)
