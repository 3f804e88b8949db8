"""Request and response models: what clients generated from the OpenAPI document see."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.annotate.types import BlockKind, EntityType, LinkKind, QuoteKind
from app.ingest.records import ArticleRecord, DocumentFields

T = TypeVar("T")


class Out(BaseModel):
    """A response body. Every field is always sent (null when it has no value), so the
    OpenAPI document lists every field as required and generated clients need no checks."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class Problem(BaseModel):
    """An error, as RFC 9457 `application/problem+json`."""

    model_config = ConfigDict(json_schema_extra=lambda schema: _optional_members(schema))

    type: str = Field(default="about:blank", examples=["about:blank"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["No article with id 'x'."])
    instance: str | None = None
    errors: list[ProblemError] | None = Field(
        default=None, description="Each invalid field, for validation errors."
    )


def _optional_members(schema: dict[str, Any]) -> None:
    """`instance` and `errors` are left out when empty, the rest is always sent: only they are
    optional (without a `default`, which TypeScript generators read as always present)."""
    schema["required"] = ["type", "title", "status", "detail"]
    for name in ("instance", "errors"):
        schema["properties"][name].pop("default", None)


class ProblemError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Page(Out, Generic[T]):
    items: list[T]
    next: str | None = Field(description="URL of the next page, or null on the last page.")
    next_cursor: str | None = Field(
        description="The `cursor` of the next page (what `next` passes), or null on the last page."
    )


# --- Annotation document -------------------------------------------------------------


class TextSpan(Out):
    start: int = Field(
        description="Offset into `text`, inclusive: in code points, or in UTF-16 code units "
        "with `offsets=utf16`."
    )
    end: int = Field(description="Offset into `text`, exclusive, in the same unit.")
    text: str


class ImageOut(Out):
    caption: TextSpan
    credit: TextSpan | None = None
    start: int
    end: int


class BlockOut(Out):
    kind: BlockKind
    start: int
    end: int


class StructureOut(Out):
    title: TextSpan | None = None
    standfirst: TextSpan | None = None
    images: list[ImageOut] = []
    headings: list[TextSpan] = []
    paragraphs: list[TextSpan] = []
    read_more: list[TextSpan] = []
    source: TextSpan | None = None
    blocks: list[BlockOut] = Field(default=[], description="Every part, in reading order.")


class EntityMentions(Out):
    id: str = Field(description="Stored entity id; in POST /annotate, an id local to the response.")
    name: str
    type: EntityType = Field(examples=["PERSON"])
    aliases: list[str] = []
    mentions: list[TextSpan] = []
    country_code: str | None = Field(default=None, examples=["LY"])
    lat: float | None = None
    lon: float | None = None


class SpeakerRef(Out):
    entity_id: str
    name: str


class CueOut(Out):
    text: str
    lemma: str
    start: int
    end: int


SPEAKER_MENTION = Field(
    default=None,
    description="The words naming the speaker as the cue's subject, as written: a name, a "
    'description, or a pronoun ("she", "who") whose person is `speaker`.',
)


class QuoteOut(Out):
    id: str
    kind: QuoteKind
    text: str
    start: int
    end: int
    speaker: SpeakerRef | None = None
    speaker_mention: TextSpan | None = SPEAKER_MENTION
    cue: CueOut | None = None
    attribution_id: str = Field(
        description="The statement this segment belongs to, unique within its article: the "
        'quotations of one cue (`"A," she said, "B."`), a quotation continuing its '
        "speaker's previous one, and a quoted fragment inside its reported clause share it.",
        examples=["a1"],
    )


class ArticleRef(Out):
    id: str
    title: str
    slug: str


class LinkOut(Out):
    id: str
    kind: LinkKind = LinkKind.read_more
    title: str
    start: int
    end: int
    url: str | None = None
    resolved: bool
    target: ArticleRef | None = Field(default=None, description="The stored article linked to.")
    match_score: float | None = Field(
        default=None, description="Title similarity of the match, 0–100 (100: same title)."
    )


class DateOut(Out):
    start: int
    end: int
    text: str
    value: str | None = Field(default=None, description="ISO 8601, as precise as the text.")


class AnnotationDocument(Out):
    """Everything Gazette knows about one text; every span is offsets into `text`."""

    text: str
    structure: StructureOut
    entities: list[EntityMentions] = []
    quotes: list[QuoteOut] = []
    links: list[LinkOut] = []
    dates: list[DateOut] = []


class AnnotateRequest(DocumentFields):
    # Nothing is stored: a field it does not take is a mistake worth a 422.
    model_config = ConfigDict(extra="forbid")


# --- Articles ---------------------------------------------------------------------------


class ArticleIn(ArticleRecord):
    """An article to store, as `POST /articles` and `POST /jobs` take it and as
    `python -m app load` reads a JSONL line. Fields not named here are ignored, so that a
    line of a JSONL corpus, with its own annotations and metadata, posts as it is; without
    a `title`, `meta.title` is the title."""


class ArticleSummary(Out):
    @field_validator("published_at", "created_at", "updated_at", mode="after")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        # SQLite hands back naive datetimes; everything is stored in UTC.
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    id: str
    slug: str
    title: str
    source: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    word_count: int
    created_at: datetime
    updated_at: datetime


class ArticleDetail(AnnotationDocument, ArticleSummary):
    pass


class Snippet(Out):
    """The passage of a search hit that best shows the match."""

    text: str = Field(description="The passage, as it stands in the text.")
    start: int = Field(description="Offset of the passage in the article's `text`, inclusive.")
    end: int = Field(description="Offset of the passage in the article's `text`, exclusive.")
    marked: str = Field(
        description="The passage as HTML-escaped text with the matched words in `<mark>`, "
        "with `…` where it is cut."
    )
    highlights: list[TextSpan] = Field(
        description="The matched words and phrases, as offsets into the article's `text`."
    )


class ArticleListItem(ArticleSummary):
    score: float | None = Field(default=None, description="Relevance, with `q`: higher is better.")
    snippet: Snippet | None = Field(default=None, description="With `q`: where it matched.")


class IngestOut(Out):
    article: ArticleSummary
    outcome: Literal["created", "updated", "unchanged"]


# --- Entities ---------------------------------------------------------------------------


class EntitySummary(Out):
    id: str
    name: str
    type: EntityType
    aliases: list[str] = []
    country_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    article_count: int
    mention_count: int


class CoEntity(Out):
    id: str
    name: str
    type: EntityType
    shared_articles: int = Field(description="Articles that mention both entities.")


class EntityDetail(EntitySummary):
    statement_count: int = Field(
        default=0,
        description="Statements attributed to the entity: the quote segments of one "
        "attribution (a quoted fragment inside its reported clause included) count once.",
    )
    co_occurring: list[CoEntity] = Field(
        default=[], description="The entities that most often appear in the same articles."
    )


class QuoteWithArticle(QuoteOut):
    article_id: str


class QuoteListItem(QuoteWithArticle):
    score: float | None = Field(default=None, description="Relevance, with `q`: higher is better.")
    snippet: Snippet | None = Field(default=None, description="With `q`: where it matched.")


class SharedEntity(Out):
    id: str
    name: str
    type: EntityType
    weight: float = Field(description="How specific the entity is: rarer entities weigh more.")


class RelatedArticle(Out):
    article: ArticleRef
    score: float
    shared_entities: list[SharedEntity]


class LinkWithArticle(LinkOut):
    article_id: str


# --- System -----------------------------------------------------------------------------


class Health(Out):
    status: Literal["ok"] = "ok"
    version: str


class Readiness(Out):
    ready: bool = Field(
        description="The stored corpus can be served: the seed load is done and the database "
        "answers."
    )
    annotator_ready: bool = Field(
        description="A model is loaded to annotate with. Until then an annotation (POST "
        "/annotate, POST /articles) waits for it; it loads in the seconds after startup."
    )
    loaded: int = Field(description="Seed documents processed so far.")
    total: int = Field(description="Seed documents found.")
    counts: dict[str, int] = Field(description="Outcomes so far: created, unchanged, skipped, ...")
    error: str | None = None


class ArticlePage(Page[ArticleSummary]):
    pass


class ArticleSearchPage(Page[ArticleListItem]):
    total: int | None = Field(default=None, description="Every match, with `count=true`.")


class EntityPage(Page[EntitySummary]):
    pass


class QuotePage(Page[QuoteWithArticle]):
    pass


class AttributionOut(Out):
    """One statement: a cue and speaker act, with every quote segment that belongs to it."""

    attribution_id: str = Field(examples=["a1"])
    article_id: str
    kind: QuoteKind = Field(
        description="The strongest kind of its segments: direct, partial, indirect."
    )
    start: int = Field(description="Start of its first segment.")
    end: int = Field(description="End of its last segment.")
    speaker: SpeakerRef | None = None
    speaker_mention: TextSpan | None = SPEAKER_MENTION
    cue: CueOut | None = None
    segments: list[QuoteOut]


class AttributionPage(Page[AttributionOut]):
    """With `group=attribution`: one item per statement, its segments inside; what a count of
    who said what counts."""

    total: int | None = Field(
        default=None, description="Every matching statement, with `count=true`."
    )


class QuoteSearchPage(Page[QuoteListItem]):
    total: int | None = Field(default=None, description="Every match, with `count=true`.")


class FacetValue(Out):
    value: str
    label: str
    count: int = Field(description="Matches with this value: the `total` with it as a filter.")


class Facets(Out):
    total: int = Field(description="Every match of the filters.")
    facets: dict[str, list[FacetValue]]


class Bucket(Out):
    start: date = Field(description="First day of the bucket.")
    count: int


class Histogram(Out):
    interval: Literal["day", "week", "month", "year"]
    buckets: list[Bucket] = Field(description="In date order, empty buckets included.")
    undated: int = Field(description="Matches without a publication date.")


class LinkPage(Page[LinkWithArticle]):
    pass


Problem.model_rebuild()


# --- Jobs -------------------------------------------------------------------------------


class JobIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[ArticleIn] = Field(
        min_length=1, description="The documents to ingest, each as `POST /articles` takes it."
    )


class JobCounts(Out):
    queued: int = Field(description="Not done yet (waiting, or being annotated or stored).")
    annotated: int = Field(description="Annotated so far (stored or about to be).")
    stored: int = Field(description="Stored: created or updated.")
    created: int
    updated: int
    unchanged: int = Field(description="Already stored with the same content: not annotated.")
    skipped: int = Field(description="Not ingested: empty, unreadable, or an id used twice.")
    failed: int = Field(description="Could not be annotated or stored (see `failures`).")


class JobProblem(Out):
    position: int = Field(description="The document's place in the job, from 0.")
    status: Literal["failed", "skipped"]
    id: str | None = None
    origin: str | None = None
    reason: str | None = None


class JobOut(Out):
    id: str
    state: Literal["queued", "running", "completed", "failed"]
    origin: str | None = Field(default=None, description="api, seed or cli.")
    total: int
    counts: JobCounts
    failures: list[JobProblem] = Field(
        description="Failed and skipped documents with the reason (the first 100)."
    )
