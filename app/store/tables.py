"""Tables. The schema is made only by the Alembic migrations in `migrations/`.

Annotations are stand-off: every `start`/`end` pair is a code-point offset
range into `article.text`.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as UTC on every backend, read back as aware UTC.

    SQLite keeps no offset: without this, 10:00+05:00 would be stored, compared and
    served as 10:00 UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)


def _when(*, nullable: bool = False, index: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable, index=index)


def _article_fk(*, nullable: bool = False, ondelete: str = "CASCADE") -> Column:
    return Column(
        String(128), ForeignKey("article.id", ondelete=ondelete), nullable=nullable, index=True
    )


def _entity_fk(*, nullable: bool = False, ondelete: str | None = None) -> Column:
    return Column(
        String(40), ForeignKey("entity.id", ondelete=ondelete), nullable=nullable, index=True
    )


class Article(SQLModel, table=True):
    __tablename__ = "article"
    # Dated articles first, then the undated, each by sort_at then id: newest first reads
    # this index backwards, oldest first reads ix_article_oldest (below) forwards.
    __table_args__ = (Index("ix_article_newest", "dated", "sort_at", "id"),)

    # Stable across reloads: given by the document (file name, JSONL id) or its content hash.
    id: str = Field(sa_column=Column(String(128), primary_key=True))
    slug: str = Field(sa_column=Column(String(200), nullable=False, index=True))
    title: str = Field(sa_column=Column(Text, nullable=False))
    title_key: str = Field(sa_column=Column(String(512), nullable=False, index=True))
    text: str = Field(sa_column=Column(Text, nullable=False))
    source: str | None = Field(default=None, sa_column=Column(Text, nullable=True, index=True))
    url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    origin: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    published_at: datetime | None = Field(default=None, sa_column=_when(nullable=True, index=True))
    # Whether published_at is known: undated articles sort after every dated one, either way.
    dated: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    # published_at when known, else created_at: with `dated` and the id, the lists' total order.
    sort_at: datetime = Field(sa_column=_when())
    content_hash: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    annotator_version: str = Field(sa_column=Column(String(32), nullable=False))
    word_count: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_when())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_when())
    # Changes whenever anything the article's detail shows changes (app/store/versions.py).
    rev: str = Field(default="", sa_column=Column(String(32), nullable=False, server_default=""))


_article = Article.__table__  # type: ignore[attr-defined]
Index("ix_article_oldest", _article.c.dated.desc(), _article.c.sort_at, _article.c.id)


class ArticleDocument(SQLModel, table=True):
    """An article's detail and layers rendered as served, valid while `rev` is the article's."""

    __tablename__ = "article_document"

    article_id: str = Field(
        sa_column=Column(
            String(128), ForeignKey("article.id", ondelete="CASCADE"), primary_key=True
        )
    )
    rev: str = Field(sa_column=Column(String(32), nullable=False))
    detail: str = Field(sa_column=Column(Text, nullable=False))
    entities: str = Field(sa_column=Column(Text, nullable=False))
    quotes: str = Field(sa_column=Column(Text, nullable=False))
    links: str = Field(sa_column=Column(Text, nullable=False))


class StoreVersion(SQLModel, table=True):
    """One row: its `rev` changes with every write to the corpus."""

    __tablename__ = "store_version"

    id: int = Field(default=1, sa_column=Column(Integer, primary_key=True, autoincrement=False))
    rev: str = Field(sa_column=Column(String(32), nullable=False))


class ArticleBlock(SQLModel, table=True):
    """One structural part of an article: title, standfirst, image, heading, paragraph, ..."""

    __tablename__ = "article_block"

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    article_id: str = Field(sa_column=_article_fk())
    position: int = Field(sa_column=Column(Integer, nullable=False))
    kind: str = Field(sa_column=Column(String(20), nullable=False))
    start: int = Field(sa_column=Column(Integer, nullable=False))
    end: int = Field(sa_column=Column(Integer, nullable=False))
    # Images only: the caption and the credit inside the block's range.
    caption_start: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    caption_end: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    credit_start: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    credit_end: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))


class Entity(SQLModel, table=True):
    """One real-world thing across the whole corpus."""

    __tablename__ = "entity"
    __table_args__ = (
        Index("ix_entity_type_name_key", "type", "name_key"),
        Index("ix_entity_article_count", "article_count", "id"),
    )

    id: str = Field(sa_column=Column(String(40), primary_key=True))
    name: str = Field(sa_column=Column(String(300), nullable=False, index=True))
    name_key: str = Field(sa_column=Column(String(300), nullable=False))
    # The last word of name_key: finds "Khalifa Haftar" for "Haftar" through an index.
    last_key: str = Field(
        default="", sa_column=Column(String(300), nullable=False, index=True, server_default="")
    )
    type: str = Field(sa_column=Column(String(20), nullable=False, index=True))
    country_code: str | None = Field(
        default=None, sa_column=Column(String(2), nullable=True, index=True)
    )
    lat: float | None = Field(default=None)
    lon: float | None = Field(default=None)
    article_count: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    mention_count: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_when())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_when())
    # Changes whenever anything the entity's detail shows changes (app/store/versions.py).
    rev: str = Field(
        default_factory=lambda: secrets.token_hex(8),
        sa_column=Column(String(32), nullable=False, server_default=""),
    )


class EntityDocument(SQLModel, table=True):
    """An entity's detail rendered as served, valid while `rev` is the entity's."""

    __tablename__ = "entity_document"

    entity_id: str = Field(
        sa_column=Column(String(40), ForeignKey("entity.id", ondelete="CASCADE"), primary_key=True)
    )
    rev: str = Field(sa_column=Column(String(32), nullable=False))
    detail: str = Field(sa_column=Column(Text, nullable=False))


class EntityAlias(SQLModel, table=True):
    __tablename__ = "entity_alias"
    __table_args__ = (UniqueConstraint("entity_id", "alias_key"),)

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    entity_id: str = Field(sa_column=_entity_fk(ondelete="CASCADE"))
    alias: str = Field(sa_column=Column(String(300), nullable=False))
    alias_key: str = Field(sa_column=Column(String(300), nullable=False, index=True))


class ArticleEntity(SQLModel, table=True):
    """An entity as one article mentions it."""

    __tablename__ = "article_entity"
    __table_args__ = (
        UniqueConstraint("article_id", "entity_id"),
        # The articles of an entity without touching the table (co-occurrence, related).
        Index("ix_article_entity_entity_article", "entity_id", "article_id"),
        # The articles of an entity with at most so many entities (related articles).
        Index("ix_article_entity_entity_size", "entity_id", "article_size", "article_id"),
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    article_id: str = Field(sa_column=_article_fk())
    entity_id: str = Field(sa_column=_entity_fk())
    position: int = Field(sa_column=Column(Integer, nullable=False))
    name: str = Field(sa_column=Column(Text, nullable=False))
    mention_count: int = Field(sa_column=Column(Integer, nullable=False))
    # How many entities the article mentions (the same on each of its rows), written with them.
    article_size: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )


class Mention(SQLModel, table=True):
    __tablename__ = "mention"

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    article_id: str = Field(sa_column=_article_fk())
    entity_id: str = Field(sa_column=_entity_fk())
    start: int = Field(sa_column=Column(Integer, nullable=False))
    end: int = Field(sa_column=Column(Integer, nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))


class Quote(SQLModel, table=True):
    __tablename__ = "quote"
    __table_args__ = (
        Index("ix_quote_article_position", "article_id", "position"),
        # Quotes by speaker, in the order they are served.
        Index("ix_quote_speaker_order", "speaker_entity_id", "article_id", "position"),
        # The segments of one statement.
        Index("ix_quote_article_attribution", "article_id", "attribution_id", "position"),
    )

    id: str = Field(sa_column=Column(String(160), primary_key=True))
    article_id: str = Field(sa_column=_article_fk())
    position: int = Field(sa_column=Column(Integer, nullable=False))
    kind: str = Field(sa_column=Column(String(10), nullable=False, index=True))
    start: int = Field(sa_column=Column(Integer, nullable=False))
    end: int = Field(sa_column=Column(Integer, nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    speaker_entity_id: str | None = Field(default=None, sa_column=_entity_fk(nullable=True))
    speaker_start: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    speaker_end: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    speaker_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    cue_start: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    cue_end: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    cue_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    cue_lemma: str | None = Field(
        default=None, sa_column=Column(String(100), nullable=True, index=True)
    )
    # The statement this segment belongs to, shared by all its segments: `a1`, `a2`... per article.
    attribution_id: str = Field(
        default="", sa_column=Column(String(20), nullable=False, server_default="")
    )


class RelatedLink(SQLModel, table=True):
    """A link the article itself makes (a READ MORE line), resolved when its target is stored."""

    __tablename__ = "related_link"
    __table_args__ = (
        Index("ix_related_link_article_position", "article_id", "position"),
        # Links to an article (or to none: the dangling ones), in the order they are served.
        Index("ix_related_link_target_order", "target_article_id", "article_id", "position"),
    )

    id: str = Field(sa_column=Column(String(160), primary_key=True))
    article_id: str = Field(sa_column=_article_fk())
    position: int = Field(sa_column=Column(Integer, nullable=False))
    kind: str = Field(sa_column=Column(String(20), nullable=False))
    title: str = Field(sa_column=Column(Text, nullable=False))
    title_key: str = Field(sa_column=Column(String(512), nullable=False, index=True))
    start: int = Field(sa_column=Column(Integer, nullable=False))
    end: int = Field(sa_column=Column(Integer, nullable=False))
    url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    target_article_id: str | None = Field(
        default=None, sa_column=_article_fk(nullable=True, ondelete="SET NULL")
    )
    match_score: float | None = Field(default=None)


class DateMention(SQLModel, table=True):
    __tablename__ = "date_mention"

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    article_id: str = Field(sa_column=_article_fk())
    start: int = Field(sa_column=Column(Integer, nullable=False))
    end: int = Field(sa_column=Column(Integer, nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class IngestJob(SQLModel, table=True):
    """A batch of documents to ingest, submitted at once and worked through by workers."""

    __tablename__ = "ingest_job"

    id: str = Field(sa_column=Column(String(32), primary_key=True))
    origin: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    total: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_when())


class IngestJobDocument(SQLModel, table=True):
    """One document of a job, with what became of it. Its row is the truth about it: a
    redelivered or retried piece of work skips documents already done, so nothing is
    counted twice."""

    __tablename__ = "ingest_job_document"
    __table_args__ = (Index("ix_ingest_job_document_status", "job_id", "status"),)

    job_id: str = Field(
        sa_column=Column(
            String(32), ForeignKey("ingest_job.id", ondelete="CASCADE"), primary_key=True
        )
    )
    position: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    # queued, annotated, created, updated, unchanged, skipped, failed
    status: str = Field(sa_column=Column(String(16), nullable=False))
    article_id: str | None = Field(default=None, sa_column=Column(String(128), nullable=True))
    origin: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    # The document as JSON until it is done ({text, id, title, url, published_at}).
    document: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_when())
