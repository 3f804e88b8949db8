"""Versions of what is served, bumped by the writes that change it, and the read model.

Every article carries a `rev`: a token that changes whenever anything its detail shows
changes, whether the article itself was written or another write changed what the
article shows (an entity's canonical name, aliases or geocode; a READ MORE link
resolved, re-pointed or released; a linked article retitled). `store_version.rev`
changes with every write to the corpus. Both are random, never reused, so a token
names one state of a resource: the API derives strong ETags from them without reading
a body, and keeps rendered documents (`article_document`) only while their `rev` is
the article's.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from app.store.tables import Article, ArticleDocument, ArticleEntity, RelatedLink, StoreVersion

# The parts of an article served from its rendered document.
DOCUMENT_LAYERS = ("detail", "entities", "quotes", "links")


def new_rev() -> str:
    return secrets.token_hex(8)


def touch_store(session: Session) -> None:
    """Record that the corpus changed: every corpus-wide resource has a new version."""
    session.execute(update(StoreVersion).where(StoreVersion.id == 1).values(rev=new_rev()))


def touch_articles(session: Session, article_ids: Iterable[str]) -> None:
    """Give these articles a new version: what they show changed."""
    ids = set(article_ids)
    if ids:
        session.execute(
            update(Article)
            .where(Article.id.in_(ids))
            .values(rev=new_rev())
            .execution_options(synchronize_session=False)
        )


def touch_articles_mentioning(session: Session, entity_ids: Iterable[str]) -> None:
    """New versions for the articles mentioning these entities (their name, aliases changed)."""
    ids = set(entity_ids)
    if ids:
        mentioning = select(ArticleEntity.article_id).where(ArticleEntity.entity_id.in_(ids))
        session.execute(
            update(Article)
            .where(Article.id.in_(mentioning))
            .values(rev=new_rev())
            .execution_options(synchronize_session=False)
        )


def touch_articles_linking(session: Session, link_ids: Iterable[str]) -> None:
    """New versions for the articles making these READ MORE links (their target changed)."""
    ids = set(link_ids)
    if ids:
        making = select(RelatedLink.article_id).where(RelatedLink.id.in_(ids))
        session.execute(
            update(Article)
            .where(Article.id.in_(making))
            .values(rev=new_rev())
            .execution_options(synchronize_session=False)
        )


_STORE_REV = select(StoreVersion.rev).where(StoreVersion.id == 1)
_ARTICLE_REV = select(Article.rev)


def store_rev(connection: Connection) -> str:
    return connection.execute(_STORE_REV).scalar_one()


def article_rev(connection: Connection, article_id: str) -> str | None:
    """The article's version, or None when no such article is stored."""
    return connection.execute(_ARTICLE_REV.where(Article.id == article_id)).scalar()


def read_document(
    connection: Connection, article_id: str, layer: str
) -> tuple[str, str | None] | None:
    """(article rev, rendered `layer` if rendered at that rev), or None for no such article."""
    column = getattr(ArticleDocument, layer)
    row = connection.execute(
        select(Article.rev, ArticleDocument.rev, column)
        .outerjoin(ArticleDocument, ArticleDocument.article_id == Article.id)
        .where(Article.id == article_id)
    ).first()
    if row is None:
        return None
    rev, rendered_rev, body = row
    return rev, body if rendered_rev == rev else None


def save_document(
    connection: Connection, article_id: str, rev: str, layers: Mapping[str, str]
) -> None:
    """Keep the rendered layers of an article at `rev`, replacing older ones."""
    values = {"article_id": article_id, "rev": rev, **layers}
    dialect = connection.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ArticleDocument).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=[ArticleDocument.article_id],
        set_={key: statement.excluded[key] for key in values if key != "article_id"},
    )
    connection.execute(statement)
