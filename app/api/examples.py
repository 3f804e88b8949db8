"""One example per request and response body, for the OpenAPI document.

Every example is built from the response models themselves (so it is valid by construction)
over one short made-up article, with offsets computed from its text.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel

from app.annotate.types import BlockKind, EntityType, QuoteKind
from app.api import schemas as s
from app.api.services.export import ARTICLE_COLUMNS, QUOTE_COLUMNS, csv_cell, csv_line
from app.store.entity_linking import entity_id_for
from app.store.keys import slugify

TITLE = "Harbour reopens after the storm"
OTHER_TITLE = "Storm closes the harbour"
READ_MORE = f"READ MORE: {OTHER_TITLE}"
QUOTED = "We are open again,"
TEXT = (
    f"{TITLE}\n\n"
    f'The harbour of Porto reopened on Monday. "{QUOTED}" said Mayor Ana Lopez.\n\n'
    f"{READ_MORE}"
)
ARTICLE_ID = "harbour-reopens"
OTHER_ID = "storm-closes-harbour"
PUBLISHED = datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
STORED = datetime(2024, 3, 5, 10, 2, tzinfo=UTC)
MAYOR = entity_id_for("PERSON", "Ana Lopez")
PORTO = entity_id_for("GPE", "Porto")
CURSOR = "WyIyMDI0LTAzLTA1VDA5OjMwOjAwKzAwOjAwIiwiaGFyYm91ci1yZW9wZW5zIl0"


def _span(part: str) -> s.TextSpan:
    start = TEXT.index(part)
    return s.TextSpan(start=start, end=start + len(part), text=part)


def _block(kind: BlockKind, part: str) -> s.BlockOut:
    span = _span(part)
    return s.BlockOut(kind=kind, start=span.start, end=span.end)


PARAGRAPH = TEXT.split("\n\n")[1]
STRUCTURE = s.StructureOut(
    title=_span(TITLE),
    standfirst=None,
    images=[],
    headings=[],
    paragraphs=[_span(PARAGRAPH)],
    read_more=[_span(READ_MORE)],
    source=None,
    blocks=[
        _block(BlockKind.title, TITLE),
        _block(BlockKind.paragraph, PARAGRAPH),
        _block(BlockKind.read_more, READ_MORE),
    ],
)
ENTITIES = [
    s.EntityMentions(
        id=MAYOR,
        name="Ana Lopez",
        type=EntityType.PERSON,
        aliases=[],
        mentions=[_span("Ana Lopez")],
        country_code=None,
        lat=None,
        lon=None,
    ),
    s.EntityMentions(
        id=PORTO,
        name="Porto",
        type=EntityType.GPE,
        aliases=[],
        mentions=[_span("Porto")],
        country_code="PT",
        lat=41.14961,
        lon=-8.61099,
    ),
]
SPEAKER = s.SpeakerRef(entity_id=MAYOR, name="Ana Lopez")
CUE = s.CueOut(text="said", lemma="say", start=_span("said").start, end=_span("said").end)
QUOTE = s.QuoteOut(
    id=f"{ARTICLE_ID}-q0",
    kind=QuoteKind.direct,
    text=QUOTED,
    start=_span(QUOTED).start,
    end=_span(QUOTED).end,
    speaker=SPEAKER,
    speaker_mention=_span("Ana Lopez"),
    cue=CUE,
    attribution_id="a1",
)
TARGET = s.ArticleRef(id=OTHER_ID, title=OTHER_TITLE, slug=slugify(OTHER_TITLE))
LINK = s.LinkOut(
    id=f"{ARTICLE_ID}-l0",
    title=OTHER_TITLE,
    start=_span(READ_MORE).start,
    end=_span(READ_MORE).end,
    url=None,
    resolved=True,
    target=TARGET,
    match_score=100.0,
)
DATES = [
    s.DateOut(
        start=_span("Monday").start, end=_span("Monday").end, text="Monday", value="2024-03-04"
    )
]
DOCUMENT = s.AnnotationDocument(
    text=TEXT, structure=STRUCTURE, entities=ENTITIES, quotes=[QUOTE], links=[LINK], dates=DATES
)
SUMMARY = s.ArticleSummary(
    id=ARTICLE_ID,
    slug=slugify(TITLE),
    title=TITLE,
    source=None,
    url="https://news.example.org/harbour-reopens",
    published_at=PUBLISHED,
    word_count=len(TEXT.split()),
    created_at=STORED,
    updated_at=STORED,
)
DETAIL = s.ArticleDetail(**SUMMARY.model_dump(), **DOCUMENT.model_dump())
SNIPPET = s.Snippet(
    text=PARAGRAPH[:40],
    start=_span(PARAGRAPH).start,
    end=_span(PARAGRAPH).start + 40,
    marked="The <mark>harbour</mark> of Porto reopened on…",
    highlights=[s.TextSpan(start=TEXT.index("harbour", 30), end=TEXT.index("harbour", 30) + 7,
                           text="harbour")],
)  # fmt: skip
LIST_ITEM = s.ArticleListItem(**SUMMARY.model_dump(), score=3.2, snippet=SNIPPET)
ENTITY = s.EntitySummary(
    id=MAYOR,
    name="Ana Lopez",
    type=EntityType.PERSON,
    aliases=["Lopez"],
    country_code=None,
    lat=None,
    lon=None,
    article_count=4,
    mention_count=9,
)
QUOTE_IN_ARTICLE = s.QuoteWithArticle(**QUOTE.model_dump(), article_id=ARTICLE_ID)
COUNTS = s.JobCounts(
    queued=1, annotated=1, stored=1, created=1, updated=0, unchanged=0, skipped=0, failed=0
)
JOB = s.JobOut(
    id="0f5c7c7e2a3b4d1e9b8a7c6d5e4f3a2b",
    state="running",
    origin="api",
    total=2,
    counts=COUNTS,
    failures=[],
)
NEXT = {"next": f"/articles?limit=1&cursor={CURSOR}", "next_cursor": CURSOR}

RESPONSES: dict[str, BaseModel | list[BaseModel]] = {
    "Health": s.Health(status="ok", version="0.1.0"),
    "Readiness": s.Readiness(
        ready=True,
        annotator_ready=True,
        loaded=2,
        total=2,
        counts={"created": 2, "unchanged": 0},
        error=None,
    ),
    "ArticleSearchPage": s.ArticleSearchPage(items=[LIST_ITEM], total=12, **NEXT),
    "ArticlePage": s.ArticlePage(items=[SUMMARY], **NEXT),
    "IngestOut": s.IngestOut(article=SUMMARY, outcome="created"),
    "JobOut": JOB,
    "Facets": s.Facets(
        total=12,
        facets={
            "entity": [s.FacetValue(value=MAYOR, label="Ana Lopez", count=4)],
            "country": [s.FacetValue(value="PT", label="Portugal", count=7)],
        },
    ),
    "Histogram": s.Histogram(
        interval="week",
        buckets=[
            s.Bucket(start=date(2024, 2, 26), count=3),
            s.Bucket(start=date(2024, 3, 4), count=0),
            s.Bucket(start=date(2024, 3, 11), count=8),
        ],
        undated=1,
    ),
    "ArticleDetail": DETAIL,
    "AnnotationDocument": DOCUMENT,
    "EntityMentions": ENTITIES,
    "QuoteOut": [QUOTE],
    "LinkOut": [LINK],
    "RelatedArticle": [
        s.RelatedArticle(
            article=TARGET,
            score=0.82,
            shared_entities=[
                s.SharedEntity(id=PORTO, name="Porto", type=EntityType.GPE, weight=0.82)
            ],
        )  # fmt: skip
    ],
    "EntityPage": s.EntityPage(items=[ENTITY], **NEXT),
    "EntityDetail": s.EntityDetail(
        **ENTITY.model_dump(),
        statement_count=6,
        co_occurring=[s.CoEntity(id=PORTO, name="Porto", type=EntityType.GPE, shared_articles=3)],
    ),
    "QuotePage": s.QuotePage(items=[QUOTE_IN_ARTICLE], **NEXT),
    "QuoteSearchPage": s.QuoteSearchPage(
        items=[s.QuoteListItem(**QUOTE_IN_ARTICLE.model_dump(), score=None, snippet=None)],
        total=None,
        **NEXT,
    ),
    "LinkPage": s.LinkPage(
        items=[s.LinkWithArticle(**LINK.model_dump(), article_id=ARTICLE_ID)], **NEXT
    ),  # fmt: skip
}

REQUESTS: dict[str, BaseModel] = {
    "ArticleIn": s.ArticleIn(
        id=ARTICLE_ID,
        text=TEXT,
        url="https://news.example.org/harbour-reopens",
        published_at=PUBLISHED,
    ),  # fmt: skip
    "AnnotateRequest": s.AnnotateRequest(text=TEXT, published_at=PUBLISHED),
    "JobIn": s.JobIn(documents=[s.ArticleIn(id=ARTICLE_ID, text=TEXT)]),
}


def _csv(columns: list[str], row: dict[str, Any]) -> str:
    return csv_line(columns) + csv_line([csv_cell(row[c]) for c in columns])


_QUOTE_ROW = {
    **QUOTE_IN_ARTICLE.model_dump(),
    "speaker_id": MAYOR,
    "speaker_name": "Ana Lopez",
    "cue": "said",
}
# Per operation, per media type: the first lines of an export.
EXPORTS: dict[str, dict[str, str]] = {
    "export_articles": {
        "application/x-ndjson": DETAIL.model_dump_json() + "\n",
        "text/csv": _csv(ARTICLE_COLUMNS, SUMMARY.model_dump()),
    },
    "export_quotes": {
        "application/x-ndjson": QUOTE_IN_ARTICLE.model_dump_json() + "\n",
        "text/csv": _csv(QUOTE_COLUMNS, _QUOTE_ROW),
    },
}
# Path parameters, by name.
PARAMETERS = {"article_id": ARTICLE_ID, "entity_id": MAYOR, "job_id": JOB.id}


def example_of(value: BaseModel | list[BaseModel]) -> Any:
    """The JSON of an example, as the API sends it."""
    if isinstance(value, list):
        return [item.model_dump(mode="json") for item in value]
    return value.model_dump(mode="json", exclude_none=isinstance(value, s.Problem))
