"""Mapping an `Annotation` to rows, idempotently: the same document twice gives the same rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlmodel import Session, SQLModel

from app.annotate import types as ann
from app.errors import NotFound
from app.store.entity_linking import ArticleLinking, link_entity
from app.store.keys import slugify, title_key
from app.store.link_resolution import release_links, resolve_incoming, resolve_outgoing
from app.store.search import (
    index_article,
    index_quotes,
    unindex_article,
    unindex_article_quotes,
)
from app.store.tables import (
    Article,
    ArticleBlock,
    ArticleEntity,
    DateMention,
    Entity,
    Mention,
    Quote,
    RelatedLink,
    utcnow,
)
from app.store.versions import (
    new_rev,
    touch_articles_mentioning,
    touch_entities,
    touch_entities_beside,
    touch_store,
)

_CHILDREN = (ArticleBlock, Mention, Quote, RelatedLink, DateMention, ArticleEntity)


@dataclass(frozen=True)
class ArticleFields:
    """What the document says about itself, beside its text."""

    id: str
    title: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    origin: str | None = None


def save_article(
    session: Session,
    *,
    fields: ArticleFields,
    annotation: ann.Annotation,
    content_hash: str,
    annotator_version: str,
) -> tuple[Article, bool]:
    """Write (or replace) one article and all its annotations; the caller commits.

    Returns the article and whether it was new.
    """
    article = session.get(Article, fields.id)
    created = article is None
    touched: set[str] = set()
    if article is None:
        article = Article(id=fields.id)
    else:
        touched.update(_clear_annotations(session, article.id))
    structure = annotation.structure
    title = fields.title or (structure.title.text if structure.title else "") or fields.id
    now = utcnow()
    article.title = title
    article.title_key = title_key(title)
    article.slug = slugify(title)
    article.text = annotation.text
    article.source = structure.source.text if structure.source else None
    article.url = fields.url
    article.origin = fields.origin
    article.published_at = fields.published_at
    article.dated = fields.published_at is not None
    article.sort_at = fields.published_at or article.created_at or now
    article.content_hash = content_hash
    article.annotator_version = annotator_version
    article.word_count = len(annotation.text.split())
    article.updated_at = now
    article.rev = new_rev()
    if created:
        article.created_at = now
    session.add(article)
    session.flush()
    index_article(session, article_id=article.id, title=title, body=article.text)

    _add_blocks(session, article.id, structure)
    changed: set[str] = set()
    entity_ids = _add_entities(session, article.id, annotation.entities, changed)
    touched.update(entity_ids.values())
    _add_quotes(session, article.id, annotation.quotes, entity_ids)
    links = [
        RelatedLink(
            id=f"{article.id}-l{n}",
            article_id=article.id,
            position=n,
            kind=link.kind.value,
            title=link.title,
            title_key=title_key(link.title),
            start=link.start,
            end=link.end,
            url=link.url,
        )
        for n, link in enumerate(annotation.links, 1)
    ]
    session.add_all(links)
    resolve_outgoing(session, links, article_id=article.id)
    _insert(
        session,
        DateMention,
        [
            {
                "article_id": article.id,
                "start": d.start,
                "end": d.end,
                "text": d.text,
                "value": d.value,
            }
            for d in annotation.dates
        ],
    )
    session.flush()
    resolve_incoming(session, article)
    recount_entities(session, touched)
    # Other articles show these entities' names, aliases and geocode.
    touch_articles_mentioning(session, changed)
    touch_entities(session, touched | changed)
    # Other entities' details list these among the entities they appear with, by name.
    touch_entities_beside(session, changed)
    touch_store(session)
    return article, created


def delete_article(session: Session, *, article_id: str) -> None:
    """Delete an article with its annotations.

    Links that pointed at it move to another stored article of the same title, if any,
    else become unresolved.
    """
    article = session.get(Article, article_id)
    if article is None:
        raise NotFound(f"No article with id '{article_id}'.")
    touched = _clear_annotations(session, article_id)
    unindex_article(session, article_id=article_id)
    release_links(session, article_id=article_id)
    session.delete(article)
    session.flush()
    recount_entities(session, touched)
    touch_entities(session, touched)
    touch_store(session)


_MINE = ArticleEntity.entity_id == Entity.id
_RECOUNT = (
    update(Entity)
    .where(Entity.id.in_(bindparam("entity_ids", expanding=True)))
    .values(
        article_count=select(func.count(ArticleEntity.id)).where(_MINE).scalar_subquery(),
        mention_count=select(func.coalesce(func.sum(ArticleEntity.mention_count), 0))
        .where(_MINE)
        .scalar_subquery(),
    )
)


def recount_entities(session: Session, entity_ids: set[str]) -> None:
    """Refresh the article and mention counts of the given entities, in one statement.

    Built once and run on the session's connection: entities loaded in the session keep
    the counts they were loaded with.
    """
    if entity_ids:
        session.connection().execute(_RECOUNT, {"entity_ids": sorted(entity_ids)})


def _clear_annotations(session: Session, article_id: str) -> set[str]:
    touched = set(
        session.scalars(
            select(ArticleEntity.entity_id).where(ArticleEntity.article_id == article_id)
        ).all()
    )
    unindex_article_quotes(session, article_id)
    for table in _CHILDREN:
        session.execute(delete(table).where(table.article_id == article_id))  # type: ignore[attr-defined]
    return touched


def _insert(session: Session, table: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """Insert many rows in one statement: annotation rows are written, never edited.

    A Core statement on the session's connection: the rows need no ORM bookkeeping.
    """
    if rows:
        session.connection().execute(insert(table), rows)


def _add_blocks(session: Session, article_id: str, structure: ann.Structure) -> None:
    images = {(image.start, image.end): image for image in structure.images}
    rows = []
    for position, block in enumerate(structure.blocks):
        row: dict[str, Any] = {
            "article_id": article_id,
            "position": position,
            "kind": block.kind.value,
            "start": block.start,
            "end": block.end,
            "caption_start": None,
            "caption_end": None,
            "credit_start": None,
            "credit_end": None,
        }
        image = images.get((block.start, block.end))
        if block.kind is ann.BlockKind.image and image is not None:
            row["caption_start"], row["caption_end"] = image.caption.start, image.caption.end
            if image.credit is not None:
                row["credit_start"], row["credit_end"] = image.credit.start, image.credit.end
        rows.append(row)
    _insert(session, ArticleBlock, rows)


def _add_entities(
    session: Session, article_id: str, entities: list[ann.Entity], changed: set[str]
) -> dict[str, str]:
    """Store the article's entities; returns local key -> stored entity id.

    Stored entities this enriched (a fuller name, an alias, a geocode) go into `changed`.
    """
    ids: dict[str, str] = {}
    rows: dict[str, dict[str, Any]] = {}
    mentions: list[dict[str, Any]] = []
    linking = ArticleLinking(session, entities)
    for position, local in enumerate(entities):
        entity_id = link_entity(linking, local, taken=set(rows), changed=changed)
        ids[local.key] = entity_id
        row = rows.setdefault(
            entity_id,
            {
                "article_id": article_id,
                "entity_id": entity_id,
                "position": position,
                "name": local.name,
                "mention_count": 0,
            },
        )
        row["mention_count"] += len(local.mentions)
        mentions.extend(
            {
                "article_id": article_id,
                "entity_id": entity_id,
                "start": m.start,
                "end": m.end,
                "text": m.text,
            }
            for m in local.mentions
        )
    linking.write()  # the entities first: the rows below refer to them
    for row in rows.values():
        row["article_size"] = len(rows)
    _insert(session, ArticleEntity, list(rows.values()))
    _insert(session, Mention, mentions)
    return ids


def _add_quotes(
    session: Session, article_id: str, quotes: list[ann.Quote], entity_ids: dict[str, str]
) -> None:
    rows = []
    for position, quote in enumerate(quotes, 1):
        speaker, cue = quote.speaker_mention, quote.cue
        rows.append(
            {
                "id": f"{article_id}-q{position}",
                "article_id": article_id,
                "position": position,
                "kind": quote.kind.value,
                "start": quote.start,
                "end": quote.end,
                "text": quote.text,
                "speaker_entity_id": entity_ids.get(quote.speaker_key or ""),
                "speaker_start": speaker.start if speaker else None,
                "speaker_end": speaker.end if speaker else None,
                "speaker_text": speaker.text if speaker else None,
                "cue_start": cue.start if cue else None,
                "cue_end": cue.end if cue else None,
                "cue_text": cue.text if cue else None,
                "cue_lemma": cue.lemma if cue else None,
                "attribution_id": quote.attribution_id or f"a{position}",
            }
        )
    _insert(session, Quote, rows)
    index_quotes(session, rows)
