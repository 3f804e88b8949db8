"""Entities across the corpus: listing, detail, co-occurrence."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from app.api.pagination import paginate
from app.api.schemas import ArticleListItem, CoEntity, EntityDetail, EntitySummary
from app.errors import InvalidInput, NotFound
from app.store import tables as models
from app.store.keys import text_key

# The OntoNotes types an entity can have (numbers, money and dates are not entities).
ENTITY_TYPES = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE",
)  # fmt: skip


# The types in any case, as a pattern the OpenAPI document can carry.
ENTITY_TYPE_PATTERN = (
    "^(?:"
    + "|".join(
        "".join(f"[{c}{c.lower()}]" if c.isalpha() else c for c in name) for name in ENTITY_TYPES
    )
    + ")$"
)


class EntitySort(str, Enum):
    articles = "articles"
    name = "name"


def aliases_of(session: Session, entities: Sequence[models.Entity]) -> dict[str, list[str]]:
    """Each entity's other names (its canonical name left out), alphabetically."""
    ids = [e.id for e in entities]
    if not ids:
        return {}
    canonical = {e.id: e.name_key for e in entities}
    result: dict[str, list[str]] = {}
    for alias in session.scalars(
        select(models.EntityAlias)
        .where(models.EntityAlias.entity_id.in_(ids))
        .order_by(models.EntityAlias.alias)
    ):
        if alias.alias_key != canonical[alias.entity_id]:
            result.setdefault(alias.entity_id, []).append(alias.alias)
    return result


def get_entity(session: Session, *, entity_id: str) -> models.Entity:
    """The entity, if a stored article mentions it.

    An entity no article mentions any more keeps its row (a name that comes back gets its
    old id) but is hidden: it is committed with count 0 in the transaction that removed
    its last article, so from then on it is a 404 like any unknown id.
    """
    entity = session.get(models.Entity, entity_id)
    if entity is None or entity.article_count <= 0:
        raise NotFound(f"No entity with id '{entity_id}'.")
    return entity


def summaries(session: Session, entities: Sequence[models.Entity]) -> list[EntitySummary]:
    aliases = aliases_of(session, entities)
    return [
        EntitySummary.model_validate(
            {**e.model_dump(), "aliases": aliases.get(e.id, [])}, from_attributes=False
        )
        for e in entities
    ]


def list_entities(
    session: Session,
    *,
    limit: int,
    cursor: str | None = None,
    entity_type: str | None = None,
    prefix: str | None = None,
    sort: EntitySort = EntitySort.articles,
) -> tuple[list[EntitySummary], str | None]:
    """Entities mentioned by at least one article, filtered by type and name prefix."""
    query = select(models.Entity).where(models.Entity.article_count > 0)
    if entity_type:
        if entity_type.upper() not in ENTITY_TYPES:
            raise InvalidInput(
                f"Unknown entity type '{entity_type}': use one of {', '.join(ENTITY_TYPES)}."
            )
        query = query.where(models.Entity.type == entity_type.upper())
    if prefix:
        key = text_key(prefix)
        matching_alias = select(models.EntityAlias.entity_id).where(
            models.EntityAlias.alias_key.startswith(key, autoescape=True)
        )
        query = query.where(
            models.Entity.name_key.startswith(key, autoescape=True)
            | models.Entity.id.in_(matching_alias)
        )
    if sort is EntitySort.name:
        order: list[tuple[Any, bool]] = [(models.Entity.name, False), (models.Entity.id, False)]
        kinds: list[type] = [str, str]
    else:
        order = [(models.Entity.article_count, True), (models.Entity.id, False)]
        kinds = [int, str]
    rows, next_cursor = paginate(session, query, order, limit=limit, cursor=cursor, kinds=kinds)
    return summaries(session, rows), next_cursor


def get_entity_detail(session: Session, *, entity_id: str, co_limit: int = 10) -> EntityDetail:
    """The entity with its aliases, counts, geocode and the entities it most appears with."""
    entity = get_entity(session, entity_id=entity_id)
    mine = aliased(models.ArticleEntity)
    theirs = aliased(models.ArticleEntity)
    shared = func.count().label("shared")
    # Counted on the two indexes of article_entity alone; only the entities kept are read.
    counts = (
        select(theirs.entity_id, shared)
        .select_from(mine)
        .join(theirs, theirs.article_id == mine.article_id)
        .where(mine.entity_id == entity.id, theirs.entity_id != entity.id)
        .group_by(theirs.entity_id)
        .order_by(shared.desc(), theirs.entity_id)
        .limit(co_limit)
        .subquery("counts")
    )
    rows = session.execute(
        select(models.Entity.id, models.Entity.name, models.Entity.type, counts.c.shared)
        .join(counts, counts.c.entity_id == models.Entity.id)
        .order_by(counts.c.shared.desc(), models.Entity.id)
    ).all()
    summary = summaries(session, [entity])[0]
    statements = (
        select(models.Quote.article_id, models.Quote.attribution_id)
        .where(models.Quote.speaker_entity_id == entity.id)
        .distinct()
        .subquery()
    )
    return EntityDetail(
        **summary.model_dump(),
        statement_count=session.execute(select(func.count()).select_from(statements)).scalar_one(),
        co_occurring=[
            CoEntity(id=row.id, name=row.name, type=row.type, shared_articles=row.shared)
            for row in rows
        ],
    )


def entity_articles(
    session: Session, *, entity_id: str, limit: int, cursor: str | None = None
) -> tuple[list[ArticleListItem], str | None]:
    """The articles that mention the entity, newest first."""
    from app.api.services.article_lists import ArticleFilters, list_articles

    get_entity(session, entity_id=entity_id)
    return list_articles(
        session, limit=limit, cursor=cursor, filters=ArticleFilters(entity_ids=(entity_id,))
    )
