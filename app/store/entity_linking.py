"""Linking an article's entities to the corpus-wide entity table.

"Haftar" in one article and "Khalifa Haftar" in another are one entity when the
store holds exactly one candidate; with two people of that surname, the short
form stays apart rather than being merged blindly.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import ColumnElement, and_, select, true
from sqlmodel import Session

from app.annotate import types as ann
from app.store.keys import name_key as key_of
from app.store.tables import Entity, EntityAlias, utcnow


def entity_id_for(entity_type: str, name: str) -> str:
    """A readable, stable id for an entity first seen as `name`."""
    digest = hashlib.sha1(f"{entity_type}:{key_of(name)}".encode()).hexdigest()[:12]
    return f"{entity_type.lower()}-{digest}"


def link_entity(
    session: Session, local: ann.Entity, *, taken: set[str], changed: set[str]
) -> Entity:
    """The stored entity `local` refers to, created or enriched as needed.

    `taken` holds the ids the article's other entities already link to: the article's
    own analysis said those are different things, so they are never candidates.
    The id of an entity whose name, aliases or geocode this changed is added to `changed`:
    other articles show those.
    """
    key = key_of(local.name)
    entity = _find(session, entity_type=local.type, name_key=key, taken=taken)
    names = [local.name, *local.aliases]
    # A new entity is in no other article yet: nothing else shows it.
    created = entity is None
    if entity is None:
        entity = _create(session, local, key)
    elif len(local.name.split()) > len(entity.name.split()) and local.type == "PERSON":
        # A fuller name than the one stored so far becomes canonical; the id stays.
        names.append(entity.name)
        entity.name, entity.name_key, entity.last_key = local.name, key, last_word(key)
        entity.updated_at = utcnow()
        changed.add(entity.id)
    if entity.country_code is None and local.country_code is not None:
        entity.country_code, entity.lat, entity.lon = local.country_code, local.lat, local.lon
        changed.add(entity.id)
    if _add_aliases(session, entity, names) and not created:
        changed.add(entity.id)
    return entity


def _find(session: Session, *, entity_type: str, name_key: str, taken: set[str]) -> Entity | None:
    free = Entity.id.not_in(taken) if taken else true()
    # Entities no stored article mentions any more keep their ids (a name coming back gets
    # its old id) but are no evidence that a short name is ambiguous.
    live = Entity.article_count > 0
    exact = session.scalars(
        select(Entity)
        .where(Entity.type == entity_type, Entity.name_key == name_key, free)
        .order_by(Entity.article_count.desc(), Entity.id)
    ).first()
    if exact is not None:
        return exact
    known_as = _unique(
        session.scalars(
            select(Entity)
            .join(EntityAlias, EntityAlias.entity_id == Entity.id)
            .where(Entity.type == entity_type, EntityAlias.alias_key == name_key, free, live)
            .distinct()
            .limit(2)
        ).all()
    )
    if known_as is not None or entity_type != "PERSON":
        return known_as
    tokens = name_key.split()
    if len(tokens) == 1:
        # "Haftar": one stored person whose name ends with it.
        return _unique(
            session.scalars(
                select(Entity)
                .where(Entity.type == "PERSON", _ends_with_word(name_key), free, live)
                .limit(2)
            ).all()
        )
    # "Khalifa Haftar": a person stored so far by the surname alone, and nobody else by it.
    surname = tokens[-1]
    short = _unique(
        session.scalars(
            select(Entity)
            .where(Entity.type == "PERSON", Entity.name_key == surname, free, live)
            .limit(2)
        ).all()
    )
    if short is None:
        return None
    others = session.scalars(
        select(Entity.id).where(Entity.type == "PERSON", _ends_with_word(surname), live).limit(1)
    ).first()
    return short if others is None else None


def last_word(name_key: str) -> str:
    words = name_key.split()
    return words[-1] if words else ""


def _ends_with_word(word: str) -> ColumnElement[bool]:
    """A name of several words whose last word is `word`."""
    return and_(Entity.last_key == word, Entity.name_key != word)


def _unique(candidates: list[Entity] | tuple[Entity, ...]) -> Entity | None:
    return candidates[0] if len(candidates) == 1 else None


def _create(session: Session, local: ann.Entity, key: str) -> Entity:
    base = entity_id_for(local.type, local.name)
    entity_id, n = base, 1
    while session.get(Entity, entity_id) is not None:
        n += 1
        entity_id = f"{base}-{n}"
    entity = Entity(
        id=entity_id,
        name=local.name,
        name_key=key,
        last_key=last_word(key),
        type=local.type,
        country_code=local.country_code,
        lat=local.lat,
        lon=local.lon,
    )
    session.add(entity)
    session.flush()
    return entity


def _add_aliases(session: Session, entity: Entity, names: list[str]) -> bool:
    """Record each of `names` as a name of `entity`, once; whether any was new."""
    known = set(
        session.scalars(select(EntityAlias.alias_key).where(EntityAlias.entity_id == entity.id))
    )
    added = False
    for name in names:
        key = key_of(name)
        if key and key not in known:
            known.add(key)
            session.add(EntityAlias(entity_id=entity.id, alias=name, alias_key=key))
            added = True
    return added
