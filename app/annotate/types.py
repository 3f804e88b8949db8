"""Plain data objects produced by the pure annotation code.

Every span is a pair of code-point offsets into the normalised article text
(`Annotation.text`), end exclusive, so `text[start:end]` is the span's text.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field


class Span(BaseModel):
    start: int
    end: int
    text: str


class BlockKind(str, Enum):
    title = "title"
    standfirst = "standfirst"
    image = "image"
    heading = "heading"
    paragraph = "paragraph"
    read_more = "read_more"
    source = "source"


class Image(BaseModel):
    """A picture: its caption line and, when given, the credit such as `AFP`."""

    caption: Span
    credit: Span | None = None
    # The whole region the image occupies, including a repeated caption line.
    start: int
    end: int


class Block(BaseModel):
    """One structural unit of the article, in reading order."""

    kind: BlockKind
    start: int
    end: int
    text: str


class Structure(BaseModel):
    title: Span | None = None
    standfirst: Span | None = None
    images: list[Image] = Field(default_factory=list)
    headings: list[Span] = Field(default_factory=list)
    paragraphs: list[Span] = Field(default_factory=list)
    read_more: list[Span] = Field(default_factory=list)
    source: Span | None = None
    # All of the above in reading order (an image as the region of its caption lines).
    blocks: list[Block] = Field(default_factory=list)


class EntityType(str, Enum):
    """The OntoNotes labels an entity keeps, in the order that breaks ties between them."""

    PERSON = "PERSON"
    GPE = "GPE"
    LOC = "LOC"
    FAC = "FAC"
    ORG = "ORG"
    NORP = "NORP"
    EVENT = "EVENT"
    PRODUCT = "PRODUCT"
    WORK_OF_ART = "WORK_OF_ART"
    LAW = "LAW"
    LANGUAGE = "LANGUAGE"


class Mention(BaseModel):
    start: int
    end: int
    text: str


class Entity(BaseModel):
    """One real-world thing an article mentions, with every mention of it."""

    key: str  # local to one annotation: "e1", "e2", ...
    name: str  # canonical name, the fullest form the article uses
    type: str  # OntoNotes label: PERSON, ORG, GPE, LOC, NORP, FAC, EVENT, ...
    aliases: list[str] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    country_code: str | None = None
    lat: float | None = None
    lon: float | None = None


class DateMention(BaseModel):
    start: int
    end: int
    text: str
    value: str | None = None  # ISO 8601, as precise as the text: 2020-07-22, 2019-04, 2015


class QuoteKind(str, Enum):
    direct = "direct"
    partial = "partial"
    indirect = "indirect"


class Cue(BaseModel):
    start: int
    end: int
    text: str
    lemma: str


class Quote(BaseModel):
    kind: QuoteKind
    start: int
    end: int
    text: str
    speaker_mention: Span | None = None
    speaker_key: str | None = None  # Entity.key of the resolved speaker
    cue: Cue | None = None
    # Segments of one statement share it (`a1`, `a2`... within the article).
    attribution_id: str | None = None


class LinkKind(str, Enum):
    read_more = "read_more"


class Link(BaseModel):
    kind: LinkKind = LinkKind.read_more
    title: str
    start: int
    end: int
    url: str | None = None


class Annotation(BaseModel):
    text: str
    structure: Structure
    entities: list[Entity] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    dates: list[DateMention] = Field(default_factory=list)
